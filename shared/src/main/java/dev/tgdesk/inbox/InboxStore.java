package dev.tgdesk.inbox;

import java.util.Optional;

/** Storage of chats, contacts, dialogs and their history, in the terms the inbox rules use. */
public interface InboxStore {

    /** Chat and sender as they are now (strongly consistent). Either may be absent. */
    Snapshot load(String botId, long chatId, Long userId);

    record Snapshot(Optional<ChatState> chat, Optional<ContactState> contact) {
    }

    Optional<ChatState> chat(String botId, long chatId);

    /** The sequence number of the entry holding Telegram message {@code telegramMessageId} in a dialog. */
    Optional<Long> findByTelegramMessageId(String botId, String dialogId, long telegramMessageId);

    enum CommitOutcome {
        COMMITTED,
        /** This update id was recorded before; nothing was written. */
        DUPLICATE,
        /** The chat changed since it was read; read again and re-plan. */
        CHAT_CHANGED,
        /** The contact was blocked since it was read; nothing was written. */
        CONTACT_BLOCKED
    }

    /** Writes the whole plan atomically, together with the "update seen" marker holding the envelope. */
    CommitOutcome commit(IngestPlan plan);

    /** The envelope stored with an already recorded update, to enqueue it again after a failed answer. */
    Optional<InboundEnvelope> recordedEnvelope(String botId, long updateId);

    /**
     * Keeps an update we do not act on (unknown kind or unusable content), raw, so nothing is lost.
     * Idempotent: a second call with the same update id changes nothing.
     */
    void recordUnsupported(String botId, long updateId, String kind, String reason, String rawJson, long receivedAt);
}
