package dev.tgdesk.setup;

import dev.tgdesk.telegram.TelegramApiException;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.telegram.TelegramException;
import dev.tgdesk.telegram.WebhookInfo;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Registers and removes the bot's webhook with the Bot API, within a deadline. Retryable failures (429 with its
 * {@code retry_after}, 5xx, network errors and timeouts) are tried again while time is left; anything else — Telegram
 * refusing the URL, a revoked token — fails at once with Telegram's own description.
 */
public final class WebhookRegistration {

    /** Physical resource ids of registered webhooks: this, then the bot id. */
    public static final String PHYSICAL_ID_PREFIX = "telegram-webhook-";
    /** No single Bot API call waits longer than this (the call's own timeout). */
    static final Duration MAX_CALL_TIMEOUT = Duration.ofSeconds(10);
    /** A call is not started with less time left than this. */
    static final Duration MIN_CALL_TIME = Duration.ofMillis(500);

    /** What {@link #unregister} did, for the answer's Reason. */
    public record Removal(boolean deleted, String what) {
    }

    private final TelegramClient telegram;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public WebhookRegistration(TelegramClient telegram) {
        this(telegram, System::nanoTime, d -> Thread.sleep(d.toMillis()));
    }

    WebhookRegistration(TelegramClient telegram, LongSupplier nanoTime, Sleeper sleeper) {
        this.telegram = Objects.requireNonNull(telegram, "telegram");
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** The physical resource id of the webhook of this bot: CloudFormation hands it back on Update and Delete. */
    public static String physicalId(long botId) {
        return PHYSICAL_ID_PREFIX + botId;
    }

    public long botId() {
        return telegram.botId();
    }

    /**
     * {@code setWebhook} with the settings (re-registering the same settings is harmless: Telegram answers "Webhook is
     * already set").
     *
     * @return what was done, for the answer's Reason
     * @throws IllegalStateException when the token is another bot's than {@code settings.botId()}
     * @throws TelegramException     when Telegram refused, or could not be reached before the deadline
     */
    public String register(WebhookSettings settings, long deadlineNanos) {
        if (settings.botId() != null && !settings.botId().equals(Long.toString(telegram.botId()))) {
            throw new IllegalStateException("the bot token in Secrets Manager is for bot " + telegram.botId()
                    + ", but the stack was deployed for bot " + settings.botId() + " (TelegramBotToken)");
        }
        boolean set = retrying(deadlineNanos, client -> client.setWebhook(settings.toRequest()));
        if (!set) throw new IllegalStateException("Telegram answered setWebhook with false");
        return "webhook set";
    }

    /**
     * Removes the webhook only when it is ours: this bot's, pointing at {@code url}. A webhook someone pointed
     * elsewhere since (another deployment, a developer's tunnel) is left alone; pending updates are kept either way.
     */
    public Removal unregister(String url, String physicalResourceId, long deadlineNanos) {
        if (physicalResourceId != null && !physicalResourceId.startsWith(PHYSICAL_ID_PREFIX)) {
            return new Removal(false, "nothing to remove: this resource never registered a webhook");
        }
        if (physicalResourceId != null && !physicalResourceId.equals(physicalId(telegram.botId()))) {
            return new Removal(false, "left the webhook alone: this resource was registered for another bot than the token's ("
                    + telegram.botId() + ")");
        }
        if (url == null) return new Removal(false, "nothing to remove: the resource has no Url");
        WebhookInfo info = retrying(deadlineNanos, TelegramClient::getWebhookInfo);
        if (!info.isSet()) return new Removal(false, "no webhook was set");
        if (!sameUrl(info.url(), url)) {
            return new Removal(false, "left the webhook alone: it points to " + hostOf(info.url()) + ", not to this stack");
        }
        retrying(deadlineNanos, client -> client.deleteWebhook(false));
        return new Removal(true, "webhook deleted (pending updates kept)");
    }

    static boolean sameUrl(String a, String b) {
        return trimSlash(a).equals(trimSlash(b));
    }

    private static String trimSlash(String s) {
        String t = s.strip();
        return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
    }

    /** Host (and port) of a URL, or "another URL": enough to tell where, without paths that may carry secrets. */
    static String hostOf(String url) {
        try {
            URI u = URI.create(url.strip());
            if (u.getHost() != null) return u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            // below
        }
        return "another URL";
    }

    private interface Call<T> {
        T on(TelegramClient client);
    }

    private <T> T retrying(long deadlineNanos, Call<T> call) {
        int attempt = 0;
        while (true) {
            Duration left = Duration.ofNanos(deadlineNanos - nanoTime.getAsLong());
            if (left.compareTo(MIN_CALL_TIME) < 0) {
                throw new IllegalStateException("no time left to call Telegram");
            }
            try {
                return call.on(telegram.withRequestTimeout(left.compareTo(MAX_CALL_TIMEOUT) < 0 ? left : MAX_CALL_TIMEOUT));
            } catch (TelegramException e) {
                attempt++;
                if (!e.isRetryable()) throw e;
                Duration wait = e instanceof TelegramApiException api && api.retryAfterSeconds() != null
                        ? Duration.ofSeconds(api.retryAfterSeconds())
                        : Duration.ofMillis(500L << Math.min(attempt - 1, 4));
                Duration leftAfterWait = Duration.ofNanos(deadlineNanos - nanoTime.getAsLong()).minus(wait);
                if (leftAfterWait.compareTo(MIN_CALL_TIME) < 0) throw e;
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
