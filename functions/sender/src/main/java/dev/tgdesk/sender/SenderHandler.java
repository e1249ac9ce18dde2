package dev.tgdesk.sender;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.aws.BotToken;
import dev.tgdesk.aws.SqsBatch;
import dev.tgdesk.domain.Json;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.observability.Log;
import dev.tgdesk.observability.Metrics;
import dev.tgdesk.observability.Priming;
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
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
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
 *
 * <p>Metrics: the {@link Sender}'s ({@code OutboundSent}, {@code OutboundFailed}, {@code TelegramTooManyRequests} …),
 * {@code RecordsReturned}, and by failure kind {@code SendFailed}, {@code SendRetried}, {@code SendErrors}
 * ({@link CountingOutboundStore}). SnapStart priming: {@link #prime()}.
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
    private final PrimingTargets priming;
    private final ObjectMapper json = Json.mapper();

    /**
     * What priming calls besides the handler: Telegram's {@code getMe} through a client of its own (closed after,
     * so no connection from before the snapshot is reused after a restore). A null target skips that step.
     */
    public record PrimingTargets(URI telegramApiUrl, String botToken) {
    }

    /** Lambda's constructor: everything from the environment, built once per container. */
    public SenderHandler() {
        this(Environment.load());
        Core.getGlobalContext().register(this);
    }

    private SenderHandler(Environment env) {
        this(env.sender, env.sqs, env.queueUrl, env.botId, env.metrics, env.priming);
    }

    /**
     * @param queueUrl the outbound queue, for ChangeMessageVisibility
     * @param botId    the bot this function serves; commands for another bot are dropped
     */
    public SenderHandler(Sender sender, SqsClient sqs, String queueUrl, String botId, Metrics metrics) {
        this(sender, sqs, queueUrl, botId, metrics, null);
    }

    public SenderHandler(Sender sender, SqsClient sqs, String queueUrl, String botId, Metrics metrics, PrimingTargets priming) {
        this.priming = priming;
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
    private record Environment(Sender sender, SqsClient sqs, String queueUrl, String botId, Metrics metrics, PrimingTargets priming) {
        static Environment load() {
            String table = AwsClients.requiredEnv("TABLE_NAME");
            String queueUrl = AwsClients.requiredEnv("OUTBOUND_QUEUE_URL");
            var dynamo = AwsClients.dynamoDb();
            SqsClient sqs = AwsClients.sqs();
            String token = BotToken.fromEnvironment();
            TelegramClient telegram = TelegramClient.fromEnvironment(token).withRequestTimeout(Duration.ofSeconds(8));
            Metrics metrics = EmfMetrics.forFunction("sender");
            Sender sender = new Sender(new CountingOutboundStore(new DynamoOutboundStore(dynamo, table), metrics),
                    new DynamoRateLedger(dynamo, table), telegram, PacingPolicy.telegram(), RetryPolicy.defaults(),
                    metrics, Sender.Clock.SYSTEM, files());
            return new Environment(sender, sqs, queueUrl, AwsClients.requiredEnv("BOT_ID"), metrics,
                    new PrimingTargets(telegram.apiBaseUrl(), token));
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
                    Log.warn("command for another bot dropped", "sqsMessageId", record.messageId());
                    continue;
                }
                outcome = sender.process(command, record.receiveCount());
            } catch (Exception e) {
                // storage trouble or an unreadable body: leave the rest of the group to the queue's own
                // visibility timeout and redrive policy (a poison message ends in the dead-letter queue)
                Log.error("record failed", e, "sqsMessageId", record.messageId());
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
                Log.warn("ChangeMessageVisibility failed", "error", e.getClass().getSimpleName(), "sqsMessageId", rest.get(0).messageId());
            }
        }
        return rest.stream().map(SqsBatch.Record::messageId).toList();
    }


    // ---- SnapStart priming --------------------------------------------------------------------------------------

    /**
     * Runs before the snapshot: (1) an SQS batch as Lambda delivers it with one send command for an entry that does not
     * exist ({@code snapstart-priming}/1 in chat 0) through {@link #handleRequest}: the pacing read, the claim (a
     * conditional update that fails, so nothing is written), the read that finds no entry, "skipped" (no metric while
     * priming; one WARN line from the sender); (2) the Bot API request building and JSON paths on a sample message;
     * (3) a {@code ChangeMessageVisibilityBatch} with a receipt handle SQS refuses; (4) Telegram's {@code getMe} — read
     * only — on a client of its own, closed afterwards. The S3 client (operators' files) is not primed.
     */
    public Priming.Report prime() {
        String bot = botId == null ? "0" : botId;
        Priming p = Priming.of("sender")
                .step("handler", () -> {
                    String body = Json.write(json, new OutboundCommand.Send(bot, "0", "snapstart-priming", 1));
                    String event = "{\"Records\":[{\"messageId\":\"snapstart-priming\",\"receiptHandle\":\"r\",\"body\":"
                            + json.writeValueAsString(body) + ",\"attributes\":{\"ApproximateReceiveCount\":\"1\","
                            + "\"MessageGroupId\":\"0\"},\"messageAttributes\":{},\"eventSource\":\"aws:sqs\","
                            + "\"eventSourceARN\":\"arn:aws:sqs:us-east-1:000000000000:outbound.fifo\",\"awsRegion\":\"us-east-1\"}]}";
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
                    Priming.expect(json.readTree(out.toByteArray()).path("batchItemFailures").isEmpty(), "the sample record is done");
                })
                .step("requests", () -> {
                    var calls = TelegramRequests.calls(new OutgoingMessage("1", null, "<b>prime</b> & co", OutgoingMessage.Format.HTML, null,
                            List.of(List.of(OutgoingMessage.InlineButton.callback("a", "b"))), null, false));
                    for (var call : calls) json.writeValueAsString(call.params());
                    json.writeValueAsString(SqsBatch.Response.failed(List.of("m")));
                });
        if (sqs != null) {
            p.step("sqs-refused-visibility", () -> {
                try {
                    var r = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(e -> e.id("0")
                            .receiptHandle("snapstart-priming").visibilityTimeout(0)));
                    Priming.expect(r.successful().isEmpty(), "SQS refuses a made-up receipt handle");
                } catch (SqsException refused) {
                    // also fine: refused as a whole
                }
            });
        }
        if (priming != null && priming.telegramApiUrl() != null && priming.botToken() != null) {
            p.step("telegram-getMe", () -> {
                try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                        .version("http".equals(priming.telegramApiUrl().getScheme()) ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                        .build()) {
                    new TelegramClient(http, new ObjectMapper(), priming.telegramApiUrl(), priming.botToken())
                            .withRequestTimeout(Duration.ofSeconds(3)).getMe();
                }
            });
        }
        return p.run();
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
    }
}
