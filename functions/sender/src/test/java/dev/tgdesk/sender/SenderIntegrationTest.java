package dev.tgdesk.sender;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.aws.BotToken;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.lambda.SqsEventSource;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeGroup;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.emulators.telegram.Fault;
import dev.tgdesk.outbound.BotApiCall;
import dev.tgdesk.outbound.OutboundCommand;
import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.outbound.OutgoingMessage;
import dev.tgdesk.outbound.PacingPolicy;
import dev.tgdesk.outbound.RetryPolicy;
import dev.tgdesk.outbound.Sender;
import dev.tgdesk.outbound.TelegramRequests;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.storage.DynamoOutboundStore;
import dev.tgdesk.storage.DynamoRateLedger;
import dev.tgdesk.storage.Keys;
import dev.tgdesk.storage.OutboundItems;
import dev.tgdesk.telegram.TelegramClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sender Lambda end to end: entries written in the stored layout, Send/Edit/Answer commands on the
 * template's outbound FIFO queue (ElasticMQ), the handler invoked through the local SQS event source, DynamoDB
 * in moto, and the fake Bot API with Telegram's limits. Counts things; never timings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SenderIntegrationTest {

    static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000 * 1000);
    static final String PREFIX = "snd-" + IDS.get() % 100000 + "-";

    final ObjectMapper json = Json.mapper();
    final Map<String, Long> metrics = new ConcurrentHashMap<>();
    LocalAws aws;
    DynamoDbClient dynamo;
    SqsClient sqs;
    String table;
    String queueUrl;
    FakeTelegram telegram;
    FakeBot bot;
    String botId;
    SqsOutboundQueue queue;
    SqsEventSource source;

    @BeforeAll
    void start() {
        aws = LocalAws.shared();
        dynamo = aws.dynamoDb();
        sqs = aws.sqs();
        LocalResources resources = TemplateResources.create(aws, PREFIX);
        table = resources.tableName("DataTable");
        queueUrl = resources.queueUrl("OutboundQueue");
        telegram = new FakeTelegram().start(); // Telegram's flood limits
        bot = telegram.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
        botId = Long.toString(bot.id());
        TelegramClient client = new TelegramClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
                new ObjectMapper(), telegram.baseUrl(), bot.token()).withRequestTimeout(Duration.ofMillis(1500));
        queue = new SqsOutboundQueue(sqs, queueUrl, json);
        Sender sender = new Sender(new DynamoOutboundStore(dynamo, table), new DynamoRateLedger(dynamo, table), client,
                PacingPolicy.telegram(), new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(2), 18),
                (name, value) -> metrics.merge(name, value, Long::sum), Sender.Clock.SYSTEM);
        SenderHandler handler = new SenderHandler(sender, sqs, queueUrl, botId, (name, value) -> metrics.merge(name, value, Long::sum));
        source = new SqsEventSource(sqs, queueUrl, handler,
                SqsEventSource.Options.defaults("SenderFunction").withMaximumConcurrency(2)).start();
    }

    @AfterAll
    void stop() {
        if (source != null) source.close();
        if (telegram != null) telegram.close();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    record Queued(String dialogId, long seq) {
    }

    FakeUser startedUser() {
        FakeUser u = telegram.addUser("User", null);
        bot.markStarted(u);
        return u;
    }

    /** What the scenario glue does: one entry per Bot API call (status queued), then the Send pointers. */
    List<Queued> queueMessage(OutgoingMessage m, String dialogId, long firstSeq, String author) {
        List<Queued> queued = new ArrayList<>();
        List<OutboundCommand> commands = new ArrayList<>();
        long seq = firstSeq;
        for (BotApiCall call : TelegramRequests.calls(m)) {
            OutboundEntry e = new OutboundEntry(botId, dialogId, seq, m.chatId(), author, author.equals("scenario") ? "welcome@3/n1" : "op-1",
                    call, TelegramRequests.preview(m), TelegramRequests.displayJson(m), System.currentTimeMillis(),
                    OutboundEntry.Status.QUEUED, 0, null, null);
            dynamo.putItem(p -> p.tableName(table).item(OutboundItems.item(e)));
            queued.add(new Queued(dialogId, seq));
            commands.add(e.command());
            seq++;
        }
        queue.enqueue(commands);
        return queued;
    }

    List<Queued> queueText(String chatId, String text) {
        return queueMessage(OutgoingMessage.text(chatId, text), "d-" + UUID.randomUUID(), 1, "operator");
    }

    OutboundEntry entry(Queued q) {
        var item = dynamo.getItem(g -> g.tableName(table).key(OutboundItems.key(botId, q.dialogId(), q.seq())).consistentRead(true)).item();
        return OutboundItems.entry(botId, q.dialogId(), item);
    }

    void awaitFinished(List<Queued> queued) {
        await(() -> queued.stream().map(this::entry).allMatch(e ->
                e.status() == OutboundEntry.Status.SENT || e.status() == OutboundEntry.Status.FAILED), "entries finished");
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError(what + ": not within 60 s");
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    // ---- tests ---------------------------------------------------------------------------------------------

    @Test
    void everyEntryIsSentOnceInOrderWithItsMessageId() {
        List<FakeUser> users = List.of(startedUser(), startedUser(), startedUser());
        Map<Long, List<Queued>> byUser = new HashMap<>();
        for (FakeUser u : users) {
            String dialog = "d-" + UUID.randomUUID();
            List<Queued> q = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                q.addAll(queueMessage(OutgoingMessage.text(Long.toString(u.id()), "message " + i + " <ok>"), dialog, i, "operator"));
            }
            byUser.put(u.id(), q);
        }
        byUser.values().forEach(this::awaitFinished);
        for (FakeUser u : users) {
            var sent = telegram.sentTo(u.id());
            assertEquals(4, sent.size());
            for (int i = 0; i < 4; i++) {
                assertEquals("message " + (i + 1) + " &lt;ok&gt;", sent.get(i).text());
                OutboundEntry e = entry(byUser.get(u.id()).get(i));
                assertEquals(OutboundEntry.Status.SENT, e.status());
                assertEquals(sent.get(i).messageId(), e.telegramMessageId());
            }
        }
    }

    @Test
    void faultsLoseNothingAndDuplicateNothing() {
        FakeUser u = startedUser();
        FakeUser v = startedUser();
        bot.failNext("sendMessage", 1, Fault.tooManyRequests(1));
        bot.failNext("sendMessage", 2, Fault.internalServerError());
        bot.failNext("sendMessage", 1, Fault.lost(Duration.ofSeconds(2))); // longer than the client's timeout
        bot.failNext("sendMessage", 1, Fault.badGatewayHtml());
        List<Queued> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.addAll(queueText(Long.toString(u.id()), "to u " + i));
            all.addAll(queueText(Long.toString(v.id()), "to v " + i));
        }
        awaitFinished(all);
        all.forEach(q -> assertEquals(OutboundEntry.Status.SENT, entry(q).status()));
        assertEquals(3, telegram.sentTo(u.id()).size());
        assertEquals(3, telegram.sentTo(v.id()).size());
        assertTrue(metrics.getOrDefault("OutboundRetryLater", 0L) >= 5);
        assertTrue(all.stream().mapToInt(q -> entry(q).attempts()).sum() >= 4, "5xx and transport failures counted");
    }

    @Test
    void blockedUserFailsTheEntryMarksTheContactAndLogsTheScenarioRun() {
        FakeUser u = startedUser();
        dynamo.putItem(p -> p.tableName(table).item(Map.of(Keys.PK, AttributeValue.fromS(Keys.contact(botId, u.id())),
                Keys.SK, AttributeValue.fromS(Keys.PROFILE_SK), "userId", AttributeValue.fromN(Long.toString(u.id())))));
        bot.userBlocks(u);
        String dialog = "d-" + UUID.randomUUID();
        List<Queued> q = queueMessage(OutgoingMessage.text(Long.toString(u.id()), "hello?"), dialog, 7, "scenario");
        awaitFinished(q);
        OutboundEntry e = entry(q.get(0));
        assertEquals(OutboundEntry.Status.FAILED, e.status());
        assertEquals("BLOCKED_BY_USER", e.failure().kind());
        assertEquals(403, e.failure().errorCode());
        assertEquals(0, telegram.sentTo(u.id()).size());
        var contact = dynamo.getItem(g -> g.tableName(table).key(Map.of(Keys.PK, AttributeValue.fromS(Keys.contact(botId, u.id())),
                Keys.SK, AttributeValue.fromS(Keys.PROFILE_SK)))).item();
        assertTrue(contact.get("botBlocked").bool());
        var logs = dynamo.query(r -> r.tableName(table).keyConditionExpression("pk = :p AND begins_with(sk, :l)")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(Keys.dialog(botId, dialog)), ":l", AttributeValue.fromS("LOG#"))))
                .items();
        assertEquals(1, logs.size());
        var line = logs.get(0).get("lines").l().get(0).m();
        assertEquals("error", line.get("level").s());
        assertEquals("7", line.get("entrySeq").n());
        assertTrue(line.get("text").s().contains("BLOCKED_BY_USER"));
    }

    @Test
    void userWhoNeverStartedTheBotFailsWithoutRetries() {
        FakeUser stranger = telegram.addUser("Stranger", null);
        List<Queued> q = queueText(Long.toString(stranger.id()), "hi");
        awaitFinished(q);
        assertEquals("CANT_INITIATE", entry(q.get(0)).failure().kind());
    }

    @Test
    void migratedGroupGetsTheMessageAtItsNewId() {
        FakeUser admin = telegram.addUser("Admin", null);
        FakeGroup group = telegram.addGroup("Team", admin);
        bot.markMemberOf(group);
        FakeGroup supergroup = telegram.migrateToSupergroup(group, admin);
        List<Queued> q = queueText(Long.toString(group.id()), "to the team");
        await(() -> entry(q.get(0)).status() == OutboundEntry.Status.SENT, "sent after migration");
        assertEquals(Long.toString(supergroup.id()), entry(q.get(0)).chatId());
        assertEquals(1L, metrics.get("OutboundRedirected"));
        assertEquals(1, telegram.sentTo(supergroup.id()).size());
        assertEquals(0, telegram.sentTo(group.id()).size());
    }

    @Test
    void redeliveredPointerOfASentEntrySendsNothing() {
        FakeUser u = startedUser();
        List<Queued> q = queueText(Long.toString(u.id()), "once");
        awaitFinished(q);
        long before = source.records();
        OutboundCommand.Send again = new OutboundCommand.Send(botId, Long.toString(u.id()), q.get(0).dialogId(), q.get(0).seq());
        // a new deduplication id, as after SQS's five-minute window
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(Json.write(json, again))
                .messageGroupId(again.messageGroupId()).messageDeduplicationId("redelivery-" + UUID.randomUUID()));
        await(() -> source.records() > before && source.idle(), "redelivered pointer processed");
        assertEquals(1, telegram.sentTo(u.id()).size());
        assertEquals(OutboundEntry.Status.SENT, entry(q.get(0)).status());
    }

    @Test
    void entryLeftInSendingIsFailedAsUncertainNotResent() {
        FakeUser u = startedUser();
        String dialog = "d-" + UUID.randomUUID();
        OutgoingMessage m = OutgoingMessage.text(Long.toString(u.id()), "maybe");
        OutboundEntry e = new OutboundEntry(botId, dialog, 1, m.chatId(), "operator", "op-1", TelegramRequests.calls(m).get(0),
                "maybe", TelegramRequests.displayJson(m), System.currentTimeMillis(), OutboundEntry.Status.SENDING, 0, null, null);
        dynamo.putItem(p -> p.tableName(table).item(OutboundItems.item(e)));
        queue.enqueue(List.of(e.command()));
        Queued q = new Queued(dialog, 1);
        awaitFinished(List.of(q));
        assertEquals("UNCERTAIN", entry(q).failure().kind());
        assertEquals(0, telegram.sentTo(u.id()).size());
    }

    @Test
    void longTextGoesOutInPartsInOrder() {
        FakeUser u = startedUser();
        String text = ("First paragraph sentence. ".repeat(120) + "\n\n").repeat(3); // ~9400 characters
        List<Queued> q = queueMessage(new OutgoingMessage(Long.toString(u.id()), null, text, OutgoingMessage.Format.PLAIN, null,
                List.of(List.of(OutgoingMessage.InlineButton.callback("Got it", "ack"))), null, false), "d-" + UUID.randomUUID(), 1, "operator");
        assertEquals(3, q.size());
        awaitFinished(q);
        var sent = telegram.sentTo(u.id());
        assertEquals(3, sent.size());
        assertEquals(text.strip().replaceAll("\\s+", " "),
                String.join(" ", sent.stream().map(s -> s.message().get("text").asText()).toList()).replaceAll("\\s+", " "));
        assertEquals(List.of("ack"), sent.get(2).callbackData());
        assertTrue(sent.get(0).callbackData().isEmpty());
    }

    @Test
    void mediaGoesByFileIdWithItsCaption() {
        FakeUser u = startedUser();
        var photo = new OutgoingMessage.Media(OutgoingMessage.MediaKind.PHOTO, "AgACAgIAAxkBAAIBZ2Zx9kQ3photoFileIdLooksLikeThis");
        List<Queued> q = queueMessage(new OutgoingMessage(Long.toString(u.id()), null, "Menu", OutgoingMessage.Format.PLAIN, photo,
                List.of(), null, false), "d-" + UUID.randomUUID(), 1, "operator");
        awaitFinished(q);
        assertEquals("photo", telegram.sentTo(u.id()).get(0).mediaKind());
        assertEquals(OutboundEntry.Status.SENT, entry(q.get(0)).status());
    }

    @Test
    void editsAndCallbackAnswers() {
        FakeUser u = startedUser();
        String dialog = "d-" + UUID.randomUUID();
        List<Queued> q = queueMessage(new OutgoingMessage(Long.toString(u.id()), null, "Pay now?", OutgoingMessage.Format.PLAIN, null,
                List.of(List.of(OutgoingMessage.InlineButton.callback("Pay", "pay"))), null, false), dialog, 1, "scenario");
        awaitFinished(q);
        var sent = telegram.sentTo(u.id()).get(0);
        String queryId = bot.userPresses(u, sent, "pay").get("callback_query").get("id").asText();
        queue.enqueue(List.of(
                new OutboundCommand.AnswerCallback(botId, Long.toString(u.id()), queryId, "Thanks!", false),
                new OutboundCommand.Edit(botId, Long.toString(u.id()), dialog, 1, 1, "Paid ✔", List.of())));
        await(() -> telegram.edits().stream().anyMatch(e -> e.chatId() == u.id()) && !bot.callbackAnswers().isEmpty()
                && entry(q.get(0)).preview().equals("Paid ✔"), "edit and answer");
        assertEquals("Thanks!", bot.callbackAnswers().stream().filter(a -> a.callbackQueryId().equals(queryId)).findFirst().orElseThrow().text());
        assertEquals("editMessageText", telegram.edits().stream().filter(e -> e.chatId() == u.id()).findFirst().orElseThrow().method());
        assertEquals(1, telegram.sentTo(u.id()).size());
    }

    @Test
    void botTokenComesFromSecretsManager() {
        assumeTrue(aws.mode() != LocalAws.Mode.EXTERNAL, "needs moto or LocalStack for Secrets Manager");
        try (SecretsManagerClient secrets = SecretsManagerClient.builder().endpointOverride(aws.dynamoDbEndpoint())
                .region(aws.region()).credentialsProvider(aws.credentials())
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()) {
            String arn = secrets.createSecret(b -> b.name(PREFIX + "bot-token").secretString(FakeTelegram.DEFAULT_TOKEN)).arn();
            String jsonArn = secrets.createSecret(b -> b.name(PREFIX + "bot-token-json")
                    .secretString("{\"token\":\"" + FakeTelegram.DEFAULT_TOKEN + "\"}")).arn();
            var clientOf = (java.util.function.Supplier<SecretsManagerClient>) () -> SecretsManagerClient.builder()
                    .endpointOverride(aws.dynamoDbEndpoint()).region(aws.region()).credentialsProvider(aws.credentials())
                    .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build();
            assertEquals(FakeTelegram.DEFAULT_TOKEN, BotToken.fromEnvironment(Map.of(BotToken.SECRET_ARN_ENV, arn), clientOf));
            assertEquals(FakeTelegram.DEFAULT_TOKEN, BotToken.fromEnvironment(Map.of(BotToken.SECRET_ARN_ENV, jsonArn), clientOf));
            assertEquals("1:direct", BotToken.fromEnvironment(Map.of(BotToken.TOKEN_ENV, "1:direct"), () -> {
                throw new AssertionError("no Secrets Manager call when the token is given");
            }));
            var missing = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> BotToken.fromEnvironment(Map.of(BotToken.SECRET_ARN_ENV, arn + "-nope"), clientOf));
            assertNotNull(missing.getMessage());
            assertTrue(!missing.getMessage().contains(FakeTelegram.DEFAULT_TOKEN));
        }
    }
}
