package dev.tgdesk.functions.scenario;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.automation.InboundMessage;
import dev.tgdesk.automation.ScenarioRunner;
import dev.tgdesk.automation.TimerScheduler;
import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.aws.SqsBatch;
import dev.tgdesk.domain.Json;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.storage.DynamoRunStore;
import dev.tgdesk.storage.DynamoScenarioCatalog;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * come back in order; other chats' records are unaffected).
 */
public final class ScenarioHandler implements RequestStreamHandler, Resource {

    private final ScenarioRunner runner;
    private final TimerScheduler timers;
    private final ObjectMapper json;

    public ScenarioHandler() {
        this(Wiring.fromEnvironment());
        Core.getGlobalContext().register(this);
    }

    private ScenarioHandler(Wiring wiring) {
        this(wiring.runner, wiring.timers, Json.mapper());
    }

    public ScenarioHandler(ScenarioRunner runner, TimerScheduler timers, ObjectMapper json) {
        this.runner = runner;
        this.timers = timers;
        this.json = json;
    }

    private record Wiring(ScenarioRunner runner, TimerScheduler timers) {
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
            var runner = new ScenarioRunner(new DynamoRunStore(dynamo, table, json), new DynamoScenarioCatalog(dynamo, table),
                    new SqsOutboundQueue(sqs, AwsClients.requiredEnv("OUTBOUND_QUEUE_URL"), json), timers,
                    Clock.systemUTC(), EmfMetrics.forFunction("scenario"));
            return new Wiring(runner, timers);
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
                System.err.println("{\"level\":\"ERROR\",\"message\":\"scenario step failed\",\"messageId\":\""
                        + record.messageId() + "\",\"receiveCount\":" + record.receiveCount()
                        + ",\"error\":\"" + e.getClass().getSimpleName() + "\"}");
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

    // ---- SnapStart priming --------------------------------------------------------------------------------

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        // load the JSON paths of both message kinds before the snapshot
        InboundMessage.parse(json, "{\"v\":1,\"kind\":\"timer\",\"bot_id\":\"1\",\"chat_id\":1,\"dialog_id\":\"d\",\"token\":\"t\",\"at\":0}");
        InboundMessage.parse(json, "{\"v\":1,\"bot_id\":\"1\",\"update_id\":1,\"chat_id\":1,\"received_at\":0,"
                + "\"update\":{\"type\":\"unsupported\",\"update_id\":1,\"kind\":\"poll\",\"reason\":\"priming\"}}");
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
    }
}
