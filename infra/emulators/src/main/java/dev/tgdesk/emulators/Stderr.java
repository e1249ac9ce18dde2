package dev.tgdesk.emulators;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** For tests of what a handler logs: runs work with {@code System.err} going into a buffer, and restores it after. */
public final class Stderr {

    private Stderr() {
    }

    public static <T> T capture(ByteArrayOutputStream into, Callable<T> work) {
        PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(into, true, StandardCharsets.UTF_8));
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            System.setErr(err);
        }
    }
}
