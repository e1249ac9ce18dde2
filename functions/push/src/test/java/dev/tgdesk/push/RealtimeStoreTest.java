package dev.tgdesk.push;

import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.realtime.Connection;
import dev.tgdesk.realtime.DialogEvent;
import dev.tgdesk.realtime.EventDraft;
import dev.tgdesk.realtime.EventJournal;
import dev.tgdesk.storage.DynamoRealtimeStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real-time table on moto: the journal's numbering, tickets, connections. */
class RealtimeStoreTest {

    static final String BOT = "555000111";
    static DynamoDbClient dynamo;
    static String table;
    static final AwsCallCounter calls = new AwsCallCounter();
    static DynamoRealtimeStore store;

    @BeforeAll
    static void table() {
        LocalAws aws = LocalAws.shared();
        LocalResources res = TemplateResources.create(aws, "rt" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-");
        table = res.tableName("RealtimeTable");
        dynamo = aws.dynamoDb(calls);
        store = new DynamoRealtimeStore(dynamo, table);
    }

    private static EventDraft draft(String dialog, String source) {
        return new EventDraft(source, dialog, DialogEvent.MESSAGE_CREATED, 1, null, null, null, null);
    }

    @Test
    void eventsAreNumberedWithoutGapsAndARedeliveryKeepsItsNumbers() {
        String dialog = "J" + System.nanoTime();
        var first = store.append(BOT, dialog, List.of(draft(dialog, "a"), draft(dialog, "b")));
        assertEquals(List.of(1L, 2L), first.stream().map(DialogEvent::seq).toList());
        assertEquals(dialog + ":2", first.get(1).id());
        // the stream delivers a and b again, then c: a and b keep 1 and 2, c is 3
        var again = store.append(BOT, dialog, List.of(draft(dialog, "a"), draft(dialog, "b"), draft(dialog, "c")));
        assertEquals(List.of(1L, 2L, 3L), again.stream().map(DialogEvent::seq).toList());
        assertEquals(3, store.lastSeq(BOT, dialog));
        EventJournal.Page page = store.after(BOT, dialog, 1, 10);
        assertEquals(List.of(2L, 3L), page.events().stream().map(DialogEvent::seq).toList());
        assertFalse(page.reset());
        assertEquals(3, page.lastSeq());
    }

    @Test
    void aBatchOfSeveralDialogsIsOneReadAndOneTransaction() {
        String a = "A" + System.nanoTime(), b = "B" + System.nanoTime(), c = "C" + System.nanoTime();
        store.append(BOT, b, List.of(draft(b, "b-old")));
        calls.reset();
        var drafts = new java.util.LinkedHashMap<String, List<EventDraft>>();
        drafts.put(a, List.of(draft(a, "a1"), draft(a, "a2")));
        drafts.put(b, List.of(draft(b, "b1")));
        drafts.put(c, List.of(draft(c, "c1")));
        var events = store.append(BOT, drafts);
        assertEquals(List.of(a, b, c), List.copyOf(events.keySet()));
        assertEquals(List.of(1L, 2L), events.get(a).stream().map(DialogEvent::seq).toList());
        assertEquals(List.of(2L), events.get(b).stream().map(DialogEvent::seq).toList());
        assertEquals(List.of(1L), events.get(c).stream().map(DialogEvent::seq).toList());
        assertEquals(1, calls.calls("DynamoDb.BatchGetItem"));
        assertEquals(1, calls.calls("DynamoDb.TransactWriteItems"));
        assertEquals(0, calls.calls("DynamoDb.GetItem"));
    }

    @Test
    void concurrentAppendersNeverShareOrSkipANumber() throws Exception {
        String dialog = "C" + System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<DialogEvent>>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                List<DialogEvent> mine = new ArrayList<>();
                for (int i = 0; i < 5; i++) mine.addAll(store.append(BOT, dialog, List.of(draft(dialog, thread + "-" + i))));
                return mine;
            }));
        }
        List<Long> seqs = new ArrayList<>();
        for (var f : futures) for (DialogEvent e : f.get()) seqs.add(e.seq());
        pool.shutdown();
        Collections.sort(seqs);
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= 20; i++) expected.add(i);
        assertEquals(expected, seqs);
        assertEquals(20, store.after(BOT, dialog, 0, 100).events().size());
    }

    @Test
    void catchUpPagesAndReportsACursorOlderThanWhatIsKept() {
        String dialog = "P" + System.nanoTime();
        List<EventDraft> drafts = new ArrayList<>();
        for (int i = 0; i < 25; i++) drafts.add(draft(dialog, "s" + i));
        store.append(BOT, dialog, drafts);
        EventJournal.Page first = store.after(BOT, dialog, 0, 10);
        assertEquals(10, first.events().size());
        assertTrue(first.more());
        assertEquals(25, first.lastSeq());
        EventJournal.Page last = store.after(BOT, dialog, 20, 10);
        assertEquals(List.of(21L, 22L, 23L, 24L, 25L), last.events().stream().map(DialogEvent::seq).toList());
        assertFalse(last.more());
        assertTrue(store.after(BOT, dialog, 25, 10).events().isEmpty());

        // TTL removed the oldest events: a cursor before them must reload, not silently skip
        for (int seq = 1; seq <= 5; seq++) {
            String sk = String.format("E#%012d", seq);
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("B#" + BOT + "#EV#" + dialog),
                    "sk", AttributeValue.fromS(sk))));
        }
        EventJournal.Page stale = store.after(BOT, dialog, 2, 10);
        assertTrue(stale.reset());
        assertTrue(stale.events().isEmpty());
        assertFalse(store.after(BOT, dialog, 5, 10).reset());
    }

    @Test
    void aTicketWorksOnceAndNotAfterItExpires() {
        store.put(BOT, "hash-once", "op1", 10_000);
        assertEquals("op1", store.take(BOT, "hash-once", 5_000).orElseThrow());
        assertTrue(store.take(BOT, "hash-once", 5_000).isEmpty());
        store.put(BOT, "hash-late", "op1", 10_000);
        assertTrue(store.take(BOT, "hash-late", 10_001).isEmpty());
        assertTrue(store.take(BOT, "hash-never-issued", 1).isEmpty());
    }

    @Test
    void connectionsAreListedByOneQueryAndExpiredOnesLeftOut() {
        String bot = "conn" + System.nanoTime();
        store.put(new Connection(bot, "c1", "op1", Caller.Role.AGENT, Set.of("t1"), 3, 1_000, 2_000));
        store.put(new Connection(bot, "c2", "op2", Caller.Role.ADMIN, Set.of(), 1, 1_000, 9_000));
        calls.reset();
        List<Connection> live = store.connections(bot, 5_000);
        assertEquals(1, calls.calls("DynamoDb.Query"));
        assertEquals(List.of("c2"), live.stream().map(Connection::connectionId).toList());
        store.update(new Connection(bot, "c2", "op2", Caller.Role.AGENT, Set.of("t9"), 1, 1_000, 9_000));
        assertEquals(Set.of("t9"), store.connections(bot, 5_000).getFirst().teamIds());
        store.delete(bot, "c2");
        // an update after the delete does not bring the connection back
        store.update(new Connection(bot, "c2", "op2", Caller.Role.AGENT, Set.of("t9"), 1, 1_000, 9_000));
        assertTrue(store.connections(bot, 5_000).isEmpty());
    }
}
