package dev.tgdesk.outbound;

import java.util.List;

/**
 * A message the bot is to send, as the scenario engine and operators describe it — before it becomes
 * Bot API calls. Texts are plain (or HTML when {@code format} is {@link Format#HTML}, with any
 * user-provided values already escaped); escaping, splitting over 4096 characters and the mapping to
 * {@code sendMessage}/{@code sendPhoto}/… happen in {@link TelegramRequests}.
 *
 * @param chatId   where it goes: the Bot API {@code chat_id} as text (a number, or {@code @username})
 * @param threadId forum topic ({@code message_thread_id}), or null
 * @param text     the text, or the caption when {@code media} is set; may be null for media alone
 * @param media    a photo/document/… by Telegram {@code file_id}, or null for a text message
 * @param inlineButtons rows of inline buttons under the message (empty: none)
 * @param replyKeyboard a reply keyboard to show, or null
 * @param removeKeyboard true to remove a reply keyboard shown earlier
 */
public record OutgoingMessage(
        String chatId,
        Long threadId,
        String text,
        Format format,
        Media media,
        List<List<InlineButton>> inlineButtons,
        ReplyKeyboard replyKeyboard,
        boolean removeKeyboard) {

    public enum Format { PLAIN, HTML }

    public enum MediaKind { PHOTO, DOCUMENT, VIDEO, VOICE, AUDIO, ANIMATION, STICKER, VIDEO_NOTE }

    public record Media(MediaKind kind, String fileId) {
    }

    /** An inline button: exactly one of {@code callbackData} (≤ 64 bytes) and {@code url}. */
    public record InlineButton(String text, String callbackData, String url) {
        public static InlineButton callback(String text, String data) {
            return new InlineButton(text, data, null);
        }

        public static InlineButton link(String text, String url) {
            return new InlineButton(text, null, url);
        }
    }

    public record ReplyKeyboard(List<List<String>> rows, boolean oneTime, boolean resize) {
    }

    public OutgoingMessage {
        format = format == null ? Format.PLAIN : format;
        inlineButtons = inlineButtons == null ? List.of() : inlineButtons.stream().map(List::copyOf).toList();
    }

    public static OutgoingMessage text(String chatId, String text) {
        return new OutgoingMessage(chatId, null, text, Format.PLAIN, null, List.of(), null, false);
    }
}
