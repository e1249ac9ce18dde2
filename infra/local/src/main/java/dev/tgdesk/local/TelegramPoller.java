package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.telegram.TelegramException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pulls updates with {@code getUpdates} long polling (no public URL needed) and delivers each, exactly
 * like Telegram's webhook would, to the local webhook route. The next offset is saved to a file after
 * every acknowledged update, so a restart neither loses nor re-delivers anything; an update the webhook
 * refused with 5xx is retried, in order, like Telegram does. {@link #stop()} interrupts a long poll or a
 * retry wait, so an update not yet taken by the webhook is neither acknowledged nor lost.
 */
final class TelegramPoller implements Runnable {
    private final TelegramClient telegram;
    private final URI webhookUrl;
    private final String secret;
    private final List<String> allowedUpdates;
    private final Path offsetFile;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    TelegramPoller(TelegramClient telegram, URI webhookUrl, String secret, List<String> allowedUpdates, Path offsetFile) {
        this.telegram = telegram;
        this.webhookUrl = webhookUrl;
        this.secret = secret;
        this.allowedUpdates = allowedUpdates;
        this.offsetFile = offsetFile;
    }

    @Override
    public void run() {
        long offset = readOffset();
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try {
                List<JsonNode> updates = telegram.getUpdates(offset, 100, 25, allowedUpdates);
                for (JsonNode update : updates) {
                    if (!deliver(update)) {
                        return; // stopped before the webhook took it: the saved offset still points at it
                    }
                    offset = update.get("update_id").asLong() + 1;
                    writeOffset(offset);
                }
                backoff = Duration.ofSeconds(1);
            } catch (TelegramException e) {
                if (!running) {
                    return; // stop() interrupted the long poll
                }
                System.err.println("getUpdates failed: " + e.getMessage()
                        + (e.getMessage() != null && e.getMessage().contains("webhook") ? " — this bot has a webhook set; "
                        + "polling needs it removed (deleteWebhook), which would stop a deployed copy from receiving updates" : ""));
                if (!sleep(backoff)) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : backoff.multipliedBy(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Posts until the webhook answers 2xx (4xx is final: Telegram would not succeed by retrying it either).
     *
     * @return false if the poller was stopped before the webhook accepted or refused the update
     */
    private boolean deliver(JsonNode update) throws InterruptedException {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(webhookUrl)
                        .header("content-type", "application/json")
                        .header("X-Telegram-Bot-Api-Secret-Token", secret)
                        .POST(HttpRequest.BodyPublishers.ofString(update.toString())).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() < 500) {
                    if (r.statusCode() >= 300) System.err.println("update " + update.get("update_id") + " refused: HTTP " + r.statusCode());
                    delivered.incrementAndGet();
                    return true;
                }
                System.err.println("update " + update.get("update_id") + ": webhook answered HTTP " + r.statusCode() + ", retrying in " + backoff.toSeconds() + " s");
            } catch (IOException e) {
                // local webhook not reachable: retry below
            }
            failedAttempts.incrementAndGet();
            if (!sleep(backoff)) {
                return false;
            }
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
        }
        return false;
    }

    private long readOffset() {
        try {
            return Files.exists(offsetFile) ? Long.parseLong(Files.readString(offsetFile).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private void writeOffset(long offset) {
        try {
            Files.createDirectories(offsetFile.getParent());
            Path tmp = offsetFile.resolveSibling(offsetFile.getFileName() + ".tmp");
            // a FileOutputStream, not Files.writeString: an NIO channel would fail if stop() interrupts right now
            try (var out = new java.io.FileOutputStream(tmp.toFile())) {
                out.write(Long.toString(offset).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            Files.move(tmp, offsetFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot save the getUpdates offset to " + offsetFile, e);
        }
    }

    /** @return false if interrupted (stop()); the interrupt status is kept */
    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Updates the webhook answered (2xx, or a final 4xx) since this poller started. */
    long delivered() {
        return delivered.get();
    }

    /** Delivery attempts that failed (5xx or webhook unreachable) and were retried. */
    long failedAttempts() {
        return failedAttempts.get();
    }

    Path offsetFile() {
        return offsetFile;
    }

    /** Starts polling on a daemon thread named {@code telegram-poller}. */
    synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = Thread.ofPlatform().name("telegram-poller").daemon().start(this);
    }

    /**
     * Stops polling and waits for the thread to end: a long poll in progress is interrupted, and an update
     * that the webhook has not accepted yet is left for the next start (the offset file still points at it).
     */
    void stop() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        t.interrupt();
        try {
            t.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            System.err.println("telegram-poller did not stop within 10 s");
        }
        http.shutdownNow();
    }
}
