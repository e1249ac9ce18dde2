package dev.tgdesk.operator.actions;

import dev.tgdesk.outbound.OutboundEntry;

import java.util.List;
import java.util.Map;

/**
 * What the dialog actions read and write (implemented on the single table by {@code storage.DynamoDialogActions}).
 * Every action that adds history entries is one {@link #commit}: the entries (numbered from the chat's counter),
 * the chat (counter + version), the dialog (conditional on the state the action was decided on), and optionally
 * the contact and an idempotency marker — all or nothing.
 */
public interface ActionsStore {

    /** A dialog as the actions need it; {@code team}/{@code assignee}/{@code contactUserId} may be null. */
    record DialogState(String dialogId, long chatId, String kind, String status, String handler, String team,
                       String assignee, Long contactUserId, String title, long openedAt, long lastActivityAt) {
        public boolean open() {
            return "open".equals(status);
        }
    }

    /** A contact's profile, flags and custom field values (by field name, without the {@code cf_} prefix). */
    record Contact(long userId, String firstName, String lastName, String username, String languageCode,
                   boolean blocked, boolean botBlocked, Map<String, String> fields) {
    }

    /** What an earlier request with the same client id wrote: where it went and the entries' sequence numbers. */
    record ClientMarker(String chatId, List<Long> seqs) {
    }

    /**
     * The chat's entry counter and version, the bot's status in a group ({@code left}, {@code kicked}, … or null),
     * the dialog's contact (null for groups) and the marker of {@code clientId} (null when none or unused).
     */
    record Context(long chatSeq, long chatVersion, String botStatus, Contact contact, ClientMarker marker) {
    }

    /** An internal history entry (type {@code note} or {@code event}, direction {@code internal}). */
    record InternalEntry(long seq, String type, String author, String authorRef, String preview, String dataJson) {
    }

    /** New handler (null: unchanged); new team and manager when {@code assign}. */
    record DialogChange(String handler, boolean assign, String team, String assignee) {
        public static final DialogChange NONE = new DialogChange(null, false, null, null);
    }

    /** Operators' block flag of the contact. */
    record ContactChange(long userId, boolean blocked, String by) {
    }

    /**
     * @param sends        outgoing entries (status queued); the dialog's preview and activity move with them
     * @param clientId     the browser's idempotency key of a send, or null
     */
    record Commit(String botId, DialogState dialog, long expectedChatVersion, long at, List<OutboundEntry> sends,
                  List<InternalEntry> entries, DialogChange change, ContactChange contact, String clientId) {
        public long lastSeq() {
            long max = 0;
            for (OutboundEntry e : sends) max = Math.max(max, e.seq());
            for (InternalEntry e : entries) max = Math.max(max, e.seq());
            return max;
        }
    }

    enum Outcome { COMMITTED, CONFLICT }

    /** A history entry as the files panel needs it; {@code upload*} are set for files operators uploaded. */
    record StoredEntry(long seq, String type, String direction, long at, String dataJson, String uploadKey,
                       String uploadName, String uploadMime, Long uploadSize) {
    }

    /** The dialog, read strongly consistent; null when there is none. */
    DialogState dialog(String botId, String dialogId);

    /** One read: chat, contact (when the dialog has one) and the client id's marker (when given). */
    Context context(String botId, DialogState dialog, String clientId);

    Outcome commit(Commit commit);

    /** Sets (or, for null values, removes) custom field values of a contact in one update. */
    void setContactFields(String botId, long userId, Map<String, String> values, long at);

    /** The dialog's entries that carry files, oldest first. */
    List<StoredEntry> fileEntries(String botId, String dialogId);

    /** One entry, or null. */
    StoredEntry entry(String botId, String dialogId, long seq);
}
