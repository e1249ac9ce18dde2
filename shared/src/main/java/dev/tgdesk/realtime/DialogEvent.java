package dev.tgdesk.realtime;

import dev.tgdesk.operator.inbox.InboxViews;

import java.util.List;

/**
 * One event of a dialog, as pushed over the WebSocket, returned by the catch-up endpoint and published to the event
 * bus (snake_case JSON, nulls left out). {@code seq} numbers a dialog's events 1, 2, 3… without gaps; {@code id} is
 * {@code <dialog_id>:<seq>}. Events carry the new state of what changed (the whole entry, the dialog row, the
 * contact), so applying one twice is harmless.
 *
 * @param changes   what changed, for {@code dialog.*}, {@code message.updated} and {@code contact.updated}
 * @param truncated the payload was cut to stay under the push size limit: fetch the entry/dialog over REST
 */
public record DialogEvent(String id, String type, String dialogId, long seq, long at, List<String> changes,
                          InboxViews.DialogRow dialog, InboxViews.HistoryEntry entry, InboxViews.Contact contact,
                          Boolean truncated) {

    public static final String DIALOG_OPENED = "dialog.opened";
    public static final String DIALOG_UPDATED = "dialog.updated";
    public static final String DIALOG_CLOSED = "dialog.closed";
    public static final String DIALOG_REOPENED = "dialog.reopened";
    public static final String MESSAGE_CREATED = "message.created";
    public static final String MESSAGE_UPDATED = "message.updated";
    public static final String CONTACT_UPDATED = "contact.updated";
    /** Push only, never journaled: the operator can no longer see the dialog (reassigned); drop it. */
    public static final String DIALOG_HIDDEN = "dialog.hidden";

    public static String id(String dialogId, long seq) {
        return dialogId + ":" + seq;
    }

    /** The same event with its content cut (see {@code truncated}). */
    public DialogEvent withoutContent() {
        InboxViews.HistoryEntry e = entry == null ? null : new InboxViews.HistoryEntry(entry.seq(), entry.type(),
                entry.direction(), entry.at(), entry.author(), entry.preview(), null, null, entry.format(), entry.media(),
                null, null, entry.service(), null, entry.status(), entry.failure(), entry.edited(), entry.editCount(),
                entry.editedAt(), entry.event(), entry.by(), entry.buttons());
        InboxViews.Contact c = contact == null ? null : new InboxViews.Contact(contact.userId(), contact.firstName(),
                contact.lastName(), contact.username(), contact.languageCode(), contact.blocked(), contact.botBlocked(), null);
        return new DialogEvent(id, type, dialogId, seq, at, changes, dialog, e, c, true);
    }

    /** The bare minimum: what happened, to which dialog, at which seq (fetch the rest over REST). */
    public DialogEvent reference() {
        return new DialogEvent(id, type, dialogId, seq, at, changes, null, null, null, true);
    }
}
