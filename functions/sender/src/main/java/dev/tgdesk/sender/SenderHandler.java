package dev.tgdesk.sender;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.aws.BotToken;
import dev.tgdesk.aws.SqsBatch;
import dev.tgdesk.domain.Json;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.observability.Metrics;
import dev.tgdesk.outbound.OutboundCommand;
import dev.tgdesk.outbound.OutgoingMessage;
import dev.tgdesk.outbound.PacingPolicy;
import dev.tgdesk.outbound.RetryPolicy;
import dev.tgdesk.outbound.Sender;
import dev.tgdesk.outbound.TelegramRequests;
import dev.tgdesk.storage.DynamoOutboundStore;
import dev.tgdesk.storage.DynamoRateLedger;
import dev.tgdesk.telegram.TelegramClient;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Lambda entry point for the outbound FIFO queue (SQS event source, {@code ReportBatchItemFailures}).
 *
 * <p>Records are grouped by {@code MessageGroupId} (= target chat). Groups are independent, so they run in
 * parallel on virtual threads; inside a group records run in order, one at a time. When a record cannot finish
 * now (pacing wait, 429, 5xx backoff) it and every later record <em>of its group</em> are reported failed and
 * made visible again after the wait with ChangeMessageVisibility — the Lambda returns instead of sleeping.
 * Records of other groups are not held back: FIFO order is per group only, and SQS hands out no further
 * message of a group while any of its messages is in flight, so reporting a group's tail keeps that chat's order
 * while the other chats' finished records are deleted (docs/sender.md).
 */
public final class SenderHandler implements RequestStreamHandler, Resource {

    /** Stop starting records when less than this remains: the longest pacing sleep plus a Telegram call. */
    static final Duration TIME_RESERVE = Duration.ofSeconds(5);
    static final int MAX_VISIBILITY_SECONDS = 12 * 3600;

    private final Sender sender;
    private final SqsClient sqs;
    private final String queueUrl;
    private final String botId;
    private final Metrics metrics;
    private final ObjectMapper json = Json.mapper();

    /** Lambda's constructor: everything from the environment, built once per container. */
    public SenderHandler() {
        this(Environment.load());
        Core.getGlobalContext().register(this);
    }

    private SenderHandler(Environment env) {
        this(env.sender, env.sqs, env.queueUrl, env.botId, EmfMetrics.forFunction("sender"));
    }

    /**
     * @param queueUrl the outbound queue, for ChangeMessageVisibility
     * @param botId    the bot this function serves; commands for another bot are dropped
     */
    public SenderHandler(Sender sender, SqsClient sqs, String queueUrl, String botId, Metrics metrics) {
        this.sender = sender;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.botId = botId;
        this.metrics = metrics;
    }

    /** Operators' uploaded files (FILES_BUCKET); without it such entries fail as FILE_UNAVAILABLE. */
    private static dev.tgdesk.outbound.FileStore files() {
        String bucket = System.getenv(dev.tgdesk.storage.S3FileStore.BUCKET_ENV);
        return bucket == null || bucket.isBlank() ? null : new dev.tgdesk.storage.S3FileStore(dev.tgdesk.storage.S3FileStore.defaultClient(), bucket);
    }

    /** The production wiring, from TABLE_NAME, OUTBOUND_QUEUE_URL, BOT_ID, FILES_BUCKET and the token variables. */
    private record Environment(Sender sender, SqsClient sqs, String queueUrl, String botId) {
        static Environment load() {
            String table = AwsClients.requiredEnv("TABLE_NAME");
            String queueUrl = AwsClients.requiredEnv("OUTBOUND_QUEUE_URL");
            var dynamo = AwsClients.dynamoDb();
            SqsClient sqs = AwsClients.sqs();
            TelegramClient telegram = TelegramClient.fromEnvironment(BotToken.fromEnvironment())
                    .withRequestTimeout(Duration.ofSeconds(8));
            Sender sender = new Sender(new DynamoOutboundStore(dynamo, table), new DynamoRateLedger(dynamo, table), telegram, PacingPolicy.telegram(), RetryPolicy.defaults(),
                    EmfMetrics.forFunction("sender"), Sender.Clock.SYSTEM, files());
            return new Environment(sender, sqs, queueUrl, AwsClients.requiredEnv("BOT_ID"));
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        SqsBatch.Event event = json.readValue(input, SqsBatch.Event.class);
        SqsBatch.Response response = handle(event, context == null ? Long.MAX_VALUE : System.currentTimeMillis() + context.getRemainingTimeInMillis());
        json.writeValue(output, response);
    }

