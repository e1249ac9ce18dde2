package dev.tgdesk.local.browser;

import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.local.LocalRuntime;
import dev.tgdesk.local.LocalTestAccess;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A network loss with the inbox open: the browser is cut off (CDP network emulation: no new connections, no REST)
 * and its WebSocket dropped server-side without a close frame (as a dead network does); the client writes meanwhile;
 * once the network is back the UI says so and shows every message exactly once, in order.
 */
class ReconnectBrowserTest extends BrowserTestBase {

    @Test
    void messagesWrittenDuringAnOutageShowOnceAndInOrder() throws Exception {
        String u = unique();
        FakeUser rita = user("Rita " + u, null, "rita_" + u);
        String before = "Before the outage " + u;
        local.fakeBot().userSends(rita, before);

        inbox.signIn(LocalRuntime.DEFAULT_ADMIN_EMAIL, LocalRuntime.DEFAULT_ADMIN_PASSWORD);
        String dialogId = inbox.openDialog(rita.id());
        inbox.awaitEntry(before, "in");
        Set<String> connections = awaitConnections();

        List<String> during = new ArrayList<>();
        inbox.tab().offline(true);
        try {
            connections.forEach(id -> LocalTestAccess.killWebSocket(local, id));
            inbox.awaitConnectionNot("online");
            for (int i = 1; i <= 5; i++) {
                String text = "During the outage #" + i + " " + u;
                during.add(text);
                local.fakeBot().userSends(rita, text);
            }
            awaitHistory(dialogId, during.getLast());
            assertTrue(local.awaitPushesCaughtUp(BACKEND_WAIT), "the push function caught up");
            Thread.sleep(300);
            for (String text : during) assertTrue(inbox.entries(text).isEmpty(), "the outage was real, yet the UI has " + text);
            assertFalse("online".equals(inbox.connection()), "offline or connecting while the network is down");
        } finally {
            inbox.tab().offline(false);
        }

        // a client backing off between attempts may take a few seconds to notice (the browser fires "online" too)
        inbox.awaitConnection("online", java.time.Duration.ofSeconds(15));
        for (String text : during) inbox.awaitEntry(text, "in");
        // live again: a later message arrives by itself
        String after = "After the outage " + u;
        local.fakeBot().userSends(rita, after);
        inbox.awaitEntry(after, "in");
        Thread.sleep(500); // let any late duplicate of the catch-up arrive

        List<InboxPage.Entry> entries = inbox.entries();
        List<String> ours = new ArrayList<>(List.of(before));
        ours.addAll(during);
        ours.add(after);
        for (String text : ours) {
            assertEquals(1, inbox.entries(text).size(), "exactly once: " + text + " in " + entries);
        }
        List<String> shownInOrder = entries.stream().map(InboxPage.Entry::text).filter(ours::contains).toList();
        assertEquals(ours, shownInOrder, "in the order written");
        Set<Long> seqs = new HashSet<>();
        long previous = Long.MIN_VALUE;
        for (InboxPage.Entry e : entries) {
            assertTrue(seqs.add(e.seq()), "each seq once: " + entries);
            assertTrue(e.seq() > previous, "entries ordered by seq: " + entries);
            previous = e.seq();
        }
    }

    /** The inbox's WebSocket connection(s) as the server sees them. */
    private Set<String> awaitConnections() {
        return inbox.tab().until("the inbox's WebSocket is registered", Browser.WAIT, () -> {
            Set<String> ids = LocalTestAccess.webSocketConnections(local);
            return ids.isEmpty() ? null : ids;
        });
    }
}
