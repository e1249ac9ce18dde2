package dev.tgdesk.telegram;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * The Bot API's {@code chat_id}: a numeric id (64-bit; groups and channels are negative) or the
 * {@code @username} of a public group or channel. Serialized as a JSON number or string.
 */
public record ChatId(Long id, String username) {

    private static final Pattern NUMERIC = Pattern.compile("-?\\d{1,19}");

    public ChatId {
        if ((id == null) == (username == null)) {
            throw new IllegalArgumentException("exactly one of id and username must be given");
        }
        if (username != null && !username.startsWith("@")) {
            throw new IllegalArgumentException("a chat username must start with @: " + username);
        }
    }

    public static ChatId of(long id) {
        return new ChatId(id, null);
    }

    /** Accepts {@code "@channel"} or a numeric string such as {@code "-1001234567890"}. */
    public static ChatId of(String chatId) {
        if (chatId != null && NUMERIC.matcher(chatId).matches()) {
            return new ChatId(Long.parseLong(chatId), null);
        }
        return new ChatId(null, chatId);
    }

    @JsonValue
    Object jsonValue() {
        return id != null ? id : username;
    }

    @Override
    public String toString() {
        return String.valueOf(jsonValue());
    }
}
