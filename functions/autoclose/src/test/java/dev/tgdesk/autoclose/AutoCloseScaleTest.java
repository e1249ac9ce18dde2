package dev.tgdesk.autoclose;

import dev.tgdesk.operator.lifecycle.DialogCloser;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.storage.DialogIndex;
import dev.tgdesk.storage.DynamoDialogLifecycle;
import dev.tgdesk.storage.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Auto-close over many open dialogs, in a table of its own (moto's transactions slow down as a table grows): of
 * {@link #TOTAL} open dialogs exactly the {@link #IDLE} idle ones close, found by Query (never Scan), oldest first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutoCloseScaleTest {

    /**
     * The 5,000 open dialogs of which 1,000 are idle (~45 s on moto with LocalAws's transaction backups;
     * plain moto deep-copies the table per transaction item and needs ~20 min). Smaller or larger runs:
     * {@code -Dautoclose.scale.total=… -Dautoclose.scale.idle=…}.
     */
    static final int TOTAL = Integer.getInteger("autoclose.scale.total", 5_000);
    static final int IDLE = Integer.getInteger("autoclose.scale.idle", 1_000);
    static final String[] KINDS = {"private", "group", "channel"};

    Stack stack;
    final Set<String> idle = new HashSet<>();
    final List<String> all = new ArrayList<>();

    @BeforeAll
    void start() {
        long t = System.nanoTime();
        stack = new Stack("acs-");
        long now = Stack.T0 + Duration.ofDays(2).toMillis();
        stack.clock.set(now);
        List<WriteRequest> puts = new ArrayList<>();
        for (int i = 0; i < TOTAL; i++) {
            boolean isIdle = i % (TOTAL / IDLE) == 0;
            String kind = KINDS[(i / (TOTAL / IDLE)) % 3];
            String dialogId = String.format("SCALE%015d", i);
            long chatId = kind.equals("private") ? 700_000_000L + i : -100_700_000_000L - i;
            long activity = isIdle ? now - Duration.ofHours(25).toMillis() - i * 1_000L
                    : now - Duration.ofHours(23).toMillis() + i * 1_000L;
            long opened = activity - 60_000;
            Map<String, AttributeValue> d = new HashMap<>();
            d.put(Keys.PK, s(Keys.dialog(Stack.BOT, dialogId)));
            d.put(Keys.SK, s(Keys.DIALOG_SK));
            d.put("dialogId", s(dialogId));
            d.put("botId", s(Stack.BOT));
            d.put("chatId", n(chatId));
            d.put("kind", s(kind));
            if (kind.equals("private")) d.put("contactUserId", n(chatId));
            d.put("title", s("Chat " + i));
            d.put("status", s("open"));
            d.put("openedAt", n(opened));
            d.put("lastActivityAt", n(activity));
            d.put("lastPreview", s("hello"));
            d.put("lastSeq", n(1));
            d.put("firstSeq", n(1));
            d.putAll(DialogIndex.keys(Stack.BOT, dialogId, kind, "open", null, null, activity, opened));
            puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(d).build()).build());
            if (isIdle) {
                idle.add(dialogId);
                Map<String, AttributeValue> chat = new HashMap<>();
                chat.put(Keys.PK, s(Keys.chat(Stack.BOT, chatId)));
                chat.put(Keys.SK, s(Keys.CHAT_SK));
                chat.put("chatId", n(chatId));
                chat.put("kind", s(kind));
                chat.put("activeDialogId", s(dialogId));
                chat.put("lastDialogId", s(dialogId));
                chat.put("seq", n(1));
                chat.put("version", n(1));
                puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(chat).build()).build());
            }
            all.add(dialogId);
        }
        for (int from = 0; from < puts.size(); from += 25) {
            Map<String, List<WriteRequest>> pending = Map.of(stack.table, puts.subList(from, Math.min(puts.size(), from + 25)));
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> request = pending;
                var r = stack.dynamo.batchWriteItem(b -> b.requestItems(request));
                pending = r.hasUnprocessedItems() ? r.unprocessedItems() : Map.of();
            }
        }
        System.out.println("wrote " + TOTAL + " dialogs + " + IDLE + " chats in " + (System.nanoTime() - t) / 1_000_000 + " ms");
    }

    @AfterAll
    void stop() {
        stack.close();
    }

    @Test
    void exactlyTheIdleDialogsCloseFoundByQueryNeverScan() {
        var store = new DynamoDialogLifecycle(stack.dynamo, stack.table, Stack.JSON);
        var closer = new DialogCloser(store, stack.clock, null, 24);
        var autoClose = new AutoClose(store, closer, new SqsOutboundQueue(stack.sqs, stack.outboundUrl, Stack.JSON),
                stack.clock, Duration.ofHours(24), 2_000);
        stack.calls.reset();
        long started = System.nanoTime();
        AutoClose.Result r = autoClose.run(Stack.BOT);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        Map<String, Integer> calls = stack.calls.snapshot();
        System.out.println("auto-close of " + IDLE + " idle among " + TOTAL + " open dialogs: " + tookMs + " ms, calls " + calls
                + ", result " + r);

        assertEquals(IDLE, r.closed());
        assertEquals(0, r.skipped());
        assertFalse(r.budgetReached());
        assertEquals(0, calls.getOrDefault("DynamoDb.Scan", 0), "never a Scan");
        assertEquals(r.queries(), calls.get("DynamoDb.Query"));
        // pages of 100 per kind, plus at most one empty page per kind after a full last page
        assertTrue(r.queries() <= IDLE / AutoClose.PAGE + 2 * KINDS.length, "queries: " + r.queries());
        assertEquals(IDLE, calls.get("DynamoDb.TransactWriteItems"), "one transaction per close, no retries");
        assertEquals(0, calls.getOrDefault("Sqs.SendMessageBatch", 0), "no closing message configured");

        // what is open now is exactly the non-idle dialogs: read back through the index (Query, not Scan)
        Set<String> open = new HashSet<>(), closed = new HashSet<>();
        for (String kind : KINDS) {
            open.addAll(partition(Keys.statusPartition(Stack.BOT, kind, "open")));
            closed.addAll(partition(Keys.statusPartition(Stack.BOT, kind, "closed")));
        }
        assertEquals(idle, closed);
        assertEquals(TOTAL - IDLE, open.size());
        open.retainAll(idle);
        assertTrue(open.isEmpty());
    }

    private Set<String> partition(String gsi1pk) {
        Set<String> ids = new HashSet<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var r = stack.dynamo.query(q -> {
                q.tableName(stack.table).indexName(Keys.BY_STATUS_INDEX).keyConditionExpression("gsi1pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(gsi1pk)));
                if (from != null) q.exclusiveStartKey(from);
            });
            r.items().forEach(i -> ids.add(i.get("dialogId").s()));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return ids;
    }

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}
