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

/**
 * Pulls updates with {@code getUpdates} long polling (no public URL needed) and delivers each, exactly
 * like Telegram's webhook would, to the local webhook route. The next offset is saved to a file after
 * every acknowledged update, so a restart neither loses nor re-delivers anything; an update the webhook
 * refused with 5xx is retried, in order, like Telegram does.
 */
final class TelegramPoller implements Runnable {
    private final TelegramClient telegram;
    private final URI webhookUrl;
    private final String secret;
    private final List<String> allowedUpdates;
    private final Path offsetFile;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile boolean running = true;

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
                    deliver(update);
                    offset = update.get("update_id").asLong() + 1;
                    writeOffset(offset);
                }
                backoff = Duration.ofSeconds(1);
            } catch (TelegramException e) {
                System.err.println("getUpdates failed: " + e.getMessage()
                        + (e.getMessage() != null && e.getMessage().contains("webhook") ? " — this bot has a webhook set; "
                        + "polling needs it removed (deleteWebhook), which would stop a deployed copy from receiving updates" : ""));
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : backoff.multipliedBy(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Posts until the webhook answers 2xx (4xx is final: Telegram would not succeed by retrying it either). */
    private void deliver(JsonNode update) throws InterruptedException {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(webhookUrl)
                        .header("content-type", "application/json")
                        .header("X-Telegram-Bot-Api-Secret-Token", secret)
                        .POST(HttpRequest.BodyPublishers.ofString(update.toString())).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() < 500) {
                    if (r.statusCode() >= 300) System.err.println("update " + update.get("update_id") + " refused: HTTP " + r.statusCode());
                    return;
                }
            } catch (IOException e) {
                // local webhook not reachable: retry below
            }
            sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
        }
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
            Files.writeString(tmp, Long.toString(offset));
            Files.move(tmp, offsetFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot save the getUpdates offset to " + offsetFile, e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop() {
        running = false;
    }
}
