package dev.tgdesk.local;

import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.inbox.InboundEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The local runtime with a token: it long-polls a Bot API (here a {@link FakeTelegram} without webhook, so
 * updates wait for getUpdates) and delivers each update to its own webhook over HTTP. Real emulators throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalRuntimePollingTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    final String prefix = Stored.uniquePrefix("poll");
    LocalAws aws;
    FakeTelegram telegram;

    @BeforeAll
    void start() {
        aws = LocalAws.shared();
        telegram = new FakeTelegram().start();
    }

    @AfterAll
    void stop() {
        if (telegram != null) telegram.close();
    }

    /** A runtime polling {@code bot} on the fake, on the shared emulators, keeping its offset in {@code stateDir}. */
    LocalConfig polling(FakeBot bot, Path stateDir) {
        return LocalConfig.defaults().withPort(0).withResourcePrefix(prefix).withoutPipeline()
                .withTelegram(bot.token(), telegram.baseUrl()).withStateDir(stateDir);
    }

    @Test
    void restartResumesFromTheSavedOffsetSoEveryUpdateIsStoredExactlyOnce(@TempDir Path stateDir) throws Exception {
        FakeBot bot = telegram.addBot("5550001001:AAPollingRestartTest_0123456789", "restart_test_bot");
        FakeUser polly = telegram.addUser("Polly", "polly");
        LocalConfig config = polling(bot, stateDir);
        List<Long> ids = new ArrayList<>();
        Path offsetFile;

        LocalRuntime first = LocalRuntime.start(config, aws);
        try (first; Stored stored = new Stored(first)) {
            assertTrue(first.pollsTelegram());
            assertNull(first.fakeTelegram(), "no simulated Telegram when polling");
            assertNull(bot.webhookUrl(), "polling leaves the bot without webhook");
            assertEquals(Long.toString(bot.id()), first.botId());
            offsetFile = first.offsetFile();
            assertEquals(stateDir.resolve("telegram-offset-" + bot.id()), offsetFile);
            stored.purgeQueue();

            ids.add(bot.userStarts(polly).get("update_id").asLong());
            ids.add(bot.userSends(polly, "two").get("update_id").asLong());
            ids.add(bot.userSends(polly, "three").get("update_id").asLong());
            stored.awaitHistory(polly.id(), 3);
            Stored.await("the offset after the third update is saved", WAIT, () -> offset(offsetFile) == ids.get(2) + 1);
        }
        assertEquals(3, first.poller().delivered());
        assertEquals(ids.get(2) + 1, offset(offsetFile), "stopping keeps the saved offset");

        // written while nothing polls: Telegram keeps them for the next getUpdates
        ids.add(bot.userSends(polly, "four").get("update_id").asLong());
        ids.add(bot.userSends(polly, "five").get("update_id").asLong());

        LocalRuntime second = LocalRuntime.start(config, aws);
        try (second; Stored stored = new Stored(second)) {
            stored.awaitHistory(polly.id(), 5);
            Stored.await("both new updates are delivered and confirmed to Telegram", WAIT,
                    () -> second.poller().delivered() == 2 && bot.pendingUpdateCount() == 0,
                    () -> "delivered " + second.poller().delivered() + ", pending " + bot.pendingUpdates());

            List<Map<String, AttributeValue>> history = stored.history(polly.id());
            assertEquals(5, history.size(), "each update stored once");
            assertEquals(List.of("/start", "two", "three", "four", "five"), stored.texts(polly.id()));
            for (Long id : ids) assertFalse(stored.updateMarker(id).isEmpty(), "update " + id + " recorded");

            List<InboundEnvelope> queued = stored.drainEnvelopes(polly.id(), 5);
            assertEquals(ids, queued.stream().map(InboundEnvelope::updateId).toList(), "one envelope per update, in order");
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), queued.stream().map(InboundEnvelope::seq).toList());
        }
        assertEquals(2, second.poller().delivered(), "the second runtime re-delivered none of the first three");
        assertEquals(0, first.poller().failedAttempts() + second.poller().failedAttempts());
        assertEquals(ids.get(4) + 1, offset(offsetFile), "the offset file holds the last update_id + 1");
    }

    @Test
    void webhook5xxIsRetriedUntilStoredInOrder(@TempDir Path stateDir) throws Exception {
        assumeTrue(aws.supportsFaultInjection(), "needs the self-managed emulators (moto + ElasticMQ) to stop SQS");
        FakeBot bot = telegram.addBot("5550001002:AAPollingOutageTest_0123456789", "outage_test_bot");
        FakeUser faye = telegram.addUser("Faye", null);

        try (LocalRuntime local = LocalRuntime.start(polling(bot, stateDir), aws); Stored stored = new Stored(local)) {
            stored.purgeQueue();
            long first;
            long second;
            aws.stopSqs();
            try {
                first = bot.userSends(faye, "sent during an SQS outage").get("update_id").asLong();
                second = bot.userSends(faye, "and another one").get("update_id").asLong();
                Stored.await("the webhook refused the first update with 5xx", WAIT, () -> local.poller().failedAttempts() >= 1);
                assertEquals(0, local.poller().delivered(), "nothing acknowledged while the queue is down");
            } finally {
                aws.startSqs();
                TemplateResources.create(aws, prefix); // a restarted ElasticMQ is empty
            }

            stored.awaitHistory(faye.id(), 2);
            Stored.await("both updates are acknowledged", WAIT, () -> local.poller().delivered() == 2);
            assertEquals(List.of("sent during an SQS outage", "and another one"), stored.texts(faye.id()));
            List<InboundEnvelope> queued = stored.drainEnvelopes(faye.id(), 2);
            assertEquals(List.of(first, second), queued.stream().map(InboundEnvelope::updateId).toList(),
                    "enqueued once each, in order");
            Stored.await("the offset follows the last update", WAIT, () -> offset(local.offsetFile()) == second + 1);
        }
    }

    static long offset(Path file) {
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file).strip()) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1; // mid-replace
        }
    }
}
