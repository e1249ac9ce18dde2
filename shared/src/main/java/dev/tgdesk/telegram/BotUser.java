package dev.tgdesk.telegram;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The bot itself, as returned by {@code getMe}. Optional flags are null when the server omits them. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BotUser(
        @JsonProperty("id") long id,
        @JsonProperty("is_bot") boolean isBot,
        @JsonProperty("first_name") String firstName,
        @JsonProperty("last_name") String lastName,
        @JsonProperty("username") String username,
        @JsonProperty("language_code") String languageCode,
        @JsonProperty("can_join_groups") Boolean canJoinGroups,
        @JsonProperty("can_read_all_group_messages") Boolean canReadAllGroupMessages,
        @JsonProperty("supports_inline_queries") Boolean supportsInlineQueries) {
}
