package dev.tgdesk.emulators.aws;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A missing moto must fail fast and say what to install; the running server is covered by LocalAwsOutageTest. */
class MotoServerTest {

    @Test
    void pythonWithoutMotoFailsWithInstallHint(@TempDir Path dir) throws IOException {
        Path python = dir.resolve("python-without-moto");
        Files.writeString(python, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'moto'\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));

        try (MotoServer moto = new MotoServer(python.toString())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, moto::start);
            assertTrue(e.getMessage().contains("No module named 'moto'"), e.getMessage());
            assertTrue(e.getMessage().contains("pip install \"moto[server]>=5\""), e.getMessage());
        }
    }

    @Test
    void missingPythonFailsWithInstallHint(@TempDir Path dir) {
        try (MotoServer moto = new MotoServer(dir.resolve("no-such-python").toString())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, moto::start);
            assertTrue(e.getMessage().contains("moto[server]"), e.getMessage());
        }
    }
}
