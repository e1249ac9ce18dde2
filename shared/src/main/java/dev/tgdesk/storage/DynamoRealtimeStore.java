package dev.tgdesk.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.realtime.Connection;
import dev.tgdesk.realtime.ConnectionStore;
import dev.tgdesk.realtime.DialogEvent;
import dev.tgdesk.realtime.EventDraft;
import dev.tgdesk.realtime.EventJournal;
import dev.tgdesk.realtime.TicketStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.tgdesk.storage.Attrs.key;
import static dev.tgdesk.storage.Attrs.n;
import static dev.tgdesk.storage.Attrs.num;
import static dev.tgdesk.storage.Attrs.s;
import static dev.tgdesk.storage.Attrs.str;

/**
 * The real-time table ({@code RealtimeTable}: no stream, TTL on {@code ttl}):
 *
 * <pre>
 * B#{bot}#CONN             {connectionId}   a live connection: operator, role, teams, token version, expiry
 * B#{bot}#TICKET#{sha256}  TICKET           a single-use connection ticket (60 s)
 * B#{bot}#EV#{dialogId}    HEAD             the dialog's last event number and the source ids of the last 100 events
 * B#{bot}#EV#{dialogId}    E#{seq:012}      one event (JSON), kept 7 days
 * </pre>
 *
 * Appending a stream batch's events is one {@code BatchGetItem} of the dialogs' heads plus one
 * {@code TransactWriteItems} per 100 items (each dialog's events + its head, conditional on the head's number); when a
 * concurrent appender moved a head, those dialogs are redone one by one.
 */
public final class DynamoRealtimeStore implements EventJournal, ConnectionStore, TicketStore {

    static final String HEAD_SK = "HEAD";
    static final String TICKET_SK = "TICKET";
    static final int RECENT_SOURCES = 100;
    static final int MAX_TRANSACTION_ITEMS = 100;

    private final DynamoDbClient dynamo;
    private final String table;
    private final ObjectMapper json = Json.mapper();

    public DynamoRealtimeStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static String connectionsPk(String botId) {
        return "B#" + botId + "#CONN";
    }

    static String ticketPk(String botId, String hash) {
        return "B#" + botId + "#TICKET#" + hash;
    }

    static String journalPk(String botId, String dialogId) {
        return "B#" + botId + "#EV#" + dialogId;
    }

    static String eventSk(long seq) {
        return String.format("E#%012d", seq);
    }

    private static long ttlSeconds(long atMillis) {
        return TimeUnit.MILLISECONDS.toSeconds(atMillis);
    }

    // ---- journal ----

    @Override
    public Map<String, List<DialogEvent>> append(String botId, Map<String, List<EventDraft>> draftsByDialog) {
        Map<String, List<DialogEvent>> out = new LinkedHashMap<>();
        draftsByDialog.keySet().forEach(id -> out.put(id, List.of()));
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String id : draftsByDialog.keySet()) keys.add(key(journalPk(botId, id), HEAD_SK));
        Map<String, Map<String, AttributeValue>> heads = BatchReads.get(dynamo, table, keys, true);

