package dev.tgdesk.domain;

import java.util.List;

/**
 * A message in normalised form: whatever Telegram content it had, in one shape the inbox can store and
 * show. Exactly one of the content groups is usually set (text, media, location, contact, service).
 */
public record Message(
        long messageId,
        TelegramChat chat,
        TelegramUser from,
        TelegramChat senderChat,
        long date,
        Long editDate,
        Long threadId,
        String text,
        List<TextEntity> entities,
        String caption,
        List<TextEntity> captionEntities,
        List<MediaRef> media,
        String mediaGroupId,
        Long replyToMessageId,
        Location location,
        SharedContact contact,
        ServiceEvent service) {

    public Message {
        entities = entities == null ? List.of() : List.copyOf(entities);
        captionEntities = captionEntities == null ? List.of() : List.copyOf(captionEntities);
        media = media == null ? List.of() : List.copyOf(media);
    }

    /** The text an inbox row shows: text, caption, or a label for the content kind. Never null. */
    public String preview() {
        if (text != null && !text.isEmpty()) return text;
        if (caption != null && !caption.isEmpty()) return caption;
        if (!media.isEmpty()) return "[" + media.get(0).kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "]";
        if (location != null) return location.venueTitle() != null ? "[venue] " + location.venueTitle() : "[location]";
        if (contact != null) return "[contact]";
        if (service != null) return "[" + service.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "]";
        return "[message]";
    }

    /** {@code /start payload} and other commands: the command word without the bot's @name, or null. */
    public String command() {
        if (text == null || !text.startsWith("/")) return null;
        for (TextEntity e : entities) {
            if ("bot_command".equals(e.type()) && e.offset() == 0) {
                String cmd = text.substring(1, Math.min(text.length(), e.length()));
                int at = cmd.indexOf('@');
                return at >= 0 ? cmd.substring(0, at) : cmd;
            }
        }
        return null;
    }
}
