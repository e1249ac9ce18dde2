package dev.tgdesk.telegram;

import java.util.Locale;

/**
 * What a Bot API error means for the caller, derived from {@code error_code} and the
 * {@code description} texts Telegram uses (they are stable in practice, and the only signal the
 * API gives to tell e.g. a blocked user from an unknown chat).
 */
public enum TelegramErrorKind {
    /** 429: slow down for {@code retry_after} seconds. */
    RATE_LIMITED,
    /** 5xx, including non-JSON answers of a proxy in front of the API. */
    SERVER,
    /** 403 "bot was blocked by the user". */
    BLOCKED_BY_USER,
    /** 403 "user is deactivated" (deleted account). */
    USER_DEACTIVATED,
    /** 403 "bot is not a member of the (group|supergroup|channel) chat". */
    NOT_MEMBER,
    /** 403 "bot was kicked from the (group|supergroup|channel) chat". */
    KICKED,
    /** 403 "bot can't initiate conversation with a user" (the user never pressed Start). */
    CANT_INITIATE,
    /** 400 "chat not found". */
    CHAT_NOT_FOUND,
    /** 400 "message thread not found" (forum topic deleted or wrong id). */
    THREAD_NOT_FOUND,
    /** 400 "message is too long" (or a caption that is). */
    TOO_LONG,
    /** 400 with {@code parameters.migrate_to_chat_id}: the group became a supergroup with a new id. */
    CHAT_MIGRATED,
    /** Any other 400. */
    BAD_REQUEST,
    /** 401: the token is wrong or was revoked. */
    UNAUTHORIZED,
    /** Any other 403, e.g. "not enough rights to send text messages to the chat". */
    FORBIDDEN,
    /** 404: the server lacks the method (or, on api.telegram.org, the token is malformed). */
    NOT_FOUND,
    /** 409: getUpdates while a webhook is set, or two getUpdates consumers. */
    CONFLICT,
    /** Anything else. */
    UNKNOWN;

    /** True for kinds after which sending more messages to the same chat is pointless. */
    public boolean isChatUnreachable() {
        return switch (this) {
            case BLOCKED_BY_USER, USER_DEACTIVATED, NOT_MEMBER, KICKED, CANT_INITIATE, CHAT_NOT_FOUND -> true;
            default -> false;
        };
    }

    /** Classifies an error answer; {@code description} may be null. */
    public static TelegramErrorKind classify(int errorCode, String description, Long migrateToChatId) {
        if (errorCode == 429) {
            return RATE_LIMITED;
        }
        if (errorCode >= 500) {
            return SERVER;
        }
        String text = description == null ? "" : description.toLowerCase(Locale.ROOT);
        if (migrateToChatId != null || text.contains("upgraded to a supergroup")) {
            return CHAT_MIGRATED;
        }
        if (text.contains("bot was blocked by the user")) {
            return BLOCKED_BY_USER;
        }
        if (text.contains("user is deactivated")) {
            return USER_DEACTIVATED;
        }
        if (text.contains("bot is not a member of the")) {
            return NOT_MEMBER;
        }
        if (text.contains("bot was kicked")) {
            return KICKED;
        }
        if (text.contains("bot can't initiate conversation")) {
            return CANT_INITIATE;
        }
        if (text.contains("chat not found")) {
            return CHAT_NOT_FOUND;
        }
        if (text.contains("message thread not found")) {
            return THREAD_NOT_FOUND;
        }
        if (text.contains("message is too long") || text.contains("caption is too long")) {
            return TOO_LONG;
        }
        return switch (errorCode) {
            case 400 -> BAD_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            default -> UNKNOWN;
        };
    }
}
