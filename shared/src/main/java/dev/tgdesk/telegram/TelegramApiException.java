package dev.tgdesk.telegram;

/**
 * The server answered a call with an error: either the Bot API's own
 * {@code {"ok":false,"error_code":…,"description":…,"parameters":{…}}}, or a non-JSON error page
 * of a proxy in front of it (then {@link #errorCode()} is the HTTP status and
 * {@link #description()} a short, tag-free excerpt of the page).
 */
public final class TelegramApiException extends TelegramException {

    private final int errorCode;
    private final String description;
    private final Integer retryAfterSeconds;
    private final Long migrateToChatId;
    private final TelegramErrorKind kind;

    /**
     * @param description       Telegram's text, e.g. "Forbidden: bot was blocked by the user"; may be null
     * @param retryAfterSeconds {@code parameters.retry_after}, or null
     * @param migrateToChatId   {@code parameters.migrate_to_chat_id}, or null
     */
    public TelegramApiException(String method, int errorCode, String description,
            Integer retryAfterSeconds, Long migrateToChatId) {
        super(method, formatMessage(method, errorCode, description), null);
        this.errorCode = errorCode;
        this.description = description;
        this.retryAfterSeconds = retryAfterSeconds;
        this.migrateToChatId = migrateToChatId;
        this.kind = TelegramErrorKind.classify(errorCode, description, migrateToChatId);
    }

    private static String formatMessage(String method, int errorCode, String description) {
        return "Telegram " + method + " failed: " + errorCode
                + (description == null ? "" : " " + description);
    }

    /** {@code error_code}, which the Bot API keeps equal to the HTTP status. */
    public int errorCode() {
        return errorCode;
    }

    /** Telegram's description text, or null when the server gave none. */
    public String description() {
        return description;
    }

    /** Seconds to wait before retrying ({@code parameters.retry_after}), or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The new supergroup id after a group was upgraded ({@code parameters.migrate_to_chat_id}), or null. */
    public Long migrateToChatId() {
        return migrateToChatId;
    }

    public TelegramErrorKind kind() {
        return kind;
    }

    public boolean isRateLimited() {
        return kind == TelegramErrorKind.RATE_LIMITED;
    }

    /** 429 and 5xx: the same call may succeed later (after {@link #retryAfterSeconds()} for a 429). */
    @Override
    public boolean isRetryable() {
        return errorCode == 429 || errorCode >= 500;
    }

    /** The chat can no longer be messaged (blocked, deactivated, kicked, not found, …). */
    public boolean isChatUnreachable() {
        return kind.isChatUnreachable();
    }
}
