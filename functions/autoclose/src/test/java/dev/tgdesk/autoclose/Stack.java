package dev.tgdesk.autoclose;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.domain.TelegramUpdate;
import dev.tgdesk.domain.UpdateParser;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.inbox.IngestResult;
import dev.tgdesk.inbox.UpdateIngest;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.storage.DynamoInboxStore;
import dev.tgdesk.storage.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The emulated stack of one test class: its own table and queues (from template.yaml), clients that count calls,
 * and the webhook's real rules ({@link UpdateIngest} on {@link DynamoInboxStore}) to create dialogs as Telegram
 * messages would.
 */
final class Stack implements AutoCloseable {
    static final String BOT = "777000222";
    static final ObjectMapper JSON = Json.mapper();
    static final long T0 = 1_780_000_000_000L;
    private static final AtomicLong UPDATE_IDS = new AtomicLong(5_000_000);

    final AwsCallCounter calls = new AwsCallCounter();
    final LocalAws aws = LocalAws.shared();
    final DynamoDbClient dynamo;
    final SqsClient sqs;
    final String table, outboundUrl, inboundUrl;
    final TestClock clock = new TestClock(T0);
    final UpdateIngest ingest;
    private final UpdateParser parser = new UpdateParser(JSON);

    Stack(String prefix) {
        LocalResources res = TemplateResources.create(aws, prefix + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-");
        table = res.tableName("DataTable");
        outboundUrl = res.queueUrl("OutboundQueue");
        inboundUrl = res.queueUrl("InboundQueue");
        dynamo = aws.dynamoDb(calls);
        sqs = aws.sqs(calls);
        ingest = new UpdateIngest(new DynamoInboxStore(dynamo, table, JSON), new SqsInboundQueue(sqs, inboundUrl, JSON), JSON,
                clock, UpdateIngest::randomDialogId);
    }

    /** A private message from {@code userId} through the webhook's rules; returns the dialog it landed in. */
    String privateMessage(long userId, String text) {
        return privateMessage(BOT, userId, text);
    }

    String privateMessage(String bot, long userId, String text) {
        String update = """
                {"update_id": %d, "message": {"message_id": %d, "date": 1780000000,
                 "chat": {"id": %d, "type": "private", "first_name": "Ann"},
                 "from": {"id": %d, "is_bot": false, "first_name": "Ann", "language_code": "en"}, "text": "%s"}}
                """.formatted(UPDATE_IDS.incrementAndGet(), UPDATE_IDS.get(), userId, userId, text);
        return accept(bot, update);
    }

    String groupMessage(String bot, long chatId, long userId, String text) {
        String update = """
                {"update_id": %d, "message": {"message_id": %d, "date": 1780000000,
                 "chat": {"id": %d, "type": "supergroup", "title": "Team"},
                 "from": {"id": %d, "is_bot": false, "first_name": "Bob"}, "text": "%s"}}
                """.formatted(UPDATE_IDS.incrementAndGet(), UPDATE_IDS.get(), chatId, userId, text);
        return accept(bot, update);
    }

    private String accept(String bot, String json) {
        var parsed = (UpdateParser.Outcome.Parsed) parser.parse(json.getBytes(StandardCharsets.UTF_8));
        TelegramUpdate update = parsed.update();
        IngestResult result = ingest.accept(bot, update, json);
        return ((IngestResult.Stored) result).dialogId();
    }

    Map<String, AttributeValue> item(String pk, String sk) {
        var item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(Keys.PK, AttributeValue.fromS(pk), Keys.SK, AttributeValue.fromS(sk)))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    Map<String, AttributeValue> dialog(String dialogId) {
        return dialog(BOT, dialogId);
    }

    Map<String, AttributeValue> dialog(String bot, String dialogId) {
        return item(Keys.dialog(bot, dialogId), Keys.DIALOG_SK);
    }

    Map<String, AttributeValue> chat(long chatId) {
        return chat(BOT, chatId);
    }

    Map<String, AttributeValue> chat(String bot, long chatId) {
        return item(Keys.chat(bot, chatId), Keys.CHAT_SK);
    }

    /** The dialog's history entries (MSG#…), in order. */
    List<Map<String, AttributeValue>> entries(String dialogId) {
        return entries(BOT, dialogId);
    }

    List<Map<String, AttributeValue>> entries(String bot, String dialogId) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var r = dynamo.query(q -> {
                q.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk AND begins_with(sk, :msg)")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.dialog(bot, dialogId)),
                                ":msg", AttributeValue.fromS("MSG#")));
                if (from != null) q.exclusiveStartKey(from);
            });
            out.addAll(r.items());
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    List<Map<String, AttributeValue>> events(String dialogId, String event) {
        return events(BOT, dialogId, event);
    }

    List<Map<String, AttributeValue>> events(String bot, String dialogId, String event) {
        return entries(bot, dialogId).stream().filter(e -> "event".equals(e.get("type").s()) && event.equals(e.get("event").s())).toList();
    }

    /** Everything on the outbound queue now (received and deleted). */
    List<Message> drainOutbound() {
        List<Message> all = new ArrayList<>();
        for (int empty = 0; empty < 2; ) {
            var got = sqs.receiveMessage(b -> b.queueUrl(outboundUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .messageSystemAttributeNamesWithStrings("MessageGroupId")).messages();
            if (got.isEmpty()) {
                empty++;
                continue;
            }
            all.addAll(got);
            for (Message m : got) sqs.deleteMessage(b -> b.queueUrl(outboundUrl).receiptHandle(m.receiptHandle()));
        }
        return all;
    }

    @Override
    public void close() {
        dynamo.close();
        sqs.close();
    }
}
