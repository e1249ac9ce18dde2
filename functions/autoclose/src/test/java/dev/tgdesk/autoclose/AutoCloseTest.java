package dev.tgdesk.autoclose;

import dev.tgdesk.operator.lifecycle.CloseContext;
import dev.tgdesk.operator.lifecycle.DialogCloser;
import dev.tgdesk.operator.lifecycle.DialogState;
import dev.tgdesk.operator.lifecycle.LifecycleStore;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.scenario.RunState;
import dev.tgdesk.storage.DynamoDialogLifecycle;
import dev.tgdesk.storage.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Auto-close on the emulated table: which dialogs close, the closing message, the race with a new message, concurrent runs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutoCloseTest {

    static final String CLOSING = "We are closing this conversation. Write to us any time!";
    static final AtomicLong USERS = new AtomicLong(620_000_000);
    static final AtomicLong GROUPS = new AtomicLong(-100_620_000_000L);

    Stack stack;
    DynamoDialogLifecycle store;
    DialogCloser closer;
    SqsOutboundQueue outbound;

    @BeforeAll
    void start() {
        stack = new Stack("acl-");
        store = new DynamoDialogLifecycle(stack.dynamo, stack.table, Stack.JSON);
        closer = new DialogCloser(store, stack.clock, CLOSING, 24);
        outbound = new SqsOutboundQueue(stack.sqs, stack.outboundUrl, Stack.JSON);
    }

    @AfterAll
    void stop() {
        stack.close();
    }

    AutoClose autoClose(LifecycleStore s, int budget) {
        return new AutoClose(s, closer, outbound, stack.clock, Duration.ofHours(24), budget);
    }

    List<Message> outboundOf(String bot) {
        return stack.drainOutbound().stream().filter(m -> m.body().contains("\"bot_id\":\"" + bot + "\"")).toList();
    }

    @Test
    void closesOnlyIdleDialogsAndSendsTheClosingMessageOnceToPrivateUnblockedClients() throws Exception {
        String bot = "b1-" + System.nanoTime();
        long ann = USERS.incrementAndGet(), blocked = USERS.incrementAndGet(), fresh = USERS.incrementAndGet();
        long group = GROUPS.decrementAndGet();
        String annDialog = stack.privateMessage(bot, ann, "hello");
        String blockedDialog = stack.privateMessage(bot, blocked, "hello");
        String groupDialog = stack.groupMessage(bot, group, USERS.incrementAndGet(), "hello all");
        String freshDialog = stack.privateMessage(bot, fresh, "hello");
        stack.dynamo.updateItem(b -> b.tableName(stack.table).key(key(Keys.contact(bot, blocked), Keys.PROFILE_SK))
                .updateExpression("SET blocked = :t").expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))));
        putRun(bot, annDialog, RunState.WAITING_INPUT);
        stack.clock.advance(Duration.ofHours(23));
        stack.privateMessage(bot, fresh, "still there?");
        stack.clock.advance(Duration.ofHours(2)); // ann, blocked, group: 25 h idle; fresh: 2 h

        AutoClose.Result r = autoClose(store, 2_000).run(bot);
        assertEquals(3, r.closed());
        assertEquals(0, r.skipped());
        assertFalse(r.budgetReached());

        for (String d : List.of(annDialog, blockedDialog, groupDialog)) {
            var item = stack.dialog(bot, d);
            assertEquals("closed", item.get("status").s());
            assertEquals(DialogCloser.AUTOCLOSE, item.get("closedBy").s());
            var events = stack.events(bot, d, "closed");
            assertEquals(1, events.size());
            assertEquals("Closed after 24 h without activity", events.get(0).get("preview").s());
        }
        assertEquals("open", stack.dialog(bot, freshDialog).get("status").s());
        assertFalse(stack.chat(bot, ann).containsKey("activeDialogId"));
        assertFalse(stack.chat(bot, group).containsKey("activeDialogId"));
        assertEquals(freshDialog, stack.chat(bot, fresh).get("activeDialogId").s());

        var annEntries = stack.entries(bot, annDialog);
        assertEquals(List.of("message", "message", "event"), annEntries.stream().map(e -> e.get("type").s()).toList());
        var closingEntry = annEntries.get(1);
        assertEquals("out", closingEntry.get("direction").s());
        assertEquals("system", closingEntry.get("author").s());
        assertEquals("queued", closingEntry.get("status").s());
        assertEquals(0, stack.entries(bot, blockedDialog).stream().filter(e -> "out".equals(str(e, "direction"))).count(),
                "no closing message to a blocked contact");
        assertEquals(0, stack.entries(bot, groupDialog).stream().filter(e -> "out".equals(str(e, "direction"))).count(),
                "no closing message in groups");

        var run = stack.item(Keys.dialog(bot, annDialog), Keys.RUN_SK);
        assertEquals("finished", run.get("status").s());
        assertNull(Stack.JSON.readValue(run.get("state").s(), RunState.class).waitFor());

        List<Message> sent = outboundOf(bot);
        assertEquals(1, sent.size(), "one closing message queued");
        assertTrue(sent.get(0).body().contains("\"dialog_id\":\"" + annDialog + "\""), sent.get(0).body());

        AutoClose.Result again = autoClose(store, 2_000).run(bot);
        assertEquals(0, again.closed());
        assertEquals(0, outboundOf(bot).size(), "nothing queued twice");
    }

    @Test
    void aMessageArrivingBetweenTheQueryAndTheCloseKeepsTheDialogOpen() {
        String bot = "b2-" + System.nanoTime();
        long user = USERS.incrementAndGet();
        String dialogId = stack.privateMessage(bot, user, "hello");
        stack.clock.advance(Duration.ofHours(25));
        // the webhook records a new message of this client right after auto-close read the dialog
        LifecycleStore racing = new Delegating(store) {
            @Override
            public List<CloseContext> loadAll(List<DialogState> dialogs) {
                List<CloseContext> read = super.loadAll(dialogs);
                if (!dialogs.isEmpty()) assertEquals(dialogId, stack.privateMessage(bot, user, "are you still there?"));
                return read;
            }
        };

        AutoClose.Result r = autoClose(racing, 2_000).run(bot);
        assertEquals(0, r.closed());
        assertEquals(1, r.skipped());
        var item = stack.dialog(bot, dialogId);
        assertEquals("open", item.get("status").s());
        assertEquals(stack.clock.millis(), Long.parseLong(item.get("lastActivityAt").n()));
        assertEquals(dialogId, stack.chat(bot, user).get("activeDialogId").s());
        assertEquals(0, stack.events(bot, dialogId, "closed").size());
        assertEquals(List.of("message", "message"), stack.entries(bot, dialogId).stream().map(e -> e.get("type").s()).toList());
        assertEquals(0, outboundOf(bot).size());
    }

    @Test
    void twoRunsAtOnceCloseEachDialogOnce() {
        String bot = "b3-" + System.nanoTime();
        List<String> dialogs = new ArrayList<>();
        for (int i = 0; i < 20; i++) dialogs.add(stack.privateMessage(bot, USERS.incrementAndGet(), "hi " + i));
        stack.clock.advance(Duration.ofHours(25));

        var first = CompletableFuture.supplyAsync(() -> autoClose(store, 2_000).run(bot));
        var second = CompletableFuture.supplyAsync(() -> autoClose(store, 2_000).run(bot));
        AutoClose.Result a = first.join(), b = second.join();

        assertEquals(20, a.closed() + b.closed(), a + " / " + b);
        assertEquals(0, a.failed() + b.failed());
        for (String d : dialogs) {
            assertEquals("closed", stack.dialog(bot, d).get("status").s());
            assertEquals(1, stack.events(bot, d, "closed").size(), "one closed event in " + d);
            assertEquals(1, stack.entries(bot, d).stream().filter(e -> "out".equals(str(e, "direction"))).count(), "one closing message");
        }
        assertEquals(20, outboundOf(bot).size());
    }

    @Test
    void aRunStopsAtItsBudgetOldestFirstAndTheNextRunContinues() {
        String bot = "b4-" + System.nanoTime();
        List<String> dialogs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            dialogs.add(stack.privateMessage(bot, USERS.incrementAndGet(), "hi " + i));
            stack.clock.advance(Duration.ofMinutes(1));
        }
        stack.clock.advance(Duration.ofHours(25));

        ByteArrayOutputStream metrics = new ByteArrayOutputStream();
        var handler = new AutocloseHandler(autoClose(store, 3), bot, new PrintStream(metrics, true, StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream("{\"source\":\"aws.events\"}".getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertEquals("{\"closed\":3,\"skipped\":0,\"failed\":0,\"budgetReached\":true}", out.toString(StandardCharsets.UTF_8));
        String emf = metrics.toString(StandardCharsets.UTF_8);
        assertTrue(emf.contains("\"DialogsAutoClosed\":3,\"DialogsAutoCloseSkipped\":0"), emf);
        assertTrue(emf.contains("\"CloudWatchMetrics\""), emf);
        assertEquals(List.of("closed", "closed", "closed", "open", "open"),
                dialogs.stream().map(d -> stack.dialog(bot, d).get("status").s()).toList(), "the oldest first");

        AutoClose.Result next = autoClose(store, 3).run(bot);
        assertEquals(2, next.closed());
        assertFalse(next.budgetReached());
        outboundOf(bot);
    }

    void putRun(String bot, String dialogId, String status) throws Exception {
        long now = stack.clock.millis();
        RunState state = new RunState("survey", 1, status, "ask", Map.of(),
                new RunState.Wait(RunState.Wait.INPUT, "ask", null, 0, null, null), List.of(), 2, now, now);
        Map<String, AttributeValue> run = new HashMap<>(key(Keys.dialog(bot, dialogId), Keys.RUN_SK));
        run.put("version", AttributeValue.fromN("1"));
        run.put("status", AttributeValue.fromS(status));
        run.put("state", AttributeValue.fromS(Stack.JSON.writeValueAsString(state)));
        stack.dynamo.putItem(b -> b.tableName(stack.table).item(run));
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(Keys.PK, AttributeValue.fromS(pk), Keys.SK, AttributeValue.fromS(sk));
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    /** The real store with one step overridden (to interleave another writer), nothing emulated. */
    static class Delegating implements LifecycleStore {
        private final LifecycleStore real;

        Delegating(LifecycleStore real) {
            this.real = real;
        }

        @Override
        public Optional<CloseContext> load(String botId, String dialogId) {
            return real.load(botId, dialogId);
        }

        @Override
        public List<CloseContext> loadAll(List<DialogState> dialogs) {
            return real.loadAll(dialogs);
        }

        @Override
        public IdlePage idle(String botId, String kind, long cutoffMillis, String cursor, int limit) {
            return real.idle(botId, kind, cutoffMillis, cursor, limit);
        }

        @Override
        public Outcome close(CloseWrite write) {
            return real.close(write);
        }

        @Override
        public Outcome reopen(ReopenWrite write) {
            return real.reopen(write);
        }
    }
}
