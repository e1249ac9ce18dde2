package dev.tgdesk.functions.scenario;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.automation.ControlEnvelope;
import dev.tgdesk.automation.InboundMessage;
import dev.tgdesk.automation.ScenarioRunner;
import dev.tgdesk.automation.TimerScheduler;
import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.aws.SqsBatch;
import dev.tgdesk.domain.DialogKind;
import dev.tgdesk.domain.Json;
import dev.tgdesk.domain.UpdateParser;
import dev.tgdesk.inbox.InboundEnvelope;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.observability.Log;
import dev.tgdesk.observability.Priming;
import dev.tgdesk.outbound.OutboundCommand;
import dev.tgdesk.outbound.TelegramRequests;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.scenario.Action;
import dev.tgdesk.scenario.ContactView;
import dev.tgdesk.scenario.DialogView;
import dev.tgdesk.scenario.ScenarioDocument;
import dev.tgdesk.scenario.ScenarioEngine;
import dev.tgdesk.scenario.ScenarioEvent;
import dev.tgdesk.scenario.Turn;
import dev.tgdesk.scenario.TurnInput;
import dev.tgdesk.storage.DynamoRunStore;
import dev.tgdesk.storage.DynamoScenarioCatalog;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Inbound FIFO queue (recorded updates, due timers, give-backs) → scenario turns; and the standard timer
 * queue (short delays) → the inbound FIFO queue. Chats of one batch run side by side; inside a chat,
 * in order, stopping at the first failure (that record and the chat's later ones are reported failed and
 * come back in order; other chats' records are unaffected). SnapStart priming: {@link #prime()}.
 */
public final class ScenarioHandler implements RequestStreamHandler, Resource {

    /** The outbound queue priming sends a refused batch to (null: that step is skipped). */
    public record PrimingTargets(SqsClient sqs, String outboundQueueUrl) {
    }

    private final ScenarioRunner runner;
    private final TimerScheduler timers;
    private final ObjectMapper json;
    private final PrimingTargets priming;

    public ScenarioHandler() {
        this(Wiring.fromEnvironment());
        Core.getGlobalContext().register(this);
    }

    private ScenarioHandler(Wiring wiring) {
        this(wiring.runner, wiring.timers, Json.mapper(), wiring.priming);
    }

    public ScenarioHandler(ScenarioRunner runner, TimerScheduler timers, ObjectMapper json) {
        this(runner, timers, json, null);
    }

    public ScenarioHandler(ScenarioRunner runner, TimerScheduler timers, ObjectMapper json, PrimingTargets priming) {
        this.runner = runner;
        this.timers = timers;
        this.json = json;
        this.priming = priming;
    }

    private record Wiring(ScenarioRunner runner, TimerScheduler timers, PrimingTargets priming) {
        static Wiring fromEnvironment() {
            ObjectMapper json = Json.mapper();
            var dynamo = AwsClients.dynamoDb();
            var sqs = AwsClients.sqs();
            String table = AwsClients.requiredEnv("TABLE_NAME");
            var scheduler = SchedulerClient.builder().httpClient(AwsClients.httpClient()).build();
            var timers = new AwsTimerScheduler(sqs, scheduler, new AwsTimerScheduler.Targets(
                    AwsClients.requiredEnv("INBOUND_QUEUE_URL"), AwsClients.requiredEnv("INBOUND_QUEUE_ARN"),
                    AwsClients.requiredEnv("TIMER_QUEUE_URL"), AwsClients.requiredEnv("SCHEDULER_ROLE_ARN"),
                    AwsClients.requiredEnv("SCHEDULE_GROUP")), json, Clock.systemUTC());
            String outboundUrl = AwsClients.requiredEnv("OUTBOUND_QUEUE_URL");
            var runner = new ScenarioRunner(new DynamoRunStore(dynamo, table, json), new DynamoScenarioCatalog(dynamo, table),
                    new SqsOutboundQueue(sqs, outboundUrl, json), timers, Clock.systemUTC(), EmfMetrics.forFunction("scenario"));
            return new Wiring(runner, timers, new PrimingTargets(sqs, outboundUrl));
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        SqsBatch.Event event = json.readValue(input, SqsBatch.Event.class);
        json.writeValue(output, handle(event.records()));
    }

    SqsBatch.Response handle(List<SqsBatch.Record> records) {
        // FIFO records grouped by chat, in batch order; standard-queue (timer) records each on their own
        Map<String, List<SqsBatch.Record>> groups = new LinkedHashMap<>();
        for (SqsBatch.Record r : records) {
            String group = r.messageGroupId() != null ? "g:" + r.messageGroupId() : "m:" + r.messageId();
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(r);
        }
        List<String> failed = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> results = new ArrayList<>();
            for (List<SqsBatch.Record> group : groups.values()) results.add(pool.submit(() -> processGroup(group)));
            for (Future<List<String>> f : results) {
                try {
                    failed.addAll(f.get());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return SqsBatch.Response.failed(failed);
    }

    /** The ids of the records to report failed: the first that failed and every later one of its chat. */
    private List<String> processGroup(List<SqsBatch.Record> group) {
        for (int i = 0; i < group.size(); i++) {
            SqsBatch.Record record = group.get(i);
            try {
                process(record);
            } catch (RuntimeException e) {
                Log.error("scenario step failed", e, "messageId", record.messageId(), "receiveCount", record.receiveCount());
                return group.subList(i, group.size()).stream().map(SqsBatch.Record::messageId).toList();
            }
        }
        return List.of();
    }

    private void process(SqsBatch.Record record) {
        InboundMessage message = InboundMessage.parse(json, record.body());
        if (record.messageGroupId() == null) {
            // from the standard timer queue: its delay is over; continue in the chat's FIFO group
            if (!(message instanceof InboundMessage.Control control)) {
                throw new IllegalArgumentException("timer queue message is not a control envelope");
            }
            timers.deliver(control.envelope());
            return;
        }
        runner.process(message);
    }

    // ---- SnapStart priming --------------------------------------------------------------------------------------

    /** A one-node scenario: a greeting with a button, the shapes the engine and the request builder handle most. */
    static final String SAMPLE_SCENARIO = """
            {"id": "snapstart-priming", "name": "priming", "default_language": "en",
             "triggers": [{"type": "start", "node": "hello"}],
             "nodes": [{"id": "hello", "type": "question", "text": {"en": "Hi, {{first_name|there}}!"}, "input": "choice",
                        "options": [{"value": "yes", "text": "Yes"}, {"value": "no", "text": "No"}]}],
             "edges": []}""";

    /**
     * Runs before the snapshot: (1) an SQS batch as Lambda delivers it, with one inbound record — a private chat's
     * "/start" recorded for a dialog that does not exist (bot 0, chat 0) — through {@link #handleRequest}: parsing,
     * grouping, the runner's one strongly consistent read ({@code BatchGetItem}), then "no dialog": nothing written, no
     * metric, nothing published; (2) the engine on a one-node scenario and the Bot API requests of what it sends (pure,
     * no I/O); (3) a {@code SendMessageBatch} to the outbound FIFO queue without a message group, which SQS refuses
     * (were it taken, the sender would drop a command for bot 0). EventBridge Scheduler is not primed: only delays over
     * 15 minutes use it.
     */
    public Priming.Report prime() {
        Priming p = Priming.of("scenario")
                .step("handler", () -> {
                    var parsed = (UpdateParser.Outcome.Parsed) new UpdateParser(json).parse(SAMPLE_UPDATE.getBytes(StandardCharsets.UTF_8));
                    String envelope = Json.write(json, new InboundEnvelope(InboundEnvelope.VERSION, "0", 1, 0, "snapstart-priming",
                            1L, 0, parsed.update()));
                    String event = "{\"Records\":[{\"messageId\":\"snapstart-priming\",\"receiptHandle\":\"r\",\"body\":"
                            + json.writeValueAsString(envelope) + ",\"attributes\":{\"ApproximateReceiveCount\":\"1\","
                            + "\"MessageGroupId\":\"0\",\"MessageDeduplicationId\":\"0-1\"},\"messageAttributes\":{},"
                            + "\"eventSource\":\"aws:sqs\",\"eventSourceARN\":\"arn:aws:sqs:us-east-1:000000000000:inbound.fifo\","
                            + "\"awsRegion\":\"us-east-1\"}]}";
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
                    Priming.expect(json.readTree(out.toByteArray()).path("batchItemFailures").isEmpty(), "the sample record succeeds");
                    InboundMessage.parse(json, Json.write(json, ControlEnvelope.timer("0", 0, "d", null, "t", 0)));
                })
                .step("engine", () -> {
                    Turn turn = new ScenarioEngine(Clock.systemUTC()).handle(new TurnInput(new ScenarioEvent.UserMessage("/start", false, null),
                            null, null, ScenarioDocument.parse(SAMPLE_SCENARIO), new ContactView(1L, "a", null, null, "en", null),
                            new DialogView("snapstart-priming", 1, DialogKind.PRIVATE, true, false)));
                    boolean sent = false;
                    for (Action a : turn.actions()) {
                        if (a instanceof Action.Send s) {
                            TelegramRequests.calls(s.message());
                            TelegramRequests.preview(s.message());
                            TelegramRequests.displayJson(s.message());
                            sent = true;
                        }
                    }
                    Priming.expect(sent, "the sample scenario sends its greeting");
                    json.writeValueAsString(turn.run());
                });
        if (priming != null && priming.sqs() != null) {
            p.step("sqs-refused-send", () -> {
                String body = Json.write(json, new OutboundCommand.Send("0", "0", "snapstart-priming", 1));
                try {
                    var r = priming.sqs().sendMessageBatch(b -> b.queueUrl(priming.outboundQueueUrl())
                            .entries(e -> e.id("0").messageBody(body)));
                    Priming.expect(r.successful().isEmpty(), "the outbound queue refuses a message without a group id");
                } catch (SqsException refused) {
                    // expected: a FIFO queue needs a message group id
                }
            });
        }
        return p.run();
    }

    /** A private chat's "/start", as Telegram sends it. */
    static final String SAMPLE_UPDATE = "{\"update_id\":1,\"message\":{\"message_id\":1,\"date\":0,"
            + "\"chat\":{\"id\":1,\"type\":\"private\",\"first_name\":\"a\"},"
            + "\"from\":{\"id\":1,\"is_bot\":false,\"first_name\":\"a\",\"language_code\":\"en\"},\"text\":\"/start\","
            + "\"entities\":[{\"type\":\"bot_command\",\"offset\":0,\"length\":6}]}}";

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
    }
}
