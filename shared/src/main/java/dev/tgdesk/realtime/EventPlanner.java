package dev.tgdesk.realtime;

import dev.tgdesk.operator.inbox.ContactRecord;
import dev.tgdesk.operator.inbox.DialogRecord;
import dev.tgdesk.operator.inbox.EntryViews;
import dev.tgdesk.operator.inbox.InboxViews;
import dev.tgdesk.operator.inbox.InboxViews.HistoryEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which events the changes of one stream batch make (pure). A change that operators cannot notice — an index key, a
 * counter, a version — makes none. Contact changes belong to the contact's private dialog ({@code contactDialogs});
 * a contact without one (seen only in groups) makes no event.
 */
public final class EventPlanner {

    private EventPlanner() {
    }

    public static List<EventDraft> plan(List<Change> changes, Map<Long, String> contactDialogs) {
        List<EventDraft> drafts = new ArrayList<>();
        for (Change change : changes) {
            EventDraft draft = switch (change) {
                case Change.DialogChanged d -> dialog(d);
                case Change.EntryChanged e -> entry(e);
                case Change.ContactChanged c -> contact(c, contactDialogs);
                case Change.OperatorChanged ignored -> null;
            };
            if (draft != null) drafts.add(draft);
        }
        return drafts;
    }

    public static InboxViews.DialogRow row(DialogRecord d) {
        return new InboxViews.DialogRow(d.dialogId(), d.kind(), d.chatId(), d.contactUserId(), d.title(), d.username(),
                d.lastPreview(), d.lastActivityAt(), d.openedAt(), d.status(), d.handler(), d.assignee(), d.team(),
                d.lastSeq(), 0);
    }

    static EventDraft dialog(Change.DialogChanged c) {
        DialogRecord after = c.after();
        if (after == null || after.dialogId() == null) return null; // dialogs are never deleted; nothing to show
        if (c.before() == null) return new EventDraft(c.sourceId(), after.dialogId(), DialogEvent.DIALOG_OPENED, c.at(), null, row(after), null, null);
        DialogRecord before = c.before();
        List<String> what = new ArrayList<>();
        if (!Objects.equals(before.status(), after.status())) what.add("status");
        if (!Objects.equals(before.handler(), after.handler())) what.add("handler");
        if (!Objects.equals(before.team(), after.team()) || !Objects.equals(before.assignee(), after.assignee())) what.add("assignment");
        if (before.lastActivityAt() != after.lastActivityAt() || before.lastSeq() != after.lastSeq()
                || before.inboundCount() != after.inboundCount() || !Objects.equals(before.lastPreview(), after.lastPreview())) {
            what.add("activity");
        }
        if (!Objects.equals(before.title(), after.title()) || !Objects.equals(before.username(), after.username())
                || before.chatId() != after.chatId()) {
            what.add("chat");
        }
        if (what.isEmpty()) return null;
        String type = DialogEvent.DIALOG_UPDATED;
        if (what.contains("status")) {
            if ("closed".equals(after.status())) type = DialogEvent.DIALOG_CLOSED;
            else if ("closed".equals(before.status())) type = DialogEvent.DIALOG_REOPENED;
        }
        return new EventDraft(c.sourceId(), after.dialogId(), type, c.at(), what, row(after), null, null);
    }

    static EventDraft entry(Change.EntryChanged c) {
        if (c.after() == null || c.dialogId() == null) return null;
        HistoryEntry after = EntryViews.of(c.after());
        if (c.before() == null) return new EventDraft(c.sourceId(), c.dialogId(), DialogEvent.MESSAGE_CREATED, c.at(), null, null, after, null);
        HistoryEntry before = EntryViews.of(c.before());
        List<String> what = new ArrayList<>();
        if (!Objects.equals(before.status(), after.status()) || !Objects.equals(before.failure(), after.failure())) what.add("status");
        if (before.editCount() != after.editCount() || !Objects.equals(before.text(), after.text())
                || !Objects.equals(before.caption(), after.caption()) || !Objects.equals(before.media(), after.media())
                || !Objects.equals(before.location(), after.location())) {
            what.add("content");
        }
        if (what.isEmpty()) return null;
        return new EventDraft(c.sourceId(), c.dialogId(), DialogEvent.MESSAGE_UPDATED, c.at(), what, null, after, null);
    }

    static EventDraft contact(Change.ContactChanged c, Map<Long, String> contactDialogs) {
        ContactRecord after = c.after();
        if (after == null || c.before() == null) return null; // a new contact arrives with its dialog's first message
        String dialogId = contactDialogs.get(after.userId());
        if (dialogId == null) return null;
        ContactRecord before = c.before();
        List<String> what = new ArrayList<>();
        if (before.blocked() != after.blocked()) what.add("blocked");
        if (before.botBlocked() != after.botBlocked()) what.add("bot_blocked");
        if (!Objects.equals(before.fields(), after.fields())) what.add("fields");
        if (!Objects.equals(before.firstName(), after.firstName()) || !Objects.equals(before.lastName(), after.lastName())
                || !Objects.equals(before.username(), after.username())
                || !Objects.equals(before.languageCode(), after.languageCode())) {
            what.add("profile");
        }
        if (what.isEmpty()) return null;
        return new EventDraft(c.sourceId(), dialogId, DialogEvent.CONTACT_UPDATED, c.at(), what, null, null, view(after));
    }

    public static InboxViews.Contact view(ContactRecord c) {
        return new InboxViews.Contact(c.userId(), c.firstName(), c.lastName(), c.username(), c.languageCode(), c.blocked(),
                c.botBlocked(), c.fields());
    }
}