    /** Processes a batch; {@code deadline} is when the function times out (epoch ms). */
    SqsBatch.Response handle(SqsBatch.Event event, long deadline) {
        Map<String, List<SqsBatch.Record>> groups = new LinkedHashMap<>();
        for (SqsBatch.Record r : event.records()) {
            String group = r.messageGroupId() != null ? r.messageGroupId() : r.messageId(); // standard queue: each alone
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(r);
        }
        Set<String> failed = new HashSet<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> results = new ArrayList<>();
            for (List<SqsBatch.Record> group : groups.values()) results.add(threads.submit(() -> processGroup(group, deadline)));
            for (int i = 0; i < results.size(); i++) {
                try {
                    failed.addAll(results.get(i).get());
                } catch (Exception e) {
                    // processGroup handles its own failures; this is a bug: keep the whole group
                    groups.values().stream().skip(i).findFirst().ifPresent(g -> g.forEach(r -> failed.add(r.messageId())));
                }
            }
        }
        List<String> ordered = event.records().stream().map(SqsBatch.Record::messageId).filter(failed::contains).toList();
        if (!ordered.isEmpty()) metrics.count("RecordsReturned", ordered.size());
        return SqsBatch.Response.failed(ordered);
    }

    /** One chat's records in order; returns the ids of those to leave on the queue. */
    private List<String> processGroup(List<SqsBatch.Record> records, long deadline) {
        for (int i = 0; i < records.size(); i++) {
            SqsBatch.Record record = records.get(i);
            if (deadline - System.currentTimeMillis() < TIME_RESERVE.toMillis()) {
                return returnFrom(records, i, Duration.ZERO); // out of time: let them come back right away
            }
            Sender.Outcome outcome;
            try {
                OutboundCommand command = json.readValue(record.body(), OutboundCommand.class);
                if (botId != null && !botId.equals(command.botId())) {
                    log("WARN", "command for another bot dropped", record.messageId());
                    continue;
                }
                outcome = sender.process(command, record.receiveCount());
            } catch (Exception e) {
                // storage trouble or an unreadable body: leave the rest of the group to the queue's own
                // visibility timeout and redrive policy (a poison message ends in the dead-letter queue)
                log("ERROR", "record failed: " + e.getClass().getSimpleName(), record.messageId());
                return returnFrom(records, i, null);
            }
            if (outcome instanceof Sender.Outcome.RetryLater later) {
                return returnFrom(records, i, later.delay());
            }
        }
        return List.of();
    }

    /** Reports records {@code from}.. as failed; makes them visible after {@code delay} (null: leave as is). */
    private List<String> returnFrom(List<SqsBatch.Record> records, int from, Duration delay) {
        List<SqsBatch.Record> rest = records.subList(from, records.size());
        if (delay != null) {
            int seconds = (int) Math.min(MAX_VISIBILITY_SECONDS, (delay.toMillis() + 999) / 1000);
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (SqsBatch.Record r : rest) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                        .receiptHandle(r.receiptHandle()).visibilityTimeout(seconds).build());
            }
            try {
                sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries));
            } catch (RuntimeException e) {
                // they come back after the queue's visibility timeout instead
                log("WARN", "ChangeMessageVisibility failed: " + e.getClass().getSimpleName(), rest.get(0).messageId());
            }
        }
        return rest.stream().map(SqsBatch.Record::messageId).toList();
    }

    private static void log(String level, String message, String messageId) {
        System.err.println("{\"level\":\"" + level + "\",\"message\":\"" + message + "\",\"sqsMessageId\":\"" + messageId + "\"}");
    }

    // ---- SnapStart priming: load and JIT the parsing and request-building paths before the snapshot ----------

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) throws IOException {
        String body = Json.write(json, new OutboundCommand.Send("1", "1", "prime", 1));
        String event = "{\"Records\":[{\"messageId\":\"m\",\"receiptHandle\":\"r\",\"body\":" + json.writeValueAsString(body)
                + ",\"attributes\":{\"ApproximateReceiveCount\":\"1\",\"MessageGroupId\":\"1\"},\"messageAttributes\":{},"
                + "\"eventSource\":\"aws:sqs\",\"eventSourceARN\":\"arn:aws:sqs:us-east-1:0:q.fifo\",\"awsRegion\":\"us-east-1\"}]}";
        SqsBatch.Event parsed = json.readValue(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), SqsBatch.Event.class);
        json.readValue(parsed.records().get(0).body(), OutboundCommand.class);
        TelegramRequests.calls(new OutgoingMessage("1", null, "<b>prime</b> & co", OutgoingMessage.Format.HTML, null,
                List.of(List.of(OutgoingMessage.InlineButton.callback("a", "b"))), null, false));
        json.writeValueAsString(SqsBatch.Response.failed(List.of("m")));
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
    }
}
