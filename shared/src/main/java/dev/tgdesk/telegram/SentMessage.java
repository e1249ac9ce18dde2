package dev.tgdesk.telegram;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The few fields of a sent {@code Message} that callers need (to reply, edit or store the id).
 *
 * @param date            unix time (seconds)
 * @param messageThreadId forum topic of the message, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SentMessage(
        @JsonProperty("message_id") long messageId,
        @JsonProperty("date") long date,
        @JsonProperty("chat") Chat chat,
        @JsonProperty("message_thread_id") Long messageThreadId) {

    /** The chat the message went to; {@code type} is private, group, supergroup or channel. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Chat(
            @JsonProperty("id") long id,
            @JsonProperty("type") String type,
            @JsonProperty("title") String title,
            @JsonProperty("username") String username) {
    }
}
