package dev.tgdesk.domain;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** One Telegram update in normalised form. Every variant keeps Telegram's {@code update_id}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = TelegramUpdate.MessageUpdate.class, name = "message"),
        @JsonSubTypes.Type(value = TelegramUpdate.CallbackUpdate.class, name = "callback"),
        @JsonSubTypes.Type(value = TelegramUpdate.MembershipUpdate.class, name = "membership"),
        @JsonSubTypes.Type(value = TelegramUpdate.Unsupported.class, name = "unsupported")
})
public sealed interface TelegramUpdate {

    long updateId();

    /** The Telegram field the update came in ({@code message}, {@code edited_message}, …). */
    String kind();

    /** {@code message}, {@code edited_message}, {@code channel_post}, {@code edited_channel_post}. */
    record MessageUpdate(long updateId, String kind, Message message) implements TelegramUpdate {
        public boolean edited() {
            return kind.startsWith("edited_");
        }
    }

    record CallbackUpdate(long updateId, String kind, CallbackQuery query) implements TelegramUpdate {
    }

    record MembershipUpdate(long updateId, String kind, ChatMemberChange change) implements TelegramUpdate {
    }

    /**
     * A well-formed update we do not handle: a kind we don't know (inline_query, poll, …) or a known kind
     * whose content is unusable. Acknowledged, counted and kept raw, never an error to Telegram.
     */
    record Unsupported(long updateId, String kind, String reason) implements TelegramUpdate {
    }
}
