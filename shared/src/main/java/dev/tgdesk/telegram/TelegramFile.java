package dev.tgdesk.telegram;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The Bot API {@code File} object {@code getFile} returns. {@code filePath} is only good for building the
 * download URL on the server (it is combined with the bot token) and is never shown to anyone.
 */
public record TelegramFile(
        @JsonProperty("file_id") String fileId,
        @JsonProperty("file_unique_id") String fileUniqueId,
        @JsonProperty("file_size") Long fileSize,
        @JsonProperty("file_path") String filePath) {
}
