package dev.tgdesk.sender;

import dev.tgdesk.emulators.Stderr;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.observability.Priming;
import dev.tgdesk.outbound.PacingPolicy;
import dev.tgdesk.outbound.RetryPolicy;
import dev.tgdesk.outbound.Sender;
import dev.tgdesk.storage.DynamoOutboundStore;
import dev.tgdesk.storage.DynamoRateLedger;
import dev.tgdesk.telegram.TelegramClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SnapStart priming on the emulators and the fake Telegram: the sample send is skipped, nothing is written or sent. */
class SenderPrimingTest {

    @Test
    void primingRunsEveryStepWithoutWritingSendingOrCounting() {
        LocalAws aws = LocalAws.shared();
        LocalResources res = TemplateResources.create(aws, "sdp-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-");
        String table = res.tableName("DataTable");
        String queueUrl = res.queueUrl("OutboundQueue");
        AwsCallCounter calls = new AwsCallCounter();
        var dynamo = aws.dynamoDb(calls);
        var sqs = aws.sqs(calls);
        try (FakeTelegram telegram = new FakeTelegram().start()) {
            FakeBot bot = telegram.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
            String botId = Long.toString(bot.id());
            TelegramClient client = new TelegramClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
                    new ObjectMapper(), telegram.baseUrl(), bot.token()).withRequestTimeout(Duration.ofSeconds(2));
            ByteArrayOutputStream emf = new ByteArrayOutputStream();
            var metrics = new EmfMetrics("tgdesk", "sender", new PrintStream(emf, true, StandardCharsets.UTF_8));
            Sender sender = new Sender(new CountingOutboundStore(new DynamoOutboundStore(dynamo, table), metrics),
                    new DynamoRateLedger(dynamo, table), client, PacingPolicy.telegram(), RetryPolicy.defaults(), metrics, Sender.Clock.SYSTEM);
            var handler = new SenderHandler(sender, sqs, queueUrl, botId, metrics,
                    new SenderHandler.PrimingTargets(telegram.baseUrl(), bot.token()));

            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Priming.Report report = prime(handler, log);

            assertTrue(report.ok(), "failed steps: " + report.failed() + "\n" + log);
            assertEquals(4, report.steps());
            assertEquals("", emf.toString(StandardCharsets.UTF_8), "priming must not count as traffic");
            // the pacing read, the claim (a conditional update that fails), the read that finds no entry; a refused visibility change
            assertEquals(Map.of("DynamoDb.GetItem", 2, "DynamoDb.UpdateItem", 1, "Sqs.ChangeMessageVisibilityBatch", 1), calls.snapshot());
            assertEquals(0, aws.dynamoDb().scan(b -> b.tableName(table)).count(), "nothing stored");
            assertEquals(List.of(), bot.sentMessages(), "nothing sent to Telegram");
        }
    }

    @Test
    void anUnreachableTelegramFailsOnlyItsOwnStep() {
        var handler = new SenderHandler(null, null, null, "1", dev.tgdesk.observability.Metrics.NONE,
                new SenderHandler.PrimingTargets(URI.create("http://127.0.0.1:1"), "1:x"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Priming.Report report = prime(handler, log);
        // no sender wired: the handler step fails too; the request-building step still runs
        assertEquals(List.of("handler", "telegram-getMe"), report.failed(), log.toString());
        String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(!logged.contains("1:x"), "the token is never logged: " + logged);
    }

    static Priming.Report prime(SenderHandler handler, ByteArrayOutputStream log) {
        return Stderr.capture(log, () -> handler.prime());
    }
}
