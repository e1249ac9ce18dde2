package dev.tgdesk.emulators.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.telegram.SetWebhookRequest;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.telegram.TelegramErrorKind;
import dev.tgdesk.telegram.WebhookInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook delivery: secret header, retries, per-chat ordering, getWebhookInfo, webhook replies. */
class FakeTelegramWebhookTest {

    private static final String SECRET = "s3cr3t-Webhook_Token";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ObjectMapper json = new ObjectMapper();
    private FakeTelegram telegram;
    private FakeBot bot;
    private TelegramClient client;
    private WebhookReceiver receiver;
    private FakeUser alice;
    private FakeUser bob;

    @BeforeEach
    void setUp() throws Exception {
        telegram = new FakeTelegram(FakeTelegram.Options.defaults()
                .withWebhookRetry(Duration.ofMillis(20), Duration.ofMillis(200))).start();
        bot = telegram.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
        client = new TelegramClient(HttpClient.newHttpClient(), json, telegram.baseUrl(), bot.token());
        receiver = new WebhookReceiver();
        alice = telegram.addUser("Alice", "alice");
        bob = telegram.addUser("Bob", "bob");
    }

    @AfterEach
    void tearDown() {
        telegram.close();
        receiver.close();
    }

    @Test
    void deliversUpdatesWithTheSecretHeader() {
        assertTrue(client.setWebhook(SetWebhookRequest.of(receiver.url(), SECRET)));

        ObjectNode update = bot.userStarts(alice, "ref-1");

        assertTrue(bot.awaitNoPendingUpdates(WAIT));
        assertEquals(1, receiver.attempts().size());
        assertEquals(update.toString(), receiver.attempts().get(0).update().toString());
        assertEquals(SECRET, receiver.attempts().get(0).secretHeader());
        WebhookInfo info = client.getWebhookInfo();
        assertEquals(receiver.url(), info.url());
        assertEquals(0, info.pendingUpdateCount());
        assertNull(info.lastErrorDate());
        assertEquals(40, info.maxConnections());
    }

    @Test
    void noSecretMeansNoHeader() {
        client.setWebhook(new SetWebhookRequest(receiver.url(), null, null, null, null));

        bot.userSends(alice, "hi");

        assertTrue(bot.awaitNoPendingUpdates(WAIT));
        assertNull(receiver.attempts().get(0).secretHeader());
    }

    @Test
    void aFailingUpdateHoldsBackItsChatOnly() throws Exception {
        AtomicBoolean aliceFirstFails = new AtomicBoolean(true);
        receiver.answerWith(update -> aliceFirstFails.get() && update.at("/message/text").asText().equals("a1")
                ? new WebhookReceiver.Answer(500, "") : WebhookReceiver.Answer.OK);
        client.setWebhook(SetWebhookRequest.of(receiver.url(), SECRET).withMaxConnections(5));

        bot.userSends(alice, "a1");
        bot.userSends(alice, "a2");
        bot.userSends(bob, "b1");
        bot.userSends(bob, "b2");
        bot.userSends(alice, "a3");

        // Bob's chat is not held up by Alice's failing update.
        awaitUntil(() -> texts(receiver.delivered()).equals(List.of("b1", "b2")));
        awaitUntil(() -> receiver.attempts().stream().filter(a -> a.text().equals("a1")).count() >= 3);
        WebhookInfo failing = client.getWebhookInfo();
        assertEquals(3, failing.pendingUpdateCount());
        assertEquals("Wrong response from the webhook: 500 Internal Server Error", failing.lastErrorMessage());
        assertNotNull(failing.lastErrorDate());
        assertTrue(Math.abs(failing.lastErrorDate() - System.currentTimeMillis() / 1000) < 5);
        assertTrue(receiver.attempts().stream().noneMatch(a -> a.text().equals("a2")), "a2 waits for a1");

        aliceFirstFails.set(false);

        assertTrue(bot.awaitNoPendingUpdates(WAIT));
        List<String> aliceOrder = texts(receiver.delivered()).stream().filter(t -> t.startsWith("a")).toList();
        assertEquals(List.of("a1", "a2", "a3"), aliceOrder);
        assertEquals(0, client.getWebhookInfo().pendingUpdateCount());
    }

