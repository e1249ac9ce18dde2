package dev.tgdesk.emulators.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An edit a bot made to one of its messages.
 *
 * @param method      {@code editMessageText} or {@code editMessageReplyMarkup}
 * @param text        the new text as sent (markup included), or null for a markup-only edit
 * @param replyMarkup the new inline keyboard, or null
 */
public record MessageEdit(long botId, long chatId, long messageId, String method, String text, JsonNode replyMarkup,
        Instant editedAt) {
}
