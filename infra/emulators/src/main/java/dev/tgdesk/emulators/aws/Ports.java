package dev.tgdesk.emulators.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers for the emulators: free ports and where their logs go. */
final class Ports {

    private Ports() {
    }

    /** A port that was free on 127.0.0.1 a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }

    /** {@code ./target} when running under Maven, else the temp directory. */
    static Path logDirectory() {
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            return target;
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
