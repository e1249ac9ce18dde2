package dev.tgdesk.telegram;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * Parameters of {@code sendMessage}; null fields are not sent.
 *
 * @param parseMode   {@code "HTML"}, {@code "MarkdownV2"} or {@code "Markdown"}
 * @param replyMarkup any Jackson-serializable value (e.g. an {@code ObjectNode} with
 *                    {@code inline_keyboard}); typed markup records can come later
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SendMessageRequest(
        @JsonProperty("chat_id") ChatId chatId,
        @JsonProperty("message_thread_id") Long messageThreadId,
        @JsonProperty("text") String text,
        @JsonProperty("parse_mode") String parseMode,
        @JsonProperty("reply_markup") Object replyMarkup,
        @JsonProperty("disable_notification") Boolean disableNotification,
        @JsonProperty("protect_content") Boolean protectContent) {

    public SendMessageRequest {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(text, "text");
    }

    public static SendMessageRequest of(ChatId chatId, String text) {
        return new SendMessageRequest(chatId, null, text, null, null, null, null);
    }

    public SendMessageRequest withMessageThreadId(long messageThreadId) {
        return new SendMessageRequest(chatId, messageThreadId, text, parseMode, replyMarkup,
                disableNotification, protectContent);
    }

    public SendMessageRequest withParseMode(String parseMode) {
        return new SendMessageRequest(chatId, messageThreadId, text, parseMode, replyMarkup,
                disableNotification, protectContent);
    }

    public SendMessageRequest withReplyMarkup(Object replyMarkup) {
        return new SendMessageRequest(chatId, messageThreadId, text, parseMode, replyMarkup,
                disableNotification, protectContent);
    }

    public SendMessageRequest withDisableNotification(boolean disableNotification) {
        return new SendMessageRequest(chatId, messageThreadId, text, parseMode, replyMarkup,
                disableNotification, protectContent);
    }

    public SendMessageRequest withProtectContent(boolean protectContent) {
        return new SendMessageRequest(chatId, messageThreadId, text, parseMode, replyMarkup,
                disableNotification, protectContent);
    }
}
