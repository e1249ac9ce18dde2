package dev.tgdesk.functions.scenario;

import dev.tgdesk.emulators.Stderr;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.automation.ScenarioRunner;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.observability.Priming;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.storage.DynamoRunStore;
import dev.tgdesk.storage.DynamoScenarioCatalog;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SnapStart priming on the emulators: the sample goes through the handler, nothing is written, queued or counted. */
class ScenarioPrimingTest {

    static final ObjectMapper JSON = Json.mapper();

    @Test
    void primingRunsEveryStepWithOneReadAndARefusedSend() {
        LocalAws aws = LocalAws.shared();
        LocalResources res = TemplateResources.create(aws, "scp-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-");
        String table = res.tableName("DataTable");
        String outboundUrl = res.queueUrl("OutboundQueue");
        String inboundUrl = res.queueUrl("InboundQueue");
        String timerUrl = res.queueUrl("TimerQueue");
        AwsCallCounter calls = new AwsCallCounter();
        var dynamo = aws.dynamoDb(calls);
        var sqs = aws.sqs(calls);
        var scheduler = aws.configure(SchedulerClient.builder(), "SCHEDULER").build();
        ByteArrayOutputStream emf = new ByteArrayOutputStream();
        var metrics = new EmfMetrics("tgdesk", "scenario", new PrintStream(emf, true, StandardCharsets.UTF_8));
        var timers = new AwsTimerScheduler(sqs, scheduler, new AwsTimerScheduler.Targets(inboundUrl,
                "arn:aws:sqs:us-east-1:000000000000:inbound.fifo", timerUrl, "arn:aws:iam::000000000000:role/scheduler", "timers"),
                JSON, Clock.systemUTC());
        var runner = new ScenarioRunner(new DynamoRunStore(dynamo, table, JSON), new DynamoScenarioCatalog(dynamo, table),
                new SqsOutboundQueue(sqs, outboundUrl, JSON), timers, Clock.systemUTC(), metrics);
        var handler = new ScenarioHandler(runner, timers, JSON, new ScenarioHandler.PrimingTargets(sqs, outboundUrl));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Priming.Report report = Stderr.capture(log, () -> handler.prime());

        assertTrue(report.ok(), "failed steps: " + report.failed() + "\n" + log);
        assertEquals(3, report.steps());
        assertEquals("", emf.toString(StandardCharsets.UTF_8), "priming must not count as traffic");
        assertEquals(Map.of("DynamoDb.BatchGetItem", 1, "Sqs.SendMessageBatch", 1), calls.snapshot(), "one read, one refused send");
        assertEquals(0, aws.dynamoDb().scan(b -> b.tableName(table)).count(), "nothing stored");
        for (String url : new String[]{outboundUrl, inboundUrl, timerUrl}) {
            assertEquals("0", aws.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES), "nothing queued on " + url);
        }
    }

    @Test
    void withoutAwsTheStepsThatNeedItFailAndAreReportedWithoutThrowing() {
        // a runner whose store cannot be reached: the handler step fails (logged), the pure engine step still runs
        var dynamo = LocalAws.shared().dynamoDbBuilder().endpointOverride(java.net.URI.create("http://127.0.0.1:1"))
                .overrideConfiguration(c -> c.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry())).build();
        var runner = new ScenarioRunner(new DynamoRunStore(dynamo, "t", JSON), new DynamoScenarioCatalog(dynamo, "t"),
                commands -> { }, null, Clock.systemUTC(), dev.tgdesk.observability.Metrics.NONE);
        var handler = new ScenarioHandler(runner, null, JSON);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Priming.Report report = Stderr.capture(log, () -> handler.prime());
        assertEquals(java.util.List.of("handler"), report.failed(), log.toString());
        assertTrue(log.toString().contains("\"step\":\"handler\""), log.toString());
    }
}
