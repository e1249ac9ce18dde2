package dev.tgdesk.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.domain.Json;
import dev.tgdesk.realtime.DialogEvent;
import dev.tgdesk.realtime.EventBus;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link EventBus} on an EventBridge bus: source {@value #SOURCE}, detail-type = the event type, detail = the event
 * plus {@code bot_id} (docs/realtime.md). PutEvents takes 10 entries a call; entries it reports failed are sent again
 * (up to 3 times), then the batch fails so the stream delivers it again.
 */
public final class EventBridgeBus implements EventBus {

    public static final String SOURCE = "tgdesk";
    static final int MAX_ENTRIES = 10;

    private final EventBridgeClient events;
    private final String busName;
    private final ObjectMapper json = Json.mapper();

    public EventBridgeBus(EventBridgeClient events, String busName) {
        this.events = events;
        this.busName = busName;
    }

    @Override
    public void publish(String botId, List<DialogEvent> batch) {
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (DialogEvent e : batch) {
            ObjectNode detail = json.valueToTree(e);
            detail.put("bot_id", botId);
            entries.add(PutEventsRequestEntry.builder().eventBusName(busName).source(SOURCE).detailType(e.type())
                    .time(Instant.ofEpochMilli(e.at() > 0 ? e.at() : System.currentTimeMillis()))
                    .detail(Json.write(json, detail)).build());
        }
        for (int from = 0; from < entries.size(); from += MAX_ENTRIES) {
            put(entries.subList(from, Math.min(entries.size(), from + MAX_ENTRIES)));
        }
    }

    private void put(List<PutEventsRequestEntry> entries) {
        List<PutEventsRequestEntry> pending = entries;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<PutEventsRequestEntry> request = pending;
            PutEventsResponse r = events.putEvents(b -> b.entries(request));
            if (r.failedEntryCount() == null || r.failedEntryCount() == 0) return;
            List<PutEventsRequestEntry> failed = new ArrayList<>();
            for (int i = 0; i < r.entries().size(); i++) {
                PutEventsResultEntry result = r.entries().get(i);
                if (result.errorCode() != null) failed.add(request.get(i));
            }
            if (attempt >= 3) throw new IllegalStateException(failed.size() + " events not accepted by the event bus");
            pending = failed;
        }
    }
}
