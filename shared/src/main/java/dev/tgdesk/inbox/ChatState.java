package dev.tgdesk.inbox;

import dev.tgdesk.domain.DialogKind;

/**
 * What is stored about one Telegram chat. {@code seq} numbers every entry stored for the chat (it orders
 * history and is the per-dialog cursor); {@code version} guards concurrent writers (optimistic lock).
 */
public record ChatState(
        long chatId,
        DialogKind kind,
        String activeDialogId,
        String lastDialogId,
        long seq,
        long version,
        String botStatus,
        Long migratedToChatId) {

    public boolean hasActiveDialog() {
        return activeDialogId != null;
    }
}
