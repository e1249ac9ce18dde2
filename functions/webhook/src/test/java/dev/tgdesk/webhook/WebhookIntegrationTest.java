package dev.tgdesk.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.apigateway.HttpApiEvents;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.inbox.InboundEnvelope;
import dev.tgdesk.inbox.UpdateIngest;
import dev.tgdesk.inbox.WebhookEndpoint;
import dev.tgdesk.observability.Metrics;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.storage.DynamoInboxStore;
import dev.tgdesk.storage.Keys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The webhook Lambda handler, fed API Gateway HTTP API events, against real emulators (moto DynamoDB and
 * ElasticMQ SQS, or LocalStack / AWS_ENDPOINT_URL where available) with the template's own table and queue.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookIntegrationTest {

    static final String BOT_ID = "123456789";
    static final String SECRET = "test-webhook-secret-0123456789";
    /** Per-run offset so reruns against a long-lived external endpoint never collide. */
    static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000 * 1000);

    static final String PREFIX = "wh-" + IDS.get() % 100000 + "-";

    final ObjectMapper json = Json.mapper();
    final HttpApiEvents events = new HttpApiEvents();
    final AwsCallCounter calls = new AwsCallCounter();
    final Map<String, Long> metrics = new ConcurrentHashMap<>();
    LocalAws aws;
    LocalResources resources;
    DynamoDbClient dynamo;
    /** Uncounted client for the tests' own reads, so they don't show up in the handler's call counts. */
    DynamoDbClient inspect;
    SqsClient sqs;
    SqsClient sqsInspect;
    WebhookHandler handler;
    String table;
    String queueUrl;

    @BeforeAll
    void startStack() {
        aws = LocalAws.shared();
        dynamo = aws.dynamoDb(calls);
        sqs = aws.sqs(calls);
        inspect = aws.dynamoDb();
        sqsInspect = aws.sqs();
        createResources();
        Metrics counting = (name, value) -> metrics.merge(name, value, Long::sum);
        var store = new DynamoInboxStore(dynamo, table, json);
        var queue = new SqsInboundQueue(sqs, queueUrl, json);
        handler = new WebhookHandler(new WebhookEndpoint(BOT_ID, SECRET, json, new UpdateIngest(store, queue, json), counting));
    }

    private void createResources() {
        resources = TemplateResources.create(aws, PREFIX);
        table = resources.tableName("DataTable");
        queueUrl = resources.queueUrl("InboundQueue");
    }

    @BeforeEach
    void emptyQueue() {
        sqsInspect.purgeQueue(b -> b.queueUrl(queueUrl));
        calls.reset();
    }

    // ---- the path of an ordinary message ----------------------------------------------------------------

    @Test
    void textMessageStoresContactChatDialogAndEntryAndEnqueuesOneEnvelope() throws Exception {
        long user = IDS.incrementAndGet();
        long updateId = IDS.incrementAndGet();
        assertEquals(200, post(Updates.text(updateId, user, 1, "Hello <b>there</b>")).status());

        Map<String, AttributeValue> contact = item(Keys.contact(BOT_ID, user), Keys.PROFILE_SK);
        assertEquals("User", contact.get("firstName").s());
        assertEquals("en", contact.get("languageCode").s());
        Map<String, AttributeValue> chat = item(Keys.chat(BOT_ID, user), Keys.CHAT_SK);
        String dialogId = chat.get("activeDialogId").s();
        Map<String, AttributeValue> dialog = item(Keys.dialog(BOT_ID, dialogId), Keys.DIALOG_SK);
        assertEquals("open", dialog.get("status").s());
        assertEquals("private", dialog.get("kind").s());
        assertEquals("Hello <b>there</b>", dialog.get("lastPreview").s());
        Map<String, AttributeValue> entry = item(Keys.dialog(BOT_ID, dialogId), Keys.entry(1));
        assertEquals("Hello <b>there</b>", json.readTree(entry.get("data").s()).get("text").asText());

        List<Message> queued = drain(1);
        assertEquals(1, queued.size());
        Message m = queued.get(0);
        assertEquals(Long.toString(user), m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
        assertEquals(BOT_ID + "-" + updateId, m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID));
        InboundEnvelope envelope = json.readValue(m.body(), InboundEnvelope.class);
        assertEquals(dialogId, envelope.dialogId());
        assertEquals(1L, envelope.seq());

        // the open dialog is found through the index the inbox will use: a Query, not a Scan
        var open = dynamo.query(q -> q.tableName(table).indexName(Keys.BY_STATUS_INDEX)
                .keyConditionExpression("gsi1pk = :p").expressionAttributeValues(Map.of(":p",
                        AttributeValue.fromS(Keys.statusPartition(BOT_ID, "private", "open"))))).items();
        assertTrue(open.stream().anyMatch(i -> i.get("dialogId").s().equals(dialogId)));
    }

    @Test
    void awsCallsPerOrdinaryMessageStayWithinTheDesign() {
        long user = IDS.incrementAndGet();
        post(Updates.text(IDS.incrementAndGet(), user, 1, "first: opens the dialog"));
        calls.reset();
        post(Updates.text(IDS.incrementAndGet(), user, 2, "second: reuses it"));
        // one read of chat + contact, one atomic write, one enqueue
        assertEquals(1, calls.calls("DynamoDb.TransactWriteItems"), calls.snapshot().toString());
        assertEquals(0, calls.calls("DynamoDb.PutItem") + calls.calls("DynamoDb.UpdateItem"), calls.snapshot().toString());
        assertTrue(calls.callsTo("DynamoDb") <= 2, calls.snapshot().toString());
        assertEquals(1, calls.calls("Sqs.SendMessage"), calls.snapshot().toString());
        assertEquals(1, calls.callsTo("Sqs"), calls.snapshot().toString());
    }

    @Test
    void secondMessageReusesTheOpenDialog() {
        long user = IDS.incrementAndGet();
        post(Updates.text(IDS.incrementAndGet(), user, 1, "one"));
        post(Updates.text(IDS.incrementAndGet(), user, 2, "two"));
        String dialogId = item(Keys.chat(BOT_ID, user), Keys.CHAT_SK).get("activeDialogId").s();
        Map<String, AttributeValue> dialog = item(Keys.dialog(BOT_ID, dialogId), Keys.DIALOG_SK);
        assertEquals("2", dialog.get("lastSeq").n());
        assertEquals("two", dialog.get("lastPreview").s());
        assertNotNull(item(Keys.dialog(BOT_ID, dialogId), Keys.entry(2)));
    }

    // ---- at-least-once delivery ----------------------------------------------------------------------

    @Test
    void duplicateDeliveryStoresOneMessage() {
        long user = IDS.incrementAndGet();
        ObjectNode update = Updates.text(IDS.incrementAndGet(), user, 1, "once");
        assertEquals(200, post(update).status());
        var again = post(update);
        assertEquals(200, again.status());
        assertTrue(new String(again.body(), StandardCharsets.UTF_8).contains("duplicate"));
        String dialogId = item(Keys.chat(BOT_ID, user), Keys.CHAT_SK).get("activeDialogId").s();
        assertEquals(1, entries(dialogId).size());
        assertEquals(1, drain(1).size(), "FIFO dedup keeps one envelope");
    }

    @Test
    void twoHundredUpdatesFromTwentyChatsArriveInPerChatOrder() throws Exception {
        int chats = 20, perChat = 10;
        long firstUser = IDS.getAndAdd(chats) + 1;
        long firstUpdate = IDS.getAndAdd(chats * perChat) + 1;
        ExecutorService pool = Executors.newFixedThreadPool(Integer.getInteger("threads", 8));
        List<Future<?>> futures = new ArrayList<>();
        // like Telegram: one chat's updates one after another, different chats concurrently
        for (int c = 0; c < chats; c++) {
            final long user = firstUser + c;
            final int chatIndex = c;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < perChat; i++) {
                    long updateId = firstUpdate + (long) i * chats + chatIndex;
                    assertEquals(200, post(Updates.text(updateId, user, i + 1, "m" + i)).status());
                }
            }));
        }
        for (Future<?> f : futures) f.get();
        pool.shutdown();

        List<Message> queued = drain(chats * perChat);
        assertEquals(chats * perChat, queued.size());
        Map<String, List<Long>> byChat = new HashMap<>();
        for (Message m : queued) {
            InboundEnvelope e = json.readValue(m.body(), InboundEnvelope.class);
            byChat.computeIfAbsent(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID), k -> new ArrayList<>())
                    .add(e.updateId());
        }
        assertEquals(chats, byChat.size());
        byChat.forEach((chat, ids) -> {
            assertEquals(perChat, ids.size(), chat);
            for (int i = 1; i < ids.size(); i++) assertTrue(ids.get(i - 1) < ids.get(i), "order in chat " + chat + ": " + ids);
        });
        // and history in each dialog is numbered 1..10 without gaps
        String dialogId = item(Keys.chat(BOT_ID, firstUser), Keys.CHAT_SK).get("activeDialogId").s();
        assertEquals(perChat, entries(dialogId).size());
    }

    @Test
    void queueOutageAnswers5xxThenTheRetryIsStoredAndEnqueuedExactlyOnce() {
        long user = IDS.incrementAndGet();
        ObjectNode update = Updates.text(IDS.incrementAndGet(), user, 1, "during an SQS outage");
        assumeTrue(aws.supportsFaultInjection(), "needs self-managed emulators");
        aws.stopSqs();
        try {
            assertEquals(500, post(update).status());
        } finally {
            aws.startSqs();
            createResources(); // a restarted ElasticMQ is empty
        }
        var retried = post(update);
        assertEquals(200, retried.status(), new String(retried.body(), StandardCharsets.UTF_8));
        String dialogId = item(Keys.chat(BOT_ID, user), Keys.CHAT_SK).get("activeDialogId").s();
        assertEquals(1, entries(dialogId).size());
        assertEquals(1, drain(1).size());
    }

    @Test
    void databaseOutageAnswers5xxAndWritesNothingThenTheRetryIsStoredOnce() {
        long user = IDS.incrementAndGet();
        ObjectNode update = Updates.text(IDS.incrementAndGet(), user, 1, "during a DynamoDB outage");
        assumeTrue(aws.supportsFaultInjection(), "needs self-managed emulators");
        aws.stopDynamoDb();
        try {
            assertEquals(500, post(update).status());
        } finally {
            aws.startDynamoDb();
            createResources(); // a restarted moto is empty
        }
        assertEquals(0, drain(0).size(), "nothing enqueued while nothing could be stored");
        assertEquals(200, post(update).status());
        assertEquals(200, post(update).status());
        String dialogId = item(Keys.chat(BOT_ID, user), Keys.CHAT_SK).get("activeDialogId").s();
        assertEquals(1, entries(dialogId).size());
        assertEquals(1, drain(1).size());
    }

    // ---- refusals ------------------------------------------------------------------------------------

    @Test
    void wrongOrMissingSecretIs401AndStoresNothing() {
        long user = IDS.incrementAndGet();
        long updateId = IDS.incrementAndGet();
        byte[] body = Updates.bytes(Updates.text(updateId, user, 1, "sneaky"));
        assertEquals(401, invoke(body, "wrong-secret").status());
        assertEquals(401, invoke(body, null).status());
        assertEquals(401, invoke(body, SECRET + "x").status());
        assertTrue(item(Keys.chat(BOT_ID, user), Keys.CHAT_SK).isEmpty());
        assertTrue(item(Keys.update(BOT_ID, updateId), Keys.UPDATE_SK).isEmpty());
        assertEquals(0, calls.callsTo("DynamoDb") + calls.callsTo("Sqs"), "rejected before any AWS call");
    }

    @Test
    void blockedContactIsAcknowledgedAndNothingIsStoredOrEnqueued() {
        long user = IDS.incrementAndGet();
        inspect.putItem(b -> b.tableName(table).item(Map.of(
                "pk", AttributeValue.fromS(Keys.contact(BOT_ID, user)), "sk", AttributeValue.fromS(Keys.PROFILE_SK),
                "userId", AttributeValue.fromN(Long.toString(user)), "blocked", AttributeValue.fromBool(true))));
        long updateId = IDS.incrementAndGet();
        var response = post(Updates.text(updateId, user, 1, "spam"));
        assertEquals(200, response.status());
        assertTrue(new String(response.body(), StandardCharsets.UTF_8).contains("ignored"));
        assertTrue(item(Keys.chat(BOT_ID, user), Keys.CHAT_SK).isEmpty());
        assertTrue(item(Keys.update(BOT_ID, updateId), Keys.UPDATE_SK).isEmpty());
        assertEquals(0, drain(0).size());
    }

    @Test
    void malformedAndOversizedBodiesAreClear4xxAndStoreNothing() {
        assertEquals(400, invoke("{not json".getBytes(StandardCharsets.UTF_8), SECRET).status());
        assertEquals(400, invoke("{\"no_update_id\":true}".getBytes(StandardCharsets.UTF_8), SECRET).status());
        assertEquals(400, invoke(new byte[0], SECRET).status());
        byte[] huge = new byte[WebhookEndpoint.MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        var tooLarge = invoke(huge, SECRET);
        assertEquals(413, tooLarge.status());
        assertTrue(new String(tooLarge.body(), StandardCharsets.UTF_8).contains("larger"));
        assertEquals(0, calls.callsTo("DynamoDb") + calls.callsTo("Sqs"));
    }

    @Test
    void unknownUpdateKindIsAcknowledgedCountedAndKeptRaw() {
        long updateId = IDS.incrementAndGet();
        String body = "{\"update_id\":" + updateId + ",\"message_reaction\":{\"chat\":{\"id\":1,\"type\":\"private\"},"
                + "\"message_id\":3,\"date\":1,\"old_reaction\":[],\"new_reaction\":[{\"type\":\"emoji\",\"emoji\":\"👍\"}]}}";
        long before = metrics.getOrDefault("UpdatesUnsupported", 0L);
        assertEquals(200, invoke(body.getBytes(StandardCharsets.UTF_8), SECRET).status());
        assertEquals(200, invoke(body.getBytes(StandardCharsets.UTF_8), SECRET).status());
        assertEquals(before + 2, metrics.get("UpdatesUnsupported"));
        Map<String, AttributeValue> marker = item(Keys.update(BOT_ID, updateId), Keys.UPDATE_SK);
        assertEquals("message_reaction", marker.get("kind").s());
        assertEquals(body, marker.get("raw").s());
        assertEquals(0, drain(0).size());
    }

    @Test
    void hugeUnknownUpdateUnderTheLimitIsKeptCutToFitAnItem() {
        long updateId = IDS.incrementAndGet();
        String body = "{\"update_id\":" + updateId + ",\"future_kind\":{\"blob\":\"" + "ж".repeat(400_000) + "\"}}";
        assertTrue(body.getBytes(StandardCharsets.UTF_8).length < WebhookEndpoint.MAX_BODY_BYTES);
        assertEquals(200, invoke(body.getBytes(StandardCharsets.UTF_8), SECRET).status());
        Map<String, AttributeValue> marker = item(Keys.update(BOT_ID, updateId), Keys.UPDATE_SK);
        assertEquals(Boolean.TRUE, marker.get("rawTruncated").bool());
        assertTrue(marker.get("raw").s().getBytes(StandardCharsets.UTF_8).length <= 300_000);
    }

    // ---- edits, membership, group migration ----------------------------------------------------------

    @Test
    void editReplacesTheStoredMessageAndKeepsTheFirstVersion() throws Exception {
        long user = IDS.incrementAndGet();
        post(Updates.text(IDS.incrementAndGet(), user, 7, "typo"));
        post(Updates.edited(IDS.incrementAndGet(), user, 7, "fixed"));
        String dialogId = item(Keys.chat(BOT_ID, user), Keys.CHAT_SK).get("activeDialogId").s();
        assertEquals(1, entries(dialogId).size(), "an edit changes the entry, it adds none");
        Map<String, AttributeValue> entry = item(Keys.dialog(BOT_ID, dialogId), Keys.entry(1));
        assertEquals("fixed", json.readTree(entry.get("data").s()).get("text").asText());
        assertEquals("typo", json.readTree(entry.get("original").s()).get("text").asText());
        assertEquals("1", entry.get("editCount").n());
        assertEquals(2, drain(2).size(), "the edit is enqueued too");
    }

    @Test
    void userBlockingAndUnblockingTheBotIsRecordedOnTheContact() {
        long user = IDS.incrementAndGet();
        post(Updates.text(IDS.incrementAndGet(), user, 1, "hi"));
        post(Updates.myChatMember(IDS.incrementAndGet(), user, "member", "kicked"));
        assertEquals(Boolean.TRUE, item(Keys.contact(BOT_ID, user), Keys.PROFILE_SK).get("botBlocked").bool());
        post(Updates.myChatMember(IDS.incrementAndGet(), user, "kicked", "member"));
        assertEquals(Boolean.FALSE, item(Keys.contact(BOT_ID, user), Keys.PROFILE_SK).get("botBlocked").bool());
    }

    @Test
    void membershipChangeWithoutAnOpenDialogOpensNone() {
        long user = IDS.incrementAndGet();
        assertEquals(200, post(Updates.myChatMember(IDS.incrementAndGet(), user, "member", "kicked")).status());
        Map<String, AttributeValue> chat = item(Keys.chat(BOT_ID, user), Keys.CHAT_SK);
        assertNull(chat.get("activeDialogId"));
        assertEquals("kicked", chat.get("botStatus").s());
    }

    @Test
    void groupMigrationMovesTheDialogToTheSupergroup() {
        long oldId = -4000000000L - IDS.incrementAndGet();
        long newId = -1002000000000L - IDS.incrementAndGet();
        ObjectNode member = Updates.user(IDS.incrementAndGet(), "Member");
        post(Updates.message(IDS.incrementAndGet(), 1, Updates.group(oldId, "group", "Team"), member, "before"));
        String dialogId = item(Keys.chat(BOT_ID, oldId), Keys.CHAT_SK).get("activeDialogId").s();

        post(migrateTo(oldId, newId, member));
        post(migrateFrom(oldId, newId, member));
        post(Updates.message(IDS.incrementAndGet(), 2, Updates.group(newId, "supergroup", "Team"), member, "after"));

        Map<String, AttributeValue> oldChat = item(Keys.chat(BOT_ID, oldId), Keys.CHAT_SK);
        assertEquals(Long.toString(newId), oldChat.get("migratedToChatId").n());
        assertNull(oldChat.get("activeDialogId"));
        assertEquals(dialogId, item(Keys.chat(BOT_ID, newId), Keys.CHAT_SK).get("activeDialogId").s());
        Map<String, AttributeValue> dialog = item(Keys.dialog(BOT_ID, dialogId), Keys.DIALOG_SK);
        assertEquals(Long.toString(newId), dialog.get("chatId").n());
        assertEquals("after", dialog.get("lastPreview").s());
        assertEquals(4, entries(dialogId).size(), "before, migrate_to, migrate_from, after");
    }

    @Test
    void migrationAnnouncedFirstInTheNewSupergroupAlsoMovesTheDialog() {
        long oldId = -4000000000L - IDS.incrementAndGet();
        long newId = -1002000000000L - IDS.incrementAndGet();
        ObjectNode member = Updates.user(IDS.incrementAndGet(), "Member");
        post(Updates.message(IDS.incrementAndGet(), 1, Updates.group(oldId, "group", "Team"), member, "before"));
        String dialogId = item(Keys.chat(BOT_ID, oldId), Keys.CHAT_SK).get("activeDialogId").s();
        post(migrateFrom(oldId, newId, member));
        post(migrateTo(oldId, newId, member));
        assertEquals(dialogId, item(Keys.chat(BOT_ID, newId), Keys.CHAT_SK).get("activeDialogId").s());
        assertNull(item(Keys.chat(BOT_ID, oldId), Keys.CHAT_SK).get("activeDialogId"));
        assertEquals(Long.toString(newId), item(Keys.dialog(BOT_ID, dialogId), Keys.DIALOG_SK).get("chatId").n());
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** The service message Telegram sends in the old group when it becomes a supergroup. */
    static ObjectNode migrateTo(long oldId, long newId, ObjectNode member) {
        ObjectNode update = Updates.message(IDS.incrementAndGet(), 2, Updates.group(oldId, "group", "Team"), member, null);
        ((ObjectNode) update.get("message")).put("migrate_to_chat_id", newId);
        return update;
    }

    /** … and the one it sends in the new supergroup. */
    static ObjectNode migrateFrom(long oldId, long newId, ObjectNode member) {
        ObjectNode update = Updates.message(IDS.incrementAndGet(), 1, Updates.group(newId, "supergroup", "Team"), member, null);
        ((ObjectNode) update.get("message")).put("migrate_from_chat_id", oldId);
        return update;
    }

    HttpApiEvents.HttpResponse post(ObjectNode update) {
        return invoke(Updates.bytes(update), SECRET);
    }

    HttpApiEvents.HttpResponse invoke(byte[] body, String secret) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        if (secret != null) headers.put("X-Telegram-Bot-Api-Secret-Token", secret);
        ObjectNode event = events.request("POST", "POST /telegram/webhook", "/telegram/webhook", "", headers, body, "91.108.6.65");
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(json.writeValueAsBytes(event)), out, null);
            return events.response(out.toByteArray());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, AttributeValue> item(String pk, String sk) {
        var item = inspect.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))).item();
        return item == null ? Map.of() : item;
    }

    List<Map<String, AttributeValue>> entries(String dialogId) {
        return inspect.query(q -> q.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :m)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.dialog(BOT_ID, dialogId)),
                        ":m", AttributeValue.fromS("MSG#")))).items();
    }

    /** Receives (and deletes) messages until {@code expected} arrived, then checks briefly for extras. */
    List<Message> drain(int expected) {
        List<Message> out = new ArrayList<>();
        int emptyPolls = 0;
        while (emptyPolls < (out.size() >= expected ? 1 : 10)) {
            var batch = sqsInspect.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(out.size() >= expected ? 0 : 1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (batch.isEmpty()) {
                emptyPolls++;
                continue;
            }
            out.addAll(batch);
            for (Message m : batch) sqsInspect.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        }
        return out;
    }
}
