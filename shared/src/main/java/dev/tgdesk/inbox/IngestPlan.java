package dev.tgdesk.inbox;

import dev.tgdesk.domain.DialogKind;
import dev.tgdesk.domain.TelegramChat;
import dev.tgdesk.domain.TelegramUser;

/**
 * Everything one update changes, decided by {@link UpdateIngest} and written by the store in a single
 * all-or-nothing request: either all of it is stored (and the update id is marked seen) or none of it.
 * Parts that an update does not touch are null.
 */
public record IngestPlan(
        String botId,
        long updateId,
        long receivedAt,
        InboundEnvelope envelope,
        ChatWrite chat,
        ContactWrite contact,
        DialogWrite dialog,
        EntryWrite entry,
        EditWrite edit,
        ChatMove move) {

    /**
     * The chat item after this update. {@code expectedVersion} is the version read before planning
     * ({@code -1}: the chat must not exist yet); {@code botStatus}/{@code migratedToChatId} null = unchanged.
     */
    public record ChatWrite(
            TelegramChat chat,
            long expectedVersion,
            long seq,
            String activeDialogId,
            String lastDialogId,
            String botStatus,
            Long migratedToChatId) {
    }

    /** Profile upsert of the Telegram user who sent the update; {@code botBlocked} null = unchanged. */
    public record ContactWrite(TelegramUser user, Boolean botBlocked) {
    }

    /** Opens a dialog ({@code create}) or records activity on the open one. */
    public record DialogWrite(
            String dialogId,
            boolean create,
            DialogKind kind,
            long chatId,
            Long contactUserId,
            String title,
            String preview,
            long lastSeq) {
    }

    /**
     * One history entry (a message, a button press, a membership change) appended to a dialog.
     * {@code dataJson} is the normalised content; {@code telegramMessageId} lets edits and replies find it.
     */
    public record EntryWrite(
            String dialogId,
            long seq,
            String type,
            Long fromUserId,
            Long telegramMessageId,
            String preview,
            String dataJson) {
    }

    /** An edit of an already stored message: its content is replaced, the first version is kept. */
    public record EditWrite(String dialogId, long seq, long editDate, String preview, String dataJson) {
    }

    /**
     * A group became a supergroup: the chat item on the other side of the migration (the one the update
     * did not arrive in). Either it adopts the dialog ({@code adoptDialogId}, {@code adoptSeq}) — the update
     * arrived in the old group — or it is the old group, which now points to the new id and has no active
     * dialog. {@code expectedVersion} {@code -1}: the item must not exist yet.
     */
    public record ChatMove(long otherChatId, long expectedVersion, String adoptDialogId, Long adoptSeq, Long migratedToChatId) {
    }
}
