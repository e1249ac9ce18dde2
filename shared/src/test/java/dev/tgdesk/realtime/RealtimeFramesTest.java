package dev.tgdesk.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.domain.Json;
import dev.tgdesk.observability.Metrics;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.inbox.HistoryRecord;
import dev.tgdesk.operator.inbox.EntryViews;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wire side of the publisher: event size cuts and frame packing (no I/O). */
class RealtimeFramesTest {

    private final RealtimePublisher publisher = new RealtimePublisher(null, null, null, EventBus.NONE, null,
            new Visibility(true), Metrics.NONE, System::currentTimeMillis, null);

    private static DialogEvent message(long seq, String text) {
        var r = new HistoryRecord(seq, "message", "in", 1, 42L, null, null, null, "p",
                Json.write(Json.mapper(), java.util.Map.of("text", text)), null, null, 0, null);
        return new DialogEvent(DialogEvent.id("D1", seq), DialogEvent.MESSAGE_CREATED, "D1", seq, 1, null, null,
                EntryViews.of(r), null, null);
    }

    @Test
    void aHugeEntryIsPushedWithoutItsTextAndMarkedTruncated() throws Exception {
        byte[] encoded = publisher.encode(message(1, "я".repeat(20_000))); // 40 KB of UTF-8
        assertTrue(encoded.length <= RealtimePublisher.MAX_EVENT_BYTES);
        JsonNode e = Json.mapper().readTree(encoded);
        assertTrue(e.path("truncated").asBoolean());
        assertTrue(e.path("entry").path("text").isMissingNode());
        assertEquals(1, e.path("seq").asLong());
    }

    @Test
    void framesStayUnder32KbAndKeepEveryEventInOrder() throws Exception {
        List<byte[]> events = new ArrayList<>();
        for (int i = 1; i <= 40; i++) events.add(publisher.encode(message(i, "x".repeat(3_000))));
        List<byte[]> frames = RealtimePublisher.frames(events);
        assertTrue(frames.size() > 1);
        long expected = 1;
        for (byte[] f : frames) {
            assertTrue(f.length <= PushGateway.MAX_FRAME_BYTES, "frame of " + f.length + " bytes");
            JsonNode frame = Json.mapper().readTree(f);
            assertEquals("events", frame.path("type").asText());
            for (JsonNode e : frame.path("events")) assertEquals(expected++, e.path("seq").asLong());
        }
        assertEquals(41, expected);
    }
}
