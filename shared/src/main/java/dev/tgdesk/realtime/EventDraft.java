package dev.tgdesk.realtime;

import dev.tgdesk.operator.inbox.InboxViews;

import java.util.List;

/** An event before the journal numbered it; {@code sourceId} is the change it came from. */
public record EventDraft(String sourceId, String dialogId, String type, long at, List<String> changes,
                         InboxViews.DialogRow dialog, InboxViews.HistoryEntry entry, InboxViews.Contact contact) {

    public EventDraft {
        changes = changes == null || changes.isEmpty() ? null : List.copyOf(changes);
    }

    public DialogEvent numbered(long seq) {
        return new DialogEvent(DialogEvent.id(dialogId, seq), type, dialogId, seq, at, changes, dialog, entry, contact, null);
    }
}
