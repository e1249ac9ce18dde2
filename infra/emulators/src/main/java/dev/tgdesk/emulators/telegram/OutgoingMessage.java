package dev.tgdesk.emulators.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A message a bot sent through the fake.
 *
 * @param text        exactly as the bot sent it (markup included)
 * @param parseMode   null for plain text
 * @param replyMarkup as sent, or null
 * @param params      every parameter of the call, as received
 * @param message     the {@code Message} object the API returned (text with markup removed)
 * @param mediaKind   null for {@code sendMessage}; else {@code photo}, {@code document}, … {@code video_note}
 *                    ({@code text} is then the caption, or null)
 */
public record OutgoingMessage(long botId, long chatId, long messageId, Long messageThreadId, String text,
        String parseMode, JsonNode replyMarkup, Instant sentAt, JsonNode params, ObjectNode message, String mediaKind) {

    public OutgoingMessage(long botId, long chatId, long messageId, Long messageThreadId, String text,
            String parseMode, JsonNode replyMarkup, Instant sentAt, JsonNode params, ObjectNode message) {
        this(botId, chatId, messageId, messageThreadId, text, parseMode, replyMarkup, sentAt, params, message, null);
    }

    /** {@code callback_data} of every inline button, row by row. */
    public List<String> callbackData() {
        List<String> data = new ArrayList<>();
        if (replyMarkup != null) {
            for (JsonNode row : replyMarkup.path("inline_keyboard")) {
                for (JsonNode button : row) {
                    if (button.hasNonNull("callback_data")) {
                        data.add(button.get("callback_data").asText());
                    }
                }
            }
        }
        return data;
    }

    @Override
    public String toString() {
        return "OutgoingMessage[bot=" + botId + ", chat=" + chatId + ", id=" + messageId
                + (messageThreadId == null ? "" : ", thread=" + messageThreadId)
                + (mediaKind == null ? "" : ", " + mediaKind) + ", text=" + text + "]";
    }
}
