package dev.tgdesk.inbox;

import dev.tgdesk.domain.TelegramUpdate;

/**
 * What the webhook puts on the inbound FIFO queue for the scenario step: the normalised update and where
 * it was stored. {@code dialogId}/{@code seq} are null when the update was recorded outside any dialog.
 */
public record InboundEnvelope(
        int v,
        String botId,
        long updateId,
        long chatId,
        String dialogId,
        Long seq,
        long receivedAt,
        TelegramUpdate update) {

    public static final int VERSION = 1;

    /** FIFO group: one per chat, so each chat's updates are processed in order and chats in parallel. */
    public String messageGroupId() {
        return Long.toString(chatId);
    }

    /** FIFO deduplication id: the Telegram update, so a re-enqueue after a failed answer is dropped by SQS. */
    public String deduplicationId() {
        return botId + "-" + updateId;
    }
}
