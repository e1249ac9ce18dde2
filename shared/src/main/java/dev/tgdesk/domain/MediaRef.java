package dev.tgdesk.domain;

/**
 * A file attached to a message, as Telegram describes it in the message itself. The name, MIME type and
 * size are kept from here because {@code getFile} loses them; the download URL is never stored (it
 * carries the bot token).
 */
public record MediaRef(
        Kind kind,
        String fileId,
        String fileUniqueId,
        String fileName,
        String mimeType,
        Long fileSize,
        Integer width,
        Integer height,
        Integer durationSeconds,
        String emoji) {

    public enum Kind { PHOTO, DOCUMENT, VOICE, VIDEO, VIDEO_NOTE, AUDIO, STICKER, ANIMATION }
}
