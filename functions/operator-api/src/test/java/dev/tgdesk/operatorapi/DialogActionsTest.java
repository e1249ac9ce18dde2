package dev.tgdesk.operatorapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.lambda.SqsEventSource;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeGroup;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.emulators.telegram.OutgoingMessage;
import dev.tgdesk.inbox.UpdateIngest;
import dev.tgdesk.inbox.WebhookEndpoint;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.ContactFieldDefinition;
import dev.tgdesk.operator.actions.ContactFieldCatalog;
import dev.tgdesk.operator.actions.DialogActions;
import dev.tgdesk.operator.actions.DialogActionsRoutes;
import dev.tgdesk.operator.actions.TeamDirectory;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.ApiRequest;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.outbound.PacingPolicy;
import dev.tgdesk.outbound.RetryPolicy;
import dev.tgdesk.outbound.Sender;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.sender.SenderHandler;
import dev.tgdesk.storage.DynamoDialogActions;
import dev.tgdesk.storage.DynamoInboxStore;
import dev.tgdesk.storage.DynamoOutboundStore;
import dev.tgdesk.storage.DynamoRateLedger;
import dev.tgdesk.storage.Keys;
import dev.tgdesk.storage.S3FileStore;
import dev.tgdesk.telegram.TelegramClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The "actions" area end to end on the local stack: dialogs opened by the real webhook path (moto DynamoDB,
 * ElasticMQ), actions through the {@link Router}, sends delivered by the real sender through the local SQS event
 * source to the fake Telegram, uploaded files in moto's S3. Auth is a fixed token → caller map.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DialogActionsTest {

    static final String PREFIX = "act-" + System.currentTimeMillis() % 100000 + "-";
    static final String SECRET = "webhook-secret-for-tests";

    final ObjectMapper json = Json.mapper();
    final AwsCallCounter calls = new AwsCallCounter();
    LocalAws aws;
    DynamoDbClient dynamo;
    SqsClient sqs;
    S3Client s3;
    String table;
    String inboundUrl;
    String outboundUrl;
    String bucket;
    FakeTelegram telegram;
    FakeBot bot;
    String botId;
    WebhookEndpoint webhook;
    Router router;
    SqsEventSource sender;
    final Map<String, Caller> callers = new ConcurrentHashMap<>();
    final Set<String> operators = ConcurrentHashMap.newKeySet();
    final Set<String> teams = ConcurrentHashMap.newKeySet();

    @BeforeAll
    void start() {
        aws = LocalAws.shared();
        dynamo = aws.dynamoDb();
        sqs = aws.sqs();
        s3 = aws.configure(S3Client.builder(), "S3").forcePathStyle(true).build();
        LocalResources resources = TemplateResources.create(aws, PREFIX);
        table = resources.tableName("DataTable");
        inboundUrl = resources.queueUrl("InboundQueue");
        outboundUrl = resources.queueUrl("OutboundQueue");
        bucket = resources.bucketName("FilesBucket");
        telegram = new FakeTelegram().start();
        bot = telegram.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
        botId = Long.toString(bot.id());
        TelegramClient client = new TelegramClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
                new ObjectMapper(), telegram.baseUrl(), bot.token()).withRequestTimeout(Duration.ofSeconds(3));
        SqsInboundQueue inbound = new SqsInboundQueue(sqs, inboundUrl, json);
        webhook = new WebhookEndpoint(botId, SECRET, json, new UpdateIngest(new DynamoInboxStore(dynamo, table, json), inbound, json),
                (name, value) -> { });
        S3FileStore files = new S3FileStore(s3, bucket);
        ContactFieldCatalog catalog = new ContactFieldCatalog() {
            @Override
            public List<ContactFieldDefinition> contactFields(String bot) {
                return List.of(new ContactFieldDefinition("plan", "Plan", ContactFieldDefinition.Type.CHOICE, List.of("free", "pro")),
                        new ContactFieldDefinition("seats", "Seats", ContactFieldDefinition.Type.NUMBER, List.of()));
            }

            @Override
            public String validate(ContactFieldDefinition d, String value) {
                try {
                    return dev.tgdesk.operator.ContactFieldRules.validate(d, value); // the identity area's rules
                } catch (dev.tgdesk.operator.api.ApiException e) {
                    throw new IllegalArgumentException(e.getMessage());
                }
            }
        };
        TeamDirectory directory = new TeamDirectory() {
            @Override
            public boolean operatorExists(String bot, String id) {
                return operators.contains(id);
            }

            @Override
            public boolean teamExists(String bot, String id) {
                return teams.contains(id);
            }
        };
        // the actions get clients of their own, so the counter sees only their calls
        SqsClient countedSqs = aws.sqs(calls);
        DialogActions actions = new DialogActions(new DynamoDialogActions(aws.dynamoDb(calls), table),
                new SqsOutboundQueue(countedSqs, outboundUrl, json), new SqsInboundQueue(countedSqs, inboundUrl, json)::publishControl,
                new S3FileStore(aws.configure(S3Client.builder(), "S3", calls).forcePathStyle(true).build(), bucket), client, catalog, directory, new Visibility(true), Clock.systemUTC());
        router = new Router(token -> {
            Caller c = callers.get(token);
            if (c == null) throw ApiException.unauthorized();
            return c;
        }).add(new DialogActionsRoutes(actions));
        operators.addAll(List.of("op-admin", "op-a", "op-b"));
        teams.addAll(List.of("team-a", "team-b"));
        callers.put("admin", new Caller(botId, "op-admin", "admin@example.com", "Ada Admin", Caller.Role.ADMIN, Set.of()));
        callers.put("agent-a", new Caller(botId, "op-a", "a@example.com", "Alex Agent", Caller.Role.AGENT, Set.of("team-a")));
        callers.put("agent-b", new Caller(botId, "op-b", "b@example.com", "Bo Agent", Caller.Role.AGENT, Set.of("team-b")));
        Sender snd = new Sender(new DynamoOutboundStore(dynamo, table), new DynamoRateLedger(dynamo, table), client,
                PacingPolicy.telegram(), new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(2), 18), (n, v) -> { },
                Sender.Clock.SYSTEM, files);
        sender = new SqsEventSource(sqs, outboundUrl, new SenderHandler(snd, sqs, outboundUrl, botId, (n, v) -> { }),
                SqsEventSource.Options.defaults("SenderFunction").withMaximumConcurrency(2)).start();
    }

    @AfterAll
    void stop() {
        if (sender != null) sender.close();
        if (telegram != null) telegram.close();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** A user who started the bot and wrote once: a private dialog exists. Returns its id. */
    String privateDialog(FakeUser user) {
        deliver(bot.userStarts(user));
        return activeDialog(user.id());
    }

    void deliver(JsonNode update) {
        WebhookEndpoint.Response r = webhook.handle(SECRET, update.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.status(), r.body());
    }

    String activeDialog(long chatId) {
        var item = dynamo.getItem(g -> g.tableName(table).key(key(Keys.chat(botId, chatId), Keys.CHAT_SK)).consistentRead(true)).item();
        return item.get("activeDialogId").s();
    }

    Map<String, AttributeValue> item(String pk, String sk) {
        return dynamo.getItem(g -> g.tableName(table).key(key(pk, sk)).consistentRead(true)).item();
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(Keys.PK, AttributeValue.fromS(pk), Keys.SK, AttributeValue.fromS(sk));
    }

    ApiResponse call(String token, String method, String path, String body) {
        return call(token, method, path, Map.of(), Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    ApiResponse call(String token, String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body) {
        Map<String, String> h = new HashMap<>(headers);
        h.put("authorization", "Bearer " + token);
        if (!h.containsKey("content-type")) h.put("content-type", "application/json");
        return router.handle(new ApiRequest(method, path, Map.of(), query, h, body));
    }

    static String text(ApiResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    JsonNode body(ApiResponse r) {
        try {
            return json.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    Map<String, AttributeValue> entry(String dialogId, long seq) {
        return item(Keys.dialog(botId, dialogId), Keys.entry(seq));
    }

    void awaitStatus(String dialogId, long seq, String status) {
        await(() -> status.equals(entry(dialogId, seq).get("status").s()), "entry " + seq + " " + status);
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError(what + ": not within 30 s");
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    String path(String dialogId, String rest) {
        return "/api/dialogs/" + dialogId + rest;
    }

    // ---- sending as the bot ----------------------------------------------------------------------------------

    @Test
    void operatorTextIsQueuedThenSentAsTheBotWithButtons() {
        FakeUser u = telegram.addUser("Uma", "uma");
        String d = privateDialog(u);
        calls.reset();
        ApiResponse r = call("admin", "POST", path(d, "/messages"),
                "{\"text\":\"Hello <b>there</b> & welcome\",\"buttons\":[[{\"text\":\"Site\",\"url\":\"https://example.com\"},{\"text\":\"Yes\",\"data\":\"yes\"}]]}");
        assertEquals(201, r.status(), text(r));
        long seq = body(r).path("seqs").get(0).asLong();
        // one GetItem (dialog), one BatchGetItem (chat, contact, marker), one TransactWriteItems, one SendMessageBatch
        assertEquals(Map.of("DynamoDb.GetItem", 1, "DynamoDb.BatchGetItem", 1, "DynamoDb.TransactWriteItems", 1,
                "Sqs.SendMessageBatch", 1), calls.snapshot(), "AWS calls for one send");
        var stored = entry(d, seq);
        assertEquals("operator", stored.get("author").s());
        assertEquals("op-admin", stored.get("authorRef").s());
        awaitStatus(d, seq, "sent");
        OutgoingMessage sent = telegram.sentTo(u.id()).getLast();
        assertEquals("Hello <b>there</b> & welcome", sent.message().path("text").asText(), "plain text arrives as written");
        assertEquals(List.of("yes"), sent.callbackData());
        assertEquals(sent.messageId(), Long.parseLong(entry(d, seq).get("telegramMessageId").n()));
        var dialog = item(Keys.dialog(botId, d), Keys.DIALOG_SK);
        assertEquals(Long.toString(seq), dialog.get("lastSeq").n());
        assertTrue(dialog.get("lastPreview").s().startsWith("Hello"));
        assertTrue(dialog.get("gsi3pk").s().endsWith("#A#none#private#open"), "still in the unassigned pool");
        assertFalse(text(r).contains("op-admin"), "the author's id is not echoed");
    }

    @Test
    void longTextIsSplitIntoSeveralMessages() {
        FakeUser u = telegram.addUser("Lena", null);
        String d = privateDialog(u);
        String paragraph = "word ".repeat(900).strip() + "\n\n";
        String text = (paragraph.repeat(2)).strip(); // ~9000 characters
        ApiResponse r = call("admin", "POST", path(d, "/messages"), json.createObjectNode().put("text", text).toString());
        assertEquals(201, r.status());
        JsonNode seqs = body(r).path("seqs");
        assertTrue(seqs.size() >= 3, "split into " + seqs.size());
        seqs.forEach(s -> awaitStatus(d, s.asLong(), "sent"));
        assertEquals(seqs.size(), telegram.sentTo(u.id()).stream().filter(m -> m.text() != null && m.text().startsWith("word")).count());
        assertEquals(400, call("admin", "POST", path(d, "/messages"), json.createObjectNode().put("text", "x".repeat(16_001)).toString()).status());
        assertEquals(400, call("admin", "POST", path(d, "/messages"), "{\"text\":\"   \"}").status());
        JsonNode err = body(call("admin", "POST", path(d, "/messages"), "{\"text\":\"hi\",\"buttons\":[[{\"text\":\"x\"}]]}"));
        assertEquals("buttons[0][0]", err.path("error").path("field").asText());
    }

    @Test
    void aRetriedPostWithTheSameClientIdSendsOnce() {
        FakeUser u = telegram.addUser("Rita", null);
        String d = privateDialog(u);
        String clientId = UUID.randomUUID().toString();
        String req = json.createObjectNode().put("text", "only once").put("client_id", clientId).toString();
        ApiResponse first = call("agent-a", "POST", path(d, "/messages"), req);
        ApiResponse second = call("agent-a", "POST", path(d, "/messages"), req);
        assertEquals(201, first.status());
        assertEquals(201, second.status());
        assertEquals(body(first).path("seqs"), body(second).path("seqs"));
        assertTrue(body(second).path("repeated").asBoolean());
        long seq = body(first).path("seqs").get(0).asLong();
        awaitStatus(d, seq, "sent");
        sleep(1500); // a second delivery would have arrived by now
        assertEquals(1, telegram.sentTo(u.id()).stream().filter(m -> "only once".equals(m.text())).count());
    }

    @Test
    void sendsAreRefusedForClosedDialogsAndBlockedContacts() {
        FakeUser u = telegram.addUser("Carl", null);
        String d = privateDialog(u);
        // operators block
        assertEquals(200, call("admin", "POST", path(d, "/contact/block"), null).status());
        JsonNode refused = body(call("admin", "POST", path(d, "/messages"), "{\"text\":\"hi\"}"));
        assertEquals("conflict", refused.path("error").path("code").asText());
        assertTrue(refused.path("error").path("message").asText().contains("blocked by operators"));
        assertEquals(200, call("admin", "POST", path(d, "/contact/unblock"), null).status());
        assertEquals(201, call("admin", "POST", path(d, "/messages"), "{\"text\":\"back\"}").status());
        // the user blocks the bot
        deliver(bot.userBlocks(u));
        JsonNode botBlocked = body(call("admin", "POST", path(d, "/messages"), "{\"text\":\"hi\"}"));
        assertTrue(botBlocked.path("error").path("message").asText().contains("blocked the bot"));
        // a closed dialog
        FakeUser w = telegram.addUser("Wes", null);
        String closed = privateDialog(w);
        dynamo.updateItem(b -> b.tableName(table).key(key(Keys.dialog(botId, closed), Keys.DIALOG_SK))
                .updateExpression("SET #s = :c").expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":c", AttributeValue.fromS("closed"))));
        JsonNode closedAnswer = body(call("admin", "POST", path(closed, "/messages"), "{\"text\":\"hi\"}"));
        assertTrue(closedAnswer.path("error").path("message").asText().contains("closed"));
        assertEquals(404, call("admin", "POST", path("NOSUCHDIALOG", "/messages"), "{\"text\":\"hi\"}").status());
    }

    // ---- files -------------------------------------------------------------------------------------------------

    @Test
    void anUploadedFileGoesToS3ThenToTelegramByMultipartAndItsFileIdIsKept() {
        FakeUser u = telegram.addUser("Fay", null);
        String d = privateDialog(u);
        byte[] pdf = new byte[300_000];
        new java.util.Random(7).nextBytes(pdf);
        ApiResponse r = call("admin", "POST", path(d, "/files"), Map.of("name", "invoice 7.pdf", "caption", "your invoice"),
                Map.of("content-type", "application/pdf"), pdf);
        assertEquals(201, r.status(), text(r));
        assertEquals("document", body(r).path("kind").asText());
        long seq = body(r).path("seqs").get(0).asLong();
        var stored = entry(d, seq);
        String key = stored.get("uploadKey").s();
        assertArrayEquals(pdf, s3.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray(), "stored in S3");
        awaitStatus(d, seq, "sent");
        OutgoingMessage sent = telegram.sentTo(u.id()).getLast();
        assertEquals("document", sent.mediaKind());
        assertEquals("your invoice", sent.text());
        String fileId = sent.message().path("document").path("file_id").asText();
        assertArrayEquals(pdf, telegram.storedFile(fileId).content(), "the bytes Telegram got");
        var after = entry(d, seq);
        assertEquals(fileId, after.get("fileId").s());
        assertTrue(after.get("params").s().contains(fileId) && !after.get("params").s().contains("_upload"),
                "a resend would use the file_id");

        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
        ApiResponse photo = call("admin", "POST", path(d, "/files"), Map.of("name", "shot.png"), Map.of("content-type", "image/png"), png);
        assertEquals("photo", body(photo).path("kind").asText());
        awaitStatus(d, body(photo).path("seqs").get(0).asLong(), "sent");
        assertEquals("photo", telegram.sentTo(u.id()).getLast().mediaKind());

        ApiResponse tooLarge = call("admin", "POST", path(d, "/files"), Map.of("name", "big.bin"),
                Map.of("content-type", "application/octet-stream"), new byte[DialogActions.MAX_FILE_BYTES + 1]);
        assertEquals(413, tooLarge.status());
        assertEquals(400, call("admin", "POST", path(d, "/files"), Map.of(), Map.of("content-type", "text/plain"), new byte[] {1}).status());
    }

    @Test
    void theFilesPanelListsBothWaysAndServesTheBytesWithoutTheToken() {
        FakeUser u = telegram.addUser("Gil", null);
        String d = privateDialog(u);
        byte[] contract = "%PDF-1.4 a contract".getBytes(StandardCharsets.UTF_8);
        deliver(bot.userSendsDocument(u, "contract.pdf", "application/pdf", contract, "signed"));
        byte[] mine = "hello from the inbox".getBytes(StandardCharsets.UTF_8);
        long upSeq = body(call("admin", "POST", path(d, "/files"), Map.of("name", "notes.txt"), Map.of("content-type", "text/plain"), mine))
                .path("seqs").get(0).asLong();
        JsonNode list = body(call("agent-a", "GET", path(d, "/files"), null)).path("files");
        assertEquals(2, list.size(), list.toString());
        JsonNode theirs = list.get(0);
        assertEquals("contract.pdf", theirs.path("file_name").asText());
        assertEquals("application/pdf", theirs.path("mime_type").asText());
        assertEquals(contract.length, theirs.path("size").asInt());
        assertEquals("in", theirs.path("direction").asText());
        assertEquals(upSeq, list.get(1).path("seq").asLong());

        ApiResponse download = call("agent-a", "GET", path(d, "/files/" + theirs.path("seq").asLong() + "/0"), null);
        assertEquals(200, download.status(), text(download));
        assertArrayEquals(contract, download.body());
        assertEquals("application/pdf", download.headers().get("content-type"));
        String everything = download.headers().toString() + new String(download.body(), StandardCharsets.ISO_8859_1) + list;
        assertFalse(everything.contains(bot.token()) || everything.contains("/file/bot"), "no token, no Telegram file URL");
        ApiResponse own = call("agent-a", "GET", path(d, "/files/" + upSeq + "/0"), null);
        assertArrayEquals(mine, own.body());
        assertEquals(404, call("agent-a", "GET", path(d, "/files/" + upSeq + "/5"), null).status());
    }

    // ---- notes, takeover, give-back -------------------------------------------------------------------------------

    @Test
    void notesAreHistoryOnly() {
        FakeUser u = telegram.addUser("Nia", null);
        String d = privateDialog(u);
        int sentBefore = telegram.sentTo(u.id()).size();
        ApiResponse r = call("agent-a", "POST", path(d, "/notes"), "{\"text\":\"VIP, be nice\"}");
        assertEquals(201, r.status());
        var note = entry(d, body(r).path("seq").asLong());
        assertEquals("note", note.get("type").s());
        assertEquals("internal", note.get("direction").s());
        assertNull(note.get("status"), "not a send");
        sleep(1000);
        assertEquals(sentBefore, telegram.sentTo(u.id()).size());
    }

    @Test
    void takeoverAssignsTheCallerAndGiveBackResumesTheScenario() {
        FakeUser u = telegram.addUser("Tom", null);
        String d = privateDialog(u);
        JsonNode took = body(call("agent-a", "POST", path(d, "/takeover"), null));
        assertEquals("operator", took.path("handler").asText());
        assertEquals("op-a", took.path("manager").asText());
        var dialog = item(Keys.dialog(botId, d), Keys.DIALOG_SK);
        assertEquals("operator", dialog.get("handler").s());
        assertEquals("op-a", dialog.get("assignee").s());
        assertTrue(dialog.get("gsi3pk").s().contains("#A#op-a#"), dialog.toString());
        assertEquals("event", entry(d, took.path("seq").asLong()).get("type").s());

        JsonNode back = body(call("agent-a", "POST", path(d, "/giveback"), null));
        assertEquals("bot", back.path("handler").asText());
        assertEquals("bot", item(Keys.dialog(botId, d), Keys.DIALOG_SK).get("handler").s());
        JsonNode resume = awaitInbound(m -> m.path("kind").asText().equals("resume") && m.path("dialog_id").asText().equals(d));
        assertEquals(u.id(), resume.path("chat_id").asLong());
        assertEquals(409, call("agent-a", "POST", path(d, "/giveback"), null).status(), "the bot already has it");
    }

    JsonNode awaitInbound(java.util.function.Predicate<JsonNode> matching) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(inboundUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNamesWithStrings("MessageGroupId")).messages()) {
                JsonNode body;
                try {
                    body = json.readTree(m.body());
                } catch (java.io.IOException e) {
                    continue;
                }
                sqs.deleteMessage(b -> b.queueUrl(inboundUrl).receiptHandle(m.receiptHandle()));
                seen.add(body.path("kind").asText("update"));
                if (matching.test(body)) {
                    assertEquals(body.path("chat_id").asText(), m.attributesAsStrings().get("MessageGroupId"), "group = chat");
                    return body;
                }
            }
        }
        throw new AssertionError("no matching inbound message; saw " + seen);
    }

    // ---- assignment and visibility ---------------------------------------------------------------------------------

    @Test
    void agentsAssignOnlyThemselvesAndTheirTeams() {
        FakeUser u = telegram.addUser("Ann", null);
        String d = privateDialog(u);
        assertEquals(403, call("agent-a", "PUT", path(d, "/assignment"), "{\"team\":\"team-b\"}").status());
        assertEquals(403, call("agent-a", "PUT", path(d, "/assignment"), "{\"manager\":\"op-b\"}").status());
        JsonNode ok = body(call("agent-a", "PUT", path(d, "/assignment"), "{\"team\":\"team-a\"}"));
        assertEquals("team-a", ok.path("team").asText());
        var dialog = item(Keys.dialog(botId, d), Keys.DIALOG_SK);
        assertEquals("team-a", dialog.get("team").s());
        assertTrue(dialog.get("gsi2pk").s().endsWith("#T#team-a#private#open"));
        assertNull(dialog.get("gsi3pk"), "a team without a manager is in no assignee partition");
        assertEquals("event", entry(d, ok.path("seq").asLong()).get("type").s());
        // agent b does not see a team-a dialog: 404, like an unknown one
        assertEquals(404, call("agent-b", "PUT", path(d, "/assignment"), "{\"manager\":\"op-b\"}").status());
        assertEquals(404, call("agent-b", "GET", path(d, "/contact"), null).status());
        assertEquals(404, call("agent-b", "POST", path(d, "/messages"), "{\"text\":\"hi\"}").status());
        // admins assign anything that exists
        JsonNode err = body(call("admin", "PUT", path(d, "/assignment"), "{\"manager\":\"op-ghost\"}"));
        assertEquals("manager", err.path("error").path("field").asText());
        assertEquals(400, call("admin", "PUT", path(d, "/assignment"), "{\"team\":\"team-ghost\"}").status());
        JsonNode moved = body(call("admin", "PUT", path(d, "/assignment"), "{\"manager\":\"op-b\",\"team\":\"team-b\"}"));
        assertEquals("op-b", moved.path("manager").asText());
        dialog = item(Keys.dialog(botId, d), Keys.DIALOG_SK);
        assertTrue(dialog.get("gsi3pk").s().contains("#A#op-b#"));
        assertTrue(dialog.get("gsi2pk").s().contains("#T#team-b#"));
        assertEquals(200, call("agent-b", "GET", path(d, "/contact"), null).status());
        // back to the pool
        call("admin", "PUT", path(d, "/assignment"), "{\"manager\":null,\"team\":null}");
        dialog = item(Keys.dialog(botId, d), Keys.DIALOG_SK);
        assertNull(dialog.get("gsi2pk"));
        assertTrue(dialog.get("gsi3pk").s().contains("#A#none#"));
    }

    // ---- contact panel -------------------------------------------------------------------------------------------

    @Test
    void contactPanelShowsTheProfileAndValidatesFields() {
        FakeUser u = telegram.addUser(8_100_000_000L + System.nanoTime() % 1_000_000, "Zoe", "Zed", "zoe", "de");
        String d = privateDialog(u);
        JsonNode panel = body(call("admin", "GET", path(d, "/contact"), null));
        assertEquals("Zoe", panel.path("first_name").asText());
        assertEquals("de", panel.path("language_code").asText());
        assertFalse(panel.path("blocked").asBoolean());
        assertEquals(2, panel.path("fields").size());
        JsonNode bad = body(call("admin", "PUT", path(d, "/contact/fields"), "{\"plan\":\"gold\"}"));
        assertEquals("plan", bad.path("error").path("field").asText());
        assertEquals("seats", body(call("admin", "PUT", path(d, "/contact/fields"), "{\"plan\":\"pro\",\"seats\":\"many\"}"))
                .path("error").path("field").asText());
        assertEquals("nope", body(call("admin", "PUT", path(d, "/contact/fields"), "{\"nope\":\"1\"}")).path("error").path("field").asText());
        assertNull(item(Keys.contact(botId, u.id()), Keys.PROFILE_SK).get("cf_plan"), "nothing half-applied");
        JsonNode saved = body(call("admin", "PUT", path(d, "/contact/fields"), "{\"plan\":\"pro\",\"seats\":12}"));
        assertEquals("pro", saved.path("fields").get(0).path("value").asText());
        assertEquals("12", item(Keys.contact(botId, u.id()), Keys.PROFILE_SK).get("cf_seats").s());
        call("admin", "PUT", path(d, "/contact/fields"), "{\"seats\":null}");
        assertNull(item(Keys.contact(botId, u.id()), Keys.PROFILE_SK).get("cf_seats"));
    }

    @Test
    void blockAndUnblockAreRecordedAndTheWebhookIgnoresTheBlocked() {
        FakeUser u = telegram.addUser("Bea", null);
        String d = privateDialog(u);
        JsonNode blocked = body(call("agent-a", "POST", path(d, "/contact/block"), null));
        assertTrue(blocked.path("blocked").asBoolean());
        var contact = item(Keys.contact(botId, u.id()), Keys.PROFILE_SK);
        assertTrue(contact.get("blocked").bool());
        assertEquals("op-a", contact.get("blockedBy").s());
        long seqAfterBlock = Long.parseLong(item(Keys.dialog(botId, d), Keys.DIALOG_SK).get("lastSeq").n());
        assertEquals("event", entry(d, seqAfterBlock).get("type").s());
        assertTrue(entry(d, seqAfterBlock).get("data").s().contains("\"block\""));
        WebhookEndpoint.Response ignored = webhook.handle(SECRET, bot.userSends(u, "let me in").toString().getBytes(StandardCharsets.UTF_8));
        assertTrue(ignored.body().contains("ignored"), ignored.body());
        assertFalse(body(call("agent-a", "POST", path(d, "/contact/unblock"), null)).path("blocked").asBoolean());
        assertFalse(item(Keys.contact(botId, u.id()), Keys.PROFILE_SK).get("blocked").bool());
        // groups have no contact to block
        FakeUser member = telegram.addUser("Member", null);
        FakeGroup group = telegram.addGroup("Team chat", member);
        bot.addedToGroup(group, member).forEach(this::deliver);
        deliver(bot.userSends(member, group, "hello group"));
        String g = activeDialog(group.id());
        assertEquals(409, call("admin", "POST", path(g, "/contact/block"), null).status());
        assertEquals(201, call("admin", "POST", path(g, "/messages"), "{\"text\":\"hi all\"}").status());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
