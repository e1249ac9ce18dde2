package dev.tgdesk.operator.inbox;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Event entries carry what happened and who did it, so clients can word them in their own language. */
class EntryViewsTest {

    private static HistoryRecord event(String data) {
        return new HistoryRecord(7, "event", "system", 1, null, null, null, null, "Closed by Olga", data, null, null, 0, null);
    }

    @Test
    void anEventEntryNamesTheEventAndWhoDidIt() {
        var e = EntryViews.of(event("{\"event\":\"closed\",\"by\":{\"id\":\"op1\",\"name\":\"Olga\"},\"text\":\"Closed by Olga\"}"));
        assertEquals("closed", e.event());
        assertEquals(new InboxViews.EventBy("op1", "Olga"), e.by());
        assertEquals("Closed by Olga", e.preview());
    }

    @Test
    void olderEntriesWithJustAnIdStillRead() {
        var e = EntryViews.of(event("{\"event\":\"closed\",\"by\":\"autoclose\"}"));
        assertEquals(new InboxViews.EventBy("autoclose", null), e.by());
    }

    @Test
    void messagesHaveNoEventFields() {
        var m = EntryViews.of(new HistoryRecord(3, "message", "in", 1, 42L, null, null, null, "hi", "{\"text\":\"hi\"}",
                null, null, 0, null));
        assertNull(m.event());
        assertNull(m.by());
    }
}
