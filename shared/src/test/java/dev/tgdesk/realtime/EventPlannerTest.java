package dev.tgdesk.realtime;

import dev.tgdesk.operator.inbox.ContactRecord;
import dev.tgdesk.operator.inbox.DialogRecord;
import dev.tgdesk.operator.inbox.HistoryRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventPlannerTest {

    static DialogRecord dialog(String status, String handler, String team, String assignee, long activity, String preview) {
        return new DialogRecord("D1", "private", 42, 42L, "Ann", "ann", status, 1000, activity, preview, 3, handler, team,
                assignee, 2, null);
    }

    static HistoryRecord entry(long seq, String direction, String status, String dataJson, int edits) {
        return new HistoryRecord(seq, "message", direction, 5000, "in".equals(direction) ? 42L : null,
                "out".equals(direction) ? "operator" : null, "op1", null, "hi", dataJson, status, null, edits, null);
    }

    @Test
    void aNewDialogIsOpenedAndItsChangesAreNamed() {
        var opened = EventPlanner.dialog(new Change.DialogChanged("s1", 1, null, dialog("open", "bot", null, null, 1, "hi")));
        assertEquals(DialogEvent.DIALOG_OPENED, opened.type());
        assertEquals("D1", opened.dialog().dialogId());

        var closed = EventPlanner.dialog(new Change.DialogChanged("s2", 2, dialog("open", "bot", null, null, 1, "hi"),
                dialog("closed", "bot", null, null, 1, "hi")));
        assertEquals(DialogEvent.DIALOG_CLOSED, closed.type());
        assertEquals(List.of("status"), closed.changes());

        var reopened = EventPlanner.dialog(new Change.DialogChanged("s3", 3, dialog("closed", "bot", null, null, 1, "hi"),
                dialog("open", "operator", "t1", "op1", 9, "new")));
        assertEquals(DialogEvent.DIALOG_REOPENED, reopened.type());
        assertEquals(List.of("status", "handler", "assignment", "activity"), reopened.changes());
    }

    @Test
    void changesOperatorsCannotSeeMakeNoEvent() {
        // only an index key or a version moved: the row is the same
        var same = dialog("open", "bot", null, null, 1, "hi");
        assertNull(EventPlanner.dialog(new Change.DialogChanged("s", 1, same, same)));
        var e = entry(4, "out", "sending", "{\"text\":\"hi\"}", 0);
        assertNull(EventPlanner.entry(new Change.EntryChanged("s", 1, "D1", e, e)));
        assertNull(EventPlanner.dialog(new Change.DialogChanged("s", 1, same, null)));
    }

    @Test
    void entriesAreCreatedAndUpdatedWithWhatChanged() {
        var created = EventPlanner.entry(new Change.EntryChanged("s", 1, "D1", null, entry(4, "in", null, "{\"text\":\"hi\"}", 0)));
        assertEquals(DialogEvent.MESSAGE_CREATED, created.type());
        assertEquals("hi", created.entry().text());

        var sent = EventPlanner.entry(new Change.EntryChanged("s", 1, "D1", entry(5, "out", "queued", "{\"text\":\"a\"}", 0),
                entry(5, "out", "sent", "{\"text\":\"a\"}", 0)));
        assertEquals(DialogEvent.MESSAGE_UPDATED, sent.type());
        assertEquals(List.of("status"), sent.changes());
        assertEquals("sent", sent.entry().status());

        var edited = EventPlanner.entry(new Change.EntryChanged("s", 1, "D1", entry(4, "in", null, "{\"text\":\"a\"}", 0),
                entry(4, "in", null, "{\"text\":\"b\"}", 1)));
        assertEquals(List.of("content"), edited.changes());
        assertTrue(edited.entry().edited());
    }

    @Test
    void contactChangesGoToTheContactsPrivateDialog() {
        var before = new ContactRecord(42, "Ann", null, "ann", "en", false, false, Map.of());
        var after = new ContactRecord(42, "Ann", null, "ann", "en", true, false, Map.of("city", "Oslo"));
        var drafts = EventPlanner.plan(List.of(new Change.ContactChanged("s", 1, before, after)), Map.of(42L, "D9"));
        assertEquals(1, drafts.size());
        assertEquals("D9", drafts.getFirst().dialogId());
        assertEquals(DialogEvent.CONTACT_UPDATED, drafts.getFirst().type());
        assertEquals(List.of("blocked", "fields"), drafts.getFirst().changes());
        // a contact seen only in groups has no private dialog: no event
        assertTrue(EventPlanner.plan(List.of(new Change.ContactChanged("s", 1, before, after)), Map.of()).isEmpty());
    }
}
