package dev.tgdesk.outbound;

/**
 * Where outgoing history entries live ({@code storage.OutboundItems} layout). Every status change is
 * conditional on the status the sender expects, so a redelivered queue message cannot move an entry backwards.
 */
public interface OutboundStore {

    /** The result of trying to move an entry from queued to sending. */
    sealed interface Claim {
        /** It was queued and is now ours to send. */
        record Claimed(OutboundEntry entry) implements Claim {
        }

        /** Already sent or failed: nothing to do. */
        record Finished(OutboundEntry entry) implements Claim {
        }

        /** Found in sending: an earlier sender stopped between claiming and recording the result. */
        record InFlight(OutboundEntry entry) implements Claim {
        }

        /** No such entry. */
        record Missing() implements Claim {
        }
    }

    /** queued → sending (conditional), returning the entry as stored. */
    Claim claim(String botId, String dialogId, long seq, long now);

    /** The entry, or null. */
    OutboundEntry get(String botId, String dialogId, long seq);

    /** → sent with Telegram's message id (whatever the status: a delivered message is the truth). */
    void markSent(OutboundEntry entry, long telegramMessageId, long now);

    /** sending → queued, recording the failed attempts so far and the last error (null: just not yet). */
    void release(OutboundEntry entry, int attempts, OutboundEntry.Failure lastError, long now);

    /**
     * sending → failed with the reason; for an entry a scenario wrote ({@code author = scenario}) also a run log
     * line in the dialog (level error, the reason, the entry's seq).
     */
    void markFailed(OutboundEntry entry, OutboundEntry.Failure failure, long now);

    /** sending → queued with a new target chat (a group became a supergroup). */
    void redirect(OutboundEntry entry, String newChatId, long now);

    /** The user blocked the bot or deleted the account: the contact's PROFILE gets {@code botBlocked=true}. */
    void markContactUnreachable(String botId, long userId, String kind, long now);

    /** Records an applied edit (newer revisions only) so the history shows what the chat shows. */
    void recordEdit(OutboundEntry entry, long revision, String preview, String dataJson, long now);

    /**
     * A file uploaded with the entry's call got this file_id: the entry's params now name it (and lose the
     * {@link UploadedFile} marker), so a resend needs no upload, and its display data records it.
     */
    default void recordUploadedFile(OutboundEntry entry, String field, String fileId, long now) {
    }
}