    @Test
    void retriesBackOff() {
        receiver.answerWith(update -> new WebhookReceiver.Answer(503, ""));
        client.setWebhook(SetWebhookRequest.of(receiver.url(), SECRET));
        bot.userSends(alice, "x");

        sleep(700);

        // 20, 40, 80, 160, 200, 200 ms… → about 6 attempts in 700 ms; without backoff there would be hundreds.
        int attempts = receiver.attempts().size();
        assertTrue(attempts >= 3 && attempts <= 10, attempts + " attempts");
        assertEquals("Wrong response from the webhook: 503 Service Unavailable", client.getWebhookInfo().lastErrorMessage());
    }

    @Test
    void unreachableWebhookIsReported() {
        client.setWebhook(SetWebhookRequest.of("http://127.0.0.1:9/nothing-listens", SECRET));
        bot.userSends(alice, "x");

        awaitUntil(() -> client.getWebhookInfo().lastErrorMessage() != null);

        assertEquals("Connection refused", client.getWebhookInfo().lastErrorMessage());
        assertEquals(1, client.getWebhookInfo().pendingUpdateCount());
    }

    @Test
    void setWebhookDescriptionsAndDropPending() throws Exception {
        bot.userSends(alice, "old");
        JsonNode first = setWebhookRaw(SetWebhookRequest.of("http://127.0.0.1:9/a", SECRET).withDropPendingUpdates(true));
        JsonNode again = setWebhookRaw(SetWebhookRequest.of("http://127.0.0.1:9/a", SECRET));

        assertEquals("Webhook was set", first.get("description").asText());
        assertEquals("Webhook is already set", again.get("description").asText());
        assertEquals(0, bot.pendingUpdateCount());
        assertEquals("http://127.0.0.1:9/a", bot.webhookUrl().toString());
        assertTrue(client.deleteWebhook(false));
        assertNull(bot.webhookUrl());
        assertEquals("", client.getWebhookInfo().url());
    }

    @Test
    void invalidWebhookSettingsAreRejected() {
        FakeTelegramApiTest.assertApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
                TelegramErrorKind.BAD_REQUEST,
                () -> client.setWebhook(SetWebhookRequest.of("ftp://example.org/hook", SECRET)));
        FakeTelegramApiTest.assertApiError(400, "Bad Request: secret token contains unallowed characters",
                TelegramErrorKind.BAD_REQUEST,
                () -> client.setWebhook(SetWebhookRequest.of(receiver.url(), "no spaces allowed")));
    }

    @Test
    void allowedUpdatesApplyToDelivery() {
        client.setWebhook(SetWebhookRequest.of(receiver.url(), SECRET).withAllowedUpdates(List.of("my_chat_member")));

        bot.userStarts(alice);
        bot.userBlocks(alice);

        assertTrue(bot.awaitNoPendingUpdates(WAIT));
        assertEquals(1, receiver.attempts().size());
        assertTrue(receiver.attempts().get(0).update().has("my_chat_member"));
        assertEquals(List.of("my_chat_member"), client.getWebhookInfo().allowedUpdates());
    }

    @Test
    void aWebhookMayAnswerWithAMethodCall() {
        receiver.answerWith(update -> new WebhookReceiver.Answer(200,
                "{\"method\":\"sendMessage\",\"chat_id\":" + update.at("/message/chat/id").asLong()
                        + ",\"text\":\"Welcome!\"}"));
        client.setWebhook(SetWebhookRequest.of(receiver.url(), SECRET));

        bot.userStarts(alice);

        OutgoingMessage welcome = bot.awaitSent(m -> m.chatId() == alice.id(), WAIT);
        assertEquals("Welcome!", welcome.text());
    }

    // ================================================================ helpers

    private JsonNode setWebhookRaw(SetWebhookRequest request) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(telegram.baseUrl() + "/bot" + bot.token() + "/setWebhook"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(request)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    private static List<String> texts(List<JsonNode> updates) {
        return updates.stream().map(u -> u.at("/message/text").asText()).toList();
    }

    private static void awaitUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
