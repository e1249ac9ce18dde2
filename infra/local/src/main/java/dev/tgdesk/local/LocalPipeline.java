package dev.tgdesk.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.automation.ScenarioRunner;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.lambda.SqsEventSource;
import dev.tgdesk.functions.scenario.AwsTimerScheduler;
import dev.tgdesk.functions.scenario.ScenarioHandler;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.sender.SenderHandler;
import dev.tgdesk.outbound.PacingPolicy;
import dev.tgdesk.outbound.RetryPolicy;
import dev.tgdesk.outbound.Sender;
import dev.tgdesk.storage.DynamoOutboundStore;
import dev.tgdesk.storage.DynamoRateLedger;
import dev.tgdesk.storage.DynamoRunStore;
import dev.tgdesk.storage.DynamoScenarioCatalog;
import dev.tgdesk.telegram.TelegramClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Everything behind the inbound queue, wired like the deployment: the scenario function fed by the inbound
 * FIFO queue and the timer queue, the sender fed by the outbound FIFO queue (each through the local stand-in
 * for Lambda's SQS event source mapping, with the template's batch sizes and concurrency), and the stand-in
 * for EventBridge Scheduler's delivery of long delays. Loads {@code scenarios/} at start.
 */
final class LocalPipeline implements AutoCloseable {

    /** The sender's ESM MaximumConcurrency in template.yaml. */
    static final int SENDER_CONCURRENCY = 5;

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final DynamoScenarioCatalog catalog;
    private final List<ScenarioFiles.Loaded> scenarios;

    LocalPipeline(LocalAws aws, LocalResources resources, DynamoDbClient dynamo, SqsClient sqs, TelegramClient telegram,
                  String botId, ObjectMapper json, Path scenariosDir, String activeScenario, String resourcePrefix,
                  dev.tgdesk.outbound.FileStore files) {
        String scheduleGroup = resourcePrefix + "timers";
        String table = resources.tableName("DataTable");
        String inboundUrl = resources.queueUrl("InboundQueue");
        String outboundUrl = resources.queueUrl("OutboundQueue");
        String timerUrl = resources.queueUrl("TimerQueue");
        Clock clock = Clock.systemUTC();

        SchedulerClient scheduler = aws.configure(SchedulerClient.builder(), "SCHEDULER").build();
        started.push(scheduler);
        var firing = new ScheduleFiring(scheduler, sqs, scheduleGroup, clock).ensureGroup();

        catalog = new DynamoScenarioCatalog(dynamo, table);
        scenarios = ScenarioFiles.load(scenariosDir, catalog, botId, activeScenario, clock.millis());

        var timers = new AwsTimerScheduler(sqs, scheduler, new AwsTimerScheduler.Targets(inboundUrl, resources.queueArn("InboundQueue"),
                timerUrl, "arn:aws:iam::" + LocalAws.ACCOUNT_ID + ":role/local-scheduler", scheduleGroup), json, clock);
        var runner = new ScenarioRunner(new DynamoRunStore(dynamo, table, json), catalog,
                new SqsOutboundQueue(sqs, outboundUrl, json), timers, clock, EmfMetrics.forFunction("scenario"));
        var scenarioHandler = new ScenarioHandler(runner, timers, json);
        var sender = new Sender(new DynamoOutboundStore(dynamo, table), new DynamoRateLedger(dynamo, table),
                telegram, PacingPolicy.telegram(), RetryPolicy.defaults(),
                EmfMetrics.forFunction("sender"), Sender.Clock.SYSTEM, files);
        var senderHandler = new SenderHandler(sender, sqs, outboundUrl, botId, EmfMetrics.forFunction("sender"));

        start(new SqsEventSource(sqs, inboundUrl, scenarioHandler, SqsEventSource.Options.defaults("ScenarioFunction")));
        start(new SqsEventSource(sqs, timerUrl, scenarioHandler, SqsEventSource.Options.defaults("ScenarioFunction")));
        start(new SqsEventSource(sqs, outboundUrl, senderHandler,
                SqsEventSource.Options.defaults("SenderFunction").withMaximumConcurrency(SENDER_CONCURRENCY)));
        started.push(firing.start(Duration.ofSeconds(1)));
    }

    private void start(SqsEventSource source) {
        started.push(source);
        source.start();
    }

    DynamoScenarioCatalog catalog() {
        return catalog;
    }

    List<ScenarioFiles.Loaded> scenarios() {
        return scenarios;
    }

    @Override
    public void close() {
        RuntimeException failure = LocalRuntime.closeAll(started, null);
        if (failure != null) throw failure;
    }
}
