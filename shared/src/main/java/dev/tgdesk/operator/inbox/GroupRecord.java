package dev.tgdesk.operator.inbox;

/** A group, supergroup or channel the bot is in, as listed by the chat index. */
public record GroupRecord(long chatId, String kind, String chatType, String title, String username, String botStatus,
                          String activeDialogId, String lastDialogId, String sortKey) {
}
