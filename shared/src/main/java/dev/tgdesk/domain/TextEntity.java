package dev.tgdesk.domain;

/** A formatting entity (bold, link, bot_command…) over a UTF-16 range of a text or caption. */
public record TextEntity(String type, int offset, int length, String url, String language, Long userId, String customEmojiId) {
}
