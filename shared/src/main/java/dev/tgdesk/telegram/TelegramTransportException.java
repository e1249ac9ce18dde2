package dev.tgdesk.telegram;

/**
 * No usable answer: the connection failed, the request timed out, the calling thread was
 * interrupted, or a 2xx answer was not the Bot API's JSON envelope.
 *
 * <p>Note for retries: after a {@link Reason#TIMEOUT} the server may still have performed the call
 * (a message may have been sent), so retrying a send can duplicate it.
 */
public final class TelegramTransportException extends TelegramException {

    public enum Reason {
        /** The request (or the connect) took longer than the timeout. */
        TIMEOUT,
        /** The connection could not be established. */
        CONNECT,
        /** Another I/O failure, e.g. the connection was reset mid-response. */
        IO,
        /** The calling thread was interrupted; its interrupt flag is set again. */
        INTERRUPTED,
        /** A 2xx answer that is not JSON, lacks {@code ok}, or lacks {@code result}, or a result of the wrong shape. */
        MALFORMED_RESPONSE
    }

    private final Reason reason;

    public TelegramTransportException(String method, Reason reason, String message, Throwable cause) {
        super(method, message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Network failures and timeouts are retryable; interrupts and malformed answers are not. */
    @Override
    public boolean isRetryable() {
        return reason == Reason.TIMEOUT || reason == Reason.CONNECT || reason == Reason.IO;
    }
}
