package dev.tgdesk.outbound;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The body of one outbound FIFO queue message: what the sender is to do. A send points at the stored
 * history entry that holds the Bot API call and its status (the entry is the source of truth, so a
 * re-enqueued pointer can never send twice once the entry says sent). Group = target chat.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = OutboundCommand.Send.class, name = "send"),
        @JsonSubTypes.Type(value = OutboundCommand.Edit.class, name = "edit"),
        @JsonSubTypes.Type(value = OutboundCommand.AnswerCallback.class, name = "answer_callback")
})
public sealed interface OutboundCommand {

    int VERSION = 1;

    String botId();

    /** Bot API chat_id the call goes to (number or @username): the FIFO group, so one chat is served in order. */
    String chatId();

    default String messageGroupId() {
        return chatId();
    }

    String deduplicationId();

    /** Send the stored entry {@code seq} of dialog {@code dialogId} (status queued → sending → sent/failed). */
    record Send(String botId, String chatId, String dialogId, long seq) implements OutboundCommand {
        @Override
        public String deduplicationId() {
            return "s-" + botId + "-" + dialogId + "-" + seq;
        }
    }

    /**
     * Replace text and/or inline buttons of an already sent entry ({@code editMessageText}; or
     * {@code editMessageReplyMarkup} when {@code text} is null). {@code revision} makes each edit distinct.
     */
    record Edit(String botId, String chatId, String dialogId, long seq, long revision, String text,
                java.util.List<java.util.List<OutgoingMessage.InlineButton>> inlineButtons) implements OutboundCommand {
        @Override
        public String deduplicationId() {
            return "e-" + botId + "-" + dialogId + "-" + seq + "-" + revision;
        }
    }

    /** {@code answerCallbackQuery}: stops the button's spinner in the client (Telegram expects it within seconds). */
    record AnswerCallback(String botId, String chatId, String callbackQueryId, String text, boolean showAlert)
            implements OutboundCommand {
        @Override
        public String deduplicationId() {
            return "c-" + botId + "-" + callbackQueryId;
        }
    }
}
