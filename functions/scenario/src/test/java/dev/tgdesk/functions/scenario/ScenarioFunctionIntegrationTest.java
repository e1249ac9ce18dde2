package dev.tgdesk.functions.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.automation.ControlEnvelope;
import dev.tgdesk.automation.ScenarioRunner;
import dev.tgdesk.aws.SqsBatch;
import dev.tgdesk.domain.Json;
import dev.tgdesk.domain.UpdateParser;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.inbox.UpdateIngest;
import dev.tgdesk.observability.Metrics;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.scenario.ScenarioDocument;
import dev.tgdesk.storage.DynamoInboxStore;
import dev.tgdesk.storage.DynamoRunStore;
import dev.tgdesk.storage.DynamoScenarioCatalog;
import dev.tgdesk.storage.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scenario function through its queues, on the emulators: updates recorded by the webhook's rules land on
 * the real inbound FIFO queue, the handler gets them as Lambda would (an SQS batch event), and its decisions
 * are read back from the table, the outbound queue, the timer queue and EventBridge Scheduler.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScenarioFunctionIntegrationTest {

    static final String BOT = "555000111";
    static final AtomicLong IDS = new AtomicLong(900_000);
    static final ObjectMapper JSON = Json.mapper();

    LocalAws aws;
    DynamoDbClient dynamo;
    SqsClient sqs;
    SchedulerClient scheduler;
    String table, inboundUrl, outboundUrl, timerUrl;
    UpdateIngest ingest;
    ScenarioHandler handler;
    DynamoScenarioCatalog catalog;
    String group;

    final dev.tgdesk.emulators.AwsCallCounter calls = new dev.tgdesk.emulators.AwsCallCounter();

    @BeforeAll
    void start() {
        aws = LocalAws.shared();
        String prefix = "sfit-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-";
        LocalResources res = TemplateResources.create(aws, prefix);
        table = res.tableName("DataTable");
        inboundUrl = res.queueUrl("InboundQueue");
        outboundUrl = res.queueUrl("OutboundQueue");
        timerUrl = res.queueUrl("TimerQueue");
        dynamo = aws.dynamoDb(calls);
        sqs = aws.sqs(calls);
        scheduler = aws.configure(SchedulerClient.builder(), "SCHEDULER").build();
        group = prefix + "timers";
        scheduler.createScheduleGroup(b -> b.name(group));
        ingest = new UpdateIngest(new DynamoInboxStore(dynamo, table, JSON), new SqsInboundQueue(sqs, inboundUrl, JSON), JSON);
        String inboundArn = sqs.getQueueAttributes(b -> b.queueUrl(inboundUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        var timers = new AwsTimerScheduler(sqs, scheduler, new AwsTimerScheduler.Targets(inboundUrl, inboundArn, timerUrl,
                "arn:aws:iam::000000000000:role/scheduler", group), JSON, Clock.systemUTC());
        catalog = new DynamoScenarioCatalog(dynamo, table);
        var runner = new ScenarioRunner(new DynamoRunStore(dynamo, table, JSON), catalog,
                new SqsOutboundQueue(sqs, outboundUrl, JSON), timers, Clock.systemUTC(), Metrics.NONE);
        handler = new ScenarioHandler(runner, timers, JSON);
        var scenario = ScenarioDocument.parse("""
                {"id": "it", "name": "integration", "default_language": "en",
                 "triggers": [{"type": "start", "node": "hello"}, {"type": "command", "command": "later", "node": "wait_long"},
                              {"type": "command", "command": "human", "node": "human"}],
                 "nodes": [
                   {"id": "hello", "type": "message", "text": "Hello {{first_name}}"},
                   {"id": "wait", "type": "delay", "duration": "PT1S"},
                   {"id": "after", "type": "message", "text": "one second later"},
                   {"id": "wait_long", "type": "delay", "duration": "PT2H"},
                   {"id": "late", "type": "message", "text": "two hours later"},
                   {"id": "human", "type": "handoff", "text": "An operator will answer"},
                   {"id": "back", "type": "message", "text": "The bot is back"}
                 ],
                 "edges": [{"from": "hello", "to": "wait"}, {"from": "wait", "to": "after"},
                           {"from": "wait_long", "to": "late"}, {"from": "human", "to": "back"}]}
                """);
        var stored = catalog.store(BOT, scenario, System.currentTimeMillis());
        catalog.activate(BOT, "it", stored.version(), null, System.currentTimeMillis());
    }

    @AfterAll
    void stop() {
        dynamo.close();
        sqs.close();
        scheduler.close();
    }

    @Test
    void theSameUpdateDeliveredTwiceRunsItsStepOnce() {
        long user = IDS.incrementAndGet();
        List<Message> inbound = record(user, "/start");
        assertEquals(1, inbound.size());
        invoke(inbound);
        invoke(inbound); // redelivery (e.g. the batch failed later on): nothing new
        List<Map<String, AttributeValue>> out = outgoing(user);
        assertEquals(1, out.size(), "one stored send");
        assertEquals("queued", out.get(0).get("status").s());
        List<Message> sends = drain(outboundUrl, String.valueOf(user));
        assertEquals(1, sends.size(), "FIFO deduplication drops the republished pointer");
        assertTrue(sends.get(0).body().contains("\"type\":\"send\""));
    }

    @Test
    void oneTurnIsOneReadOneTransactionAndOneQueueBatch() {
        long user = IDS.incrementAndGet();
        invoke(record(user, "/start")); // warms the scenario cache of this container
        long other = IDS.incrementAndGet();
        List<Message> inbound = record(other, "/start");
        calls.reset();
        invoke(inbound);
        assertEquals(Map.of("DynamoDb.BatchGetItem", 1, "DynamoDb.TransactWriteItems", 1, "Sqs.SendMessageBatch", 1,
                "Sqs.SendMessage", 1), calls.snapshot(), "reply + timer: one read, one write, the sends, the timer");
    }

    @Test
    void aShortDelayComesBackThroughTheTimerQueueInTheChatsOrder() throws Exception {
        long user = IDS.incrementAndGet();
        invoke(record(user, "/start"));
        assertEquals(List.of("Hello Ann"), texts(user));
        // the standard timer queue holds the timer for ~1 s; the handler passes it on to the chat's FIFO group
        List<Message> timer = receive(timerUrl, null, 10);
        assertEquals(1, timer.size());
        invoke(timer);
        List<Message> due = receive(inboundUrl, String.valueOf(user), 5);
        assertEquals(1, due.size());
        invoke(due);
        invoke(due); // a timer delivered twice fires once
        assertEquals(List.of("Hello Ann", "one second later"), texts(user));
    }

    @Test
    void aLongDelayBecomesAOneOffScheduleTargetingTheInboundQueue() throws Exception {
        long user = IDS.incrementAndGet();
        invoke(record(user, "/later"));
        var schedules = scheduler.listSchedules(b -> b.groupName(group)).schedules();
        var mine = schedules.stream().map(s -> scheduler.getSchedule(b -> b.groupName(group).name(s.name())))
                .filter(s -> s.target().sqsParameters().messageGroupId().equals(String.valueOf(user))).toList();
        assertEquals(1, mine.size());
        var s = mine.get(0);
        assertTrue(s.scheduleExpression().startsWith("at(20"), s.scheduleExpression());
        assertEquals("DELETE", s.actionAfterCompletionAsString());
        ControlEnvelope timer = JSON.readValue(s.target().input(), ControlEnvelope.class);
        assertEquals(ControlEnvelope.TIMER, timer.kind());
        // what the scheduler delivers at that time continues the run
        sqs.sendMessage(b -> b.queueUrl(inboundUrl).messageBody(s.target().input()).messageGroupId(String.valueOf(user)));
        invoke(receive(inboundUrl, String.valueOf(user), 5));
        assertEquals(List.of("two hours later"), texts(user));
    }

    @Test
    void whileAnOperatorHasTheDialogTheBotIsSilentAndResumesWhenGivenBack() throws Exception {
        long user = IDS.incrementAndGet();
        invoke(record(user, "/human"));
        assertEquals(List.of("An operator will answer"), texts(user));
        String dialogId = activeDialog(user);
        assertEquals("operator", dialog(dialogId).get("handler").s());
        invoke(record(user, "are you there?"));
        assertEquals(List.of("An operator will answer"), texts(user), "no bot answer while the operator has it");
        // give back (issue 4's endpoint does this): handler = bot, then a resume event in the chat's group
        dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(Keys.dialog(BOT, dialogId)),
                "sk", AttributeValue.fromS(Keys.DIALOG_SK))).updateExpression("SET #h = :b").expressionAttributeNames(Map.of("#h", "handler"))
                .expressionAttributeValues(Map.of(":b", AttributeValue.fromS("bot"))));
        ControlEnvelope resume = ControlEnvelope.resume(BOT, user, dialogId, user, "gb-1", System.currentTimeMillis());
        sqs.sendMessage(b -> b.queueUrl(inboundUrl).messageBody(Json.write(JSON, resume))
                .messageGroupId(resume.messageGroupId()).messageDeduplicationId(resume.deduplicationId()));
        invoke(receive(inboundUrl, String.valueOf(user), 5));
        assertEquals(List.of("An operator will answer", "The bot is back"), texts(user));
    }

    @Test
    void groupsWithoutAnAttachedScenarioStaySilent() {
        long user = IDS.incrementAndGet();
        long groupChat = -1_000_000_000_000L - user;
        String update = """
                {"update_id": %d, "message": {"message_id": 5, "date": 1700000000,
                 "chat": {"id": %d, "type": "supergroup", "title": "Team"},
                 "from": {"id": %d, "is_bot": false, "first_name": "Ann"},
                 "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
                """.formatted(IDS.incrementAndGet(), groupChat, user);
        ingest(update);
        invoke(receive(inboundUrl, String.valueOf(groupChat), 5));
        String dialogId = activeDialog(groupChat);
        assertTrue(entries(dialogId).stream().noneMatch(e -> "out".equals(e.get("direction").s())));
    }

    // ---------------------------------------------------------------- helpers

    /** The webhook's rules record a private message from {@code user}; returns what they put on the inbound queue. */
    List<Message> record(long user, String text) {
        String entities = text.startsWith("/")
                ? ", \"entities\": [{\"type\": \"bot_command\", \"offset\": 0, \"length\": " + text.split(" ")[0].length() + "}]" : "";
        String update = """
                {"update_id": %d, "message": {"message_id": %d, "date": 1700000000,
                 "chat": {"id": %d, "type": "private", "first_name": "Ann"},
                 "from": {"id": %d, "is_bot": false, "first_name": "Ann", "language_code": "en"},
                 "text": %s%s}}
                """.formatted(IDS.incrementAndGet(), IDS.incrementAndGet(), user, user, JSON.valueToTree(text), entities);
        ingest(update);
        return receive(inboundUrl, String.valueOf(user), 5);
    }

    void ingest(String update) {
        var parsed = (UpdateParser.Outcome.Parsed) new UpdateParser(JSON).parse(update.getBytes(StandardCharsets.UTF_8));
        ingest.accept(BOT, parsed.update(), update);
    }

    /** Hands the messages to the handler as Lambda's event source mapping would; deletes what succeeded. */
    void invoke(List<Message> messages) {
        List<SqsBatch.Record> records = new ArrayList<>();
        for (Message m : messages) {
            Map<String, String> attributes = new java.util.HashMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            records.add(new SqsBatch.Record(m.messageId(), m.receiptHandle(), m.body(), attributes, "arn:aws:sqs:us-east-1:000000000000:q"));
        }
        SqsBatch.Response response = handler.handle(records);
        assertEquals(List.of(), response.batchItemFailures(), "no record failed");
    }

    List<Message> receive(String queueUrl, String groupId, int waitSeconds) {
        long deadline = System.currentTimeMillis() + waitSeconds * 1000L;
        List<Message> got = new ArrayList<>();
        while (got.isEmpty() && System.currentTimeMillis() < deadline) {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages()) {
                if (groupId == null || groupId.equals(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))) got.add(m);
                else sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
            }
        }
        for (Message m : got) sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        return got;
    }

    List<Message> drain(String queueUrl, String groupId) {
        List<Message> all = new ArrayList<>();
        for (List<Message> batch = receive(queueUrl, groupId, 2); !batch.isEmpty(); batch = receive(queueUrl, groupId, 1)) all.addAll(batch);
        return all;
    }

    String activeDialog(long chatId) {
        return dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of("pk", AttributeValue.fromS(Keys.chat(BOT, chatId)),
                "sk", AttributeValue.fromS(Keys.CHAT_SK)))).item().get("activeDialogId").s();
    }

    Map<String, AttributeValue> dialog(String dialogId) {
        return dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of("pk", AttributeValue.fromS(Keys.dialog(BOT, dialogId)),
                "sk", AttributeValue.fromS(Keys.DIALOG_SK)))).item();
    }

    List<Map<String, AttributeValue>> entries(String dialogId) {
        return dynamo.query(q -> q.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk AND begins_with(sk, :m)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.dialog(BOT, dialogId)), ":m", AttributeValue.fromS("MSG#"))))
                .items();
    }

    List<Map<String, AttributeValue>> outgoing(long chatId) {
        return entries(activeDialog(chatId)).stream().filter(e -> "out".equals(e.get("direction").s())).toList();
    }

    List<String> texts(long chatId) {
        return outgoing(chatId).stream().map(e -> {
            try {
                return JSON.readTree(e.get("params").s()).path("text").asText();
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }).toList();
    }
}
