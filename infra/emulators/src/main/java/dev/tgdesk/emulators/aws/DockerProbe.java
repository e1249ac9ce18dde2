package dev.tgdesk.emulators.aws;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.testcontainers.DockerClientFactory;

/** Whether a Docker engine is really reachable, without paying Testcontainers' probe when clearly not. */
final class DockerProbe {

    private DockerProbe() {
    }

    static boolean isDockerAvailable() {
        return looksPresent(System.getenv(), Path.of("/var/run/docker.sock")) && testcontainersCanConnect();
    }

    /** Cheap pre-check: Testcontainers' own probe can take seconds when nothing is there. */
    static boolean looksPresent(Map<String, String> env, Path defaultSocket) {
        String dockerHost = env.get("DOCKER_HOST");
        return (dockerHost != null && !dockerHost.isBlank()) || Files.exists(defaultSocket);
    }

    private static boolean testcontainersCanConnect() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Exception | LinkageError e) { // e.g. a misconfigured DOCKER_HOST; treat as "no Docker"
            return false;
        }
    }
}
