package dev.tgdesk.sender;

import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.outbound.OutboundStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sender's failure metrics: by kind, the recipient's doing or ours, retries; every call reaches the store. */
class CountingOutboundStoreTest {

    final List<String> stored = new ArrayList<>();
    final OutboundStore store = (OutboundStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{OutboundStore.class},
            (proxy, method, args) -> {
                stored.add(method.getName());
                return null;
            });

    @Test
    void failuresAreCountedByKindAndOnlyOurSideCountsAsAnError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var counting = new CountingOutboundStore(store, new EmfMetrics("tgdesk", "sender", new PrintStream(out, true, StandardCharsets.UTF_8)));
        counting.markFailed(null, new OutboundEntry.Failure("BLOCKED_BY_USER", 403, "Forbidden: bot was blocked by the user"), 0);
        counting.markFailed(null, new OutboundEntry.Failure("UNAUTHORIZED", 401, "Unauthorized"), 0);
        counting.markFailed(null, new OutboundEntry.Failure("UNCERTAIN", null, "may or may not have been delivered"), 0);
        counting.release(null, 1, new OutboundEntry.Failure("RATE_LIMITED", 429, "Too Many Requests: retry after 3"), 0);
        counting.release(null, 0, null, 0); // pacing: not a retry after an error

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(6, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).contains("\"Dimensions\":[[\"Function\"],[\"Function\",\"Kind\"]]"), lines.get(0));
        assertTrue(lines.get(0).contains("\"Kind\":\"BLOCKED_BY_USER\",\"SendFailed\":1"), lines.get(0));
        assertTrue(lines.get(1).contains("\"Kind\":\"UNAUTHORIZED\",\"SendFailed\":1"), lines.get(1));
        assertTrue(lines.get(2).contains("\"SendErrors\":1"), lines.get(2));
        assertTrue(lines.get(3).contains("\"Kind\":\"UNCERTAIN\",\"SendFailed\":1"), lines.get(3));
        assertTrue(lines.get(4).contains("\"SendErrors\":1"), lines.get(4));
        assertTrue(lines.get(5).contains("\"Kind\":\"RATE_LIMITED\",\"SendRetried\":1"), lines.get(5));
        for (String line : lines) assertTrue(!line.contains("Forbidden") && !line.contains("retry after"), "no descriptions: " + line);
        assertEquals(List.of("markFailed", "markFailed", "markFailed", "release", "release"), stored);
    }

    @Test
    void everyOtherCallIsPassedOn() {
        var counting = new CountingOutboundStore(store, dev.tgdesk.observability.Metrics.NONE);
        counting.claim("1", "d", 1, 0);
        counting.get("1", "d", 1);
        counting.markSent(null, 5, 0);
        counting.redirect(null, "2", 0);
        counting.markContactUnreachable("1", 2, "BLOCKED_BY_USER", 0);
        counting.recordEdit(null, 1, "p", "{}", 0);
        counting.recordUploadedFile(null, "photo", "f", 0);
        assertEquals(List.of("claim", "get", "markSent", "redirect", "markContactUnreachable", "recordEdit", "recordUploadedFile"), stored);
    }

    @Test
    void recipientSideKindsAreTheUnreachableOnes() {
        for (String kind : List.of("BLOCKED_BY_USER", "USER_DEACTIVATED", "NOT_MEMBER", "KICKED", "CANT_INITIATE", "CHAT_NOT_FOUND")) {
            assertTrue(CountingOutboundStore.recipientSide(kind), kind);
        }
        for (String kind : List.of("UNAUTHORIZED", "BAD_REQUEST", "TOO_LONG", "SERVER", "FORBIDDEN", "TRANSPORT", "EXPIRED",
                "UNCERTAIN", "FILE_UNAVAILABLE", "CHAT_MIGRATED", "THREAD_NOT_FOUND")) {
            assertTrue(!CountingOutboundStore.recipientSide(kind), kind);
        }
        assertTrue(!CountingOutboundStore.recipientSide(null));
    }
}
