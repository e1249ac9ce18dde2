package dev.tgdesk.telegram;

/**
 * Base of every failure {@link TelegramClient} reports. Unchecked, because callers usually let it
 * travel up to a retry loop (SQS redelivery, a scheduler) rather than handle it where it is thrown.
 *
 * <p>There are exactly two kinds: {@link TelegramApiException} when a server (the Bot API or a proxy
 * in front of it) answered with an error, and {@link TelegramTransportException} when no usable
 * answer arrived at all. Messages never contain the bot token.
 */
public abstract sealed class TelegramException extends RuntimeException
        permits TelegramApiException, TelegramTransportException {

    private final String method;

    TelegramException(String method, String message, Throwable cause) {
        super(message, cause);
        this.method = method;
    }

    /** The Bot API method that failed, e.g. {@code sendMessage}. */
    public String method() {
        return method;
    }

    /** Whether trying the same call again later may succeed. */
    public abstract boolean isRetryable();
}