        // all dialogs' events + heads in as few transactions as fit (100 items); a dialog is never split
        List<Plan> group = new ArrayList<>();
        int items = 0;
        for (var e : draftsByDialog.entrySet()) {
            String dialogId = e.getKey();
            if (e.getValue().size() >= MAX_TRANSACTION_ITEMS) {
                out.put(dialogId, appendAlone(botId, dialogId, e.getValue()));
                continue;
            }
            Plan plan = plan(botId, dialogId, e.getValue(), heads.get(BatchReads.id(journalPk(botId, dialogId), HEAD_SK)));
            if (items + plan.writes().size() > MAX_TRANSACTION_ITEMS) {
                commit(botId, group, out);
                group.clear();
                items = 0;
            }
            group.add(plan);
            items += plan.writes().size();
        }
        commit(botId, group, out);
        return out;
    }

    /** One dialog's numbered events and the writes that store them (none when all were stored before). */
    private record Plan(String dialogId, List<EventDraft> drafts, List<DialogEvent> events, List<TransactWriteItem> writes) {
    }

    /** Writes the plans in one transaction; when another writer moved a head meanwhile, redoes each dialog alone. */
    private void commit(String botId, List<Plan> plans, Map<String, List<DialogEvent>> out) {
        List<TransactWriteItem> writes = new ArrayList<>();
        for (Plan p : plans) writes.addAll(p.writes());
        if (writes.isEmpty() || Transactions.write(dynamo, writes)) {
            for (Plan p : plans) out.put(p.dialogId(), p.events());
            return;
        }
        for (Plan p : plans) out.put(p.dialogId(), appendAlone(botId, p.dialogId(), p.drafts()));
    }

    private List<DialogEvent> appendAlone(String botId, String dialogId, List<EventDraft> drafts) {
        List<DialogEvent> out = new ArrayList<>();
        String pk = journalPk(botId, dialogId);
        // a transaction holds 100 items: the head + 99 events
        for (int from = 0; from < drafts.size(); from += MAX_TRANSACTION_ITEMS - 1) {
            List<EventDraft> chunk = drafts.subList(from, Math.min(drafts.size(), from + MAX_TRANSACTION_ITEMS - 1));
            for (int attempt = 1; ; attempt++) {
                var head = dynamo.getItem(b -> b.tableName(table).key(key(pk, HEAD_SK)).consistentRead(true)).item();
                Plan plan = plan(botId, dialogId, chunk, head);
                if (plan.writes().isEmpty() || Transactions.write(dynamo, plan.writes())) {
                    out.addAll(plan.events());
                    break;
                }
                if (attempt >= 10) throw new IllegalStateException("journal of a dialog kept changing concurrently");
                backOff(attempt);
            }
        }
        return out;
    }

    /** Random, growing pauses, so that writers contending for one head don't keep colliding. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 20) * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Plan plan(String botId, String dialogId, List<EventDraft> drafts, Map<String, AttributeValue> head) {
        String pk = journalPk(botId, dialogId);
        boolean exists = head != null && !head.isEmpty();
        long last = exists ? num(head, "seq", 0) : 0;
        LinkedHashMap<String, Long> recent = new LinkedHashMap<>();
        if (exists && head.containsKey("recent")) {
            for (AttributeValue v : head.get("recent").l()) {
                String entry = v.s();
                int sep = entry.lastIndexOf('=');
                recent.put(entry.substring(0, sep), Long.parseLong(entry.substring(sep + 1)));
            }
        }
        List<DialogEvent> events = new ArrayList<>();
        List<TransactWriteItem> writes = new ArrayList<>();
        long seq = last;
        long expires = ttlSeconds(System.currentTimeMillis()) + TimeUnit.DAYS.toSeconds(RETENTION_DAYS);
        for (EventDraft draft : drafts) {
            Long known = recent.get(draft.sourceId());
            if (known != null) {
                events.add(draft.numbered(known)); // delivered before: same number, not stored again
                continue;
            }
            DialogEvent event = draft.numbered(++seq);
            recent.put(draft.sourceId(), seq);
            events.add(event);
            Map<String, AttributeValue> item = new HashMap<>(key(pk, eventSk(seq)));
            item.put("event", s(Json.write(json, event)));
            item.put("ttl", n(expires));
            writes.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(pk)")).build());
        }
        if (writes.isEmpty()) return new Plan(dialogId, drafts, events, writes);
        List<AttributeValue> kept = new ArrayList<>();
        List<Map.Entry<String, Long>> all = new ArrayList<>(recent.entrySet());
        for (var e : all.subList(Math.max(0, all.size() - RECENT_SOURCES), all.size())) kept.add(s(e.getKey() + "=" + e.getValue()));
        Map<String, AttributeValue> newHead = new HashMap<>(key(pk, HEAD_SK));
        newHead.put("seq", n(seq));
        newHead.put("recent", AttributeValue.fromL(kept));
        writes.add(TransactWriteItem.builder().put(p -> {
            p.tableName(table).item(newHead);
            if (exists) p.conditionExpression("#seq = :last").expressionAttributeNames(Map.of("#seq", "seq"))
                    .expressionAttributeValues(Map.of(":last", n(last)));
            else p.conditionExpression("attribute_not_exists(pk)");
        }).build());
        return new Plan(dialogId, drafts, events, writes);
    }

    @Override
    public Page after(String botId, String dialogId, long afterSeq, int limit) {
        String pk = journalPk(botId, dialogId);
        QueryResponse r = dynamo.query(q -> q.tableName(table)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", s(pk), ":from", s(eventSk(afterSeq + 1)), ":to", s("E$")))
                .limit(limit + 1).consistentRead(true));
        List<DialogEvent> events = new ArrayList<>();
        for (var item : r.items()) events.add(read(item));
        boolean more = events.size() > limit;
        if (more) events = events.subList(0, limit);
        long lastSeq;
        boolean reset;
        if (events.isEmpty()) {
            lastSeq = lastSeq(botId, dialogId);
            reset = lastSeq > afterSeq; // numbered events after the cursor exist, but none is kept any more
        } else {
            reset = events.getFirst().seq() != afterSeq + 1;
            lastSeq = more ? lastSeq(botId, dialogId) : events.getLast().seq();
        }
        return new Page(reset ? List.of() : events, more && !reset, reset, lastSeq);
    }

    @Override
    public long lastSeq(String botId, String dialogId) {
        var head = dynamo.getItem(b -> b.tableName(table).key(key(journalPk(botId, dialogId), HEAD_SK))
                .projectionExpression("#seq").expressionAttributeNames(Map.of("#seq", "seq")).consistentRead(true)).item();
        return head == null ? 0 : num(head, "seq", 0);
    }

    private DialogEvent read(Map<String, AttributeValue> item) {
        try {
            return json.readValue(str(item, "event"), DialogEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException("stored event unreadable: " + str(item, Keys.SK), e);
        }
    }

    // ---- connections ----

    @Override
    public void put(Connection c) {
        dynamo.putItem(b -> b.tableName(table).item(connectionItem(c)));
    }

    @Override
    public void update(Connection c) {
        try {
            // only while it still exists: a $disconnect that ran meanwhile must not be undone
            dynamo.putItem(b -> b.tableName(table).item(connectionItem(c)).conditionExpression("attribute_exists(pk)"));
        } catch (ConditionalCheckFailedException gone) {
            // disconnected meanwhile
        }
    }

    private static Map<String, AttributeValue> connectionItem(Connection c) {
        Map<String, AttributeValue> item = new HashMap<>(key(connectionsPk(c.botId()), c.connectionId()));
        item.put("operatorId", s(c.operatorId()));
        item.put("role", s(c.role().name()));
        if (!c.teamIds().isEmpty()) item.put("teamIds", AttributeValue.fromSs(List.copyOf(c.teamIds())));
        item.put("tokenVersion", n(c.tokenVersion()));
        item.put("connectedAt", n(c.connectedAt()));
        item.put("expiresAt", n(c.expiresAt()));
        item.put("ttl", n(ttlSeconds(c.expiresAt()) + 3600));
        return item;
    }

    @Override
    public List<Connection> connections(String botId, long nowMillis) {
        List<Connection> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = dynamo.query(q -> q.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(connectionsPk(botId)))).exclusiveStartKey(from));
            for (var item : r.items()) {
                long expiresAt = num(item, "expiresAt", 0);
                if (expiresAt <= nowMillis) continue; // API Gateway closed it; TTL removes the item later
                out.add(new Connection(botId, str(item, Keys.SK), str(item, "operatorId"),
                        Caller.Role.valueOf(str(item, "role")),
                        item.containsKey("teamIds") ? Set.copyOf(item.get("teamIds").ss()) : Set.of(),
                        num(item, "tokenVersion", 0), num(item, "connectedAt", 0), expiresAt));
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    @Override
    public void delete(String botId, String connectionId) {
        dynamo.deleteItem(b -> b.tableName(table).key(key(connectionsPk(botId), connectionId)));
    }

    // ---- tickets ----

    @Override
    public void put(String botId, String ticketHash, String operatorId, long expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>(key(ticketPk(botId, ticketHash), TICKET_SK));
        item.put("operatorId", s(operatorId));
        item.put("expiresAt", n(expiresAt));
        item.put("ttl", n(ttlSeconds(expiresAt) + 60));
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    @Override
    public Optional<String> take(String botId, String ticketHash, long nowMillis) {
        try {
            // the delete is the single use: of two concurrent $connects with one ticket, only one gets the old item
            var old = dynamo.deleteItem(b -> b.tableName(table).key(key(ticketPk(botId, ticketHash), TICKET_SK))
                    .conditionExpression("attribute_exists(pk)").returnValues(ReturnValue.ALL_OLD)).attributes();
            if (old == null || num(old, "expiresAt", 0) <= nowMillis) return Optional.empty();
            return Optional.ofNullable(str(old, "operatorId"));
        } catch (ConditionalCheckFailedException unknown) {
            return Optional.empty();
        }
    }
}
