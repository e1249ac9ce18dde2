package dev.tgdesk.operatorapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.emulators.telegram.Fault;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.api.ApiRequest;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.identity.AccessTokens;
import dev.tgdesk.operator.identity.OperatorAccounts;
import dev.tgdesk.operator.identity.PasswordHasher;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import dev.tgdesk.telegram.SetWebhookRequest;
import dev.tgdesk.telegram.TelegramClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/admin/telegram} through the operator API as it is wired ({@link OperatorApiWiring}), with real
 * sign-in on the template's table (moto) and the fake Telegram's {@code getWebhookInfo}: no webhook, a webhook whose
 * deliveries fail (pending count, last error), a URL with secrets in it, agents refused, Telegram down or refusing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookStatusTest {

    static final ObjectMapper JSON = Json.mapper();
    static final String BOT = "555000111";
    static final String TOKEN = BOT + ":AAwebhookStatusTestToken_0123456789ab";
    static final byte[] SIGNING = "webhook-status-test-signing-secret-0123456789".getBytes(StandardCharsets.UTF_8);

    FakeTelegram telegram;
    FakeBot bot;
    LocalAws aws;
    LocalResources resources;
    Router router;
    String adminToken;
    String agentToken;

    @BeforeAll
    void start() {
        telegram = new FakeTelegram(FakeTelegram.Options.defaults().withWebhookRetry(Duration.ofMillis(200), Duration.ofSeconds(1))).start();
        bot = telegram.addBot(TOKEN, "status_test_bot");
        aws = LocalAws.shared();
        resources = TemplateResources.create(aws, "wst-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-");
        router = router(telegram.baseUrl());
        new OperatorAccounts(new DynamoOperatorDirectory(aws.dynamoDb(), resources.tableName("DataTable")), new PasswordHasher(),
                new AccessTokens(SIGNING, Duration.ofHours(1)), Clock.systemUTC())
                .createAdminIfAbsent(BOT, "admin@status.test", "Ada Admin", "admin-password-123");
        adminToken = login("admin@status.test", "admin-password-123");
        assertEquals(201, call(router, adminToken, "POST", "/api/operators", Map.of("email", "agent@status.test", "name", "Alex Agent",
                "role", "agent", "password", "agent-password-123")).status());
        agentToken = login("agent@status.test", "agent-password-123");
    }

    @AfterAll
    void stop() {
        if (telegram != null) telegram.close();
    }

    Router router(URI telegramApi) {
        TelegramClient client = new TelegramClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build(), new ObjectMapper(), telegramApi, TOKEN).withRequestTimeout(Duration.ofSeconds(2));
        return OperatorApiWiring.router(new OperatorApiWiring.Deps(aws.dynamoDb(), aws.sqs(),
                aws.configure(S3Client.builder(), "S3").forcePathStyle(true).build(), resources.tableName("DataTable"), BOT,
                resources.queueUrl("InboundQueue"), resources.queueUrl("OutboundQueue"), resources.bucketName("FilesBucket"), client,
                SIGNING, Duration.ofHours(1), new Visibility(true), Clock.systemUTC(), resources.tableName("RealtimeTable"), null));
    }

    String login(String email, String password) {
        ApiResponse r = call(router, null, "POST", "/api/auth/login", Map.of("email", email, "password", password));
        assertEquals(200, r.status(), new String(r.body(), StandardCharsets.UTF_8));
        return json(r).get("token").asText();
    }

    static ApiResponse call(Router router, String token, String method, String path, Object body) {
        Map<String, String> headers = token == null ? Map.of() : Map.of("authorization", "Bearer " + token);
        byte[] bytes = body == null ? new byte[0] : Json.write(JSON, body).getBytes(StandardCharsets.UTF_8);
        return router.handle(new ApiRequest(method, path, Map.of(), Map.of(), headers, bytes));
    }

    static JsonNode json(ApiResponse r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    JsonNode status() {
        ApiResponse r = call(router, adminToken, "GET", "/api/admin/telegram", null);
        assertEquals(200, r.status(), new String(r.body(), StandardCharsets.UTF_8));
        return json(r);
    }

    TelegramClient direct() {
        return new TelegramClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), new ObjectMapper(), telegram.baseUrl(), TOKEN);
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theWebhookAsTelegramSeesIt() throws Exception {
        // no webhook yet; two updates wait at Telegram
        direct().deleteWebhook(true);
        FakeUser ann = telegram.addUser("Ann", "ann_status");
        bot.userSends(ann, "one");
        bot.userSends(ann, "two");
        JsonNode none = status();
        assertFalse(none.get("url_set").asBoolean());
        assertFalse(none.has("url"));
        assertEquals(2, none.get("pending_update_count").asInt());
        assertFalse(none.has("last_error_date"));
        assertFalse(none.has("last_error_message"));

        // a webhook Telegram cannot deliver to: the error and the backlog show
        int port = closedPort();
        direct().setWebhook(SetWebhookRequest.of("http://127.0.0.1:" + port + "/telegram/webhook", "status-secret_0123456789")
                .withAllowedUpdates(List.of("message", "callback_query")).withMaxConnections(40));
        JsonNode failing = null;
        for (int i = 0; i < 50; i++) {
            failing = status();
            if (failing.has("last_error_date")) break;
            Thread.sleep(100);
        }
        assertTrue(failing.get("url_set").asBoolean());
        assertEquals("http://127.0.0.1:" + port + "/telegram/webhook", failing.get("url").asText());
        assertEquals(2, failing.get("pending_update_count").asInt(), "nothing delivered");
        long now = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(failing.get("last_error_date").asLong() - now) < 60, "epoch seconds, as Telegram gives it: " + failing);
        assertEquals("Connection refused", failing.get("last_error_message").asText());
        assertEquals(40, failing.get("max_connections").asInt());
        assertEquals(List.of("message", "callback_query"), JSON.convertValue(failing.get("allowed_updates"), List.class));
        assertFalse(failing.toString().contains("status-secret_0123456789"), "the secret token is never shown");
        assertFalse(failing.toString().contains(TOKEN.substring(TOKEN.indexOf(':') + 1)));
    }

    @Test
    void aUrlWithSecretsInItIsShownWithoutThem() {
        direct().setWebhook(SetWebhookRequest.of("https://hooks.example.org:8443/bot/" + TOKEN + "/x9Kq2mWv7Lp4Rt8Zs1Yb6Nc3Hd5Fg0Ja?key=abc#frag", null));
        try {
            JsonNode s = status();
            assertEquals("https://hooks.example.org:8443/bot/***/***", s.get("url").asText());
            assertFalse(s.toString().contains("key=abc"));
            assertFalse(s.toString().contains(TOKEN.substring(TOKEN.indexOf(':') + 1)));
        } finally {
            direct().deleteWebhook(false);
        }
    }

    @Test
    void onlyAdminsMayLook() {
        ApiResponse agent = call(router, agentToken, "GET", "/api/admin/telegram", null);
        assertEquals(403, agent.status());
        assertEquals("forbidden", json(agent).path("error").path("code").asText());
        assertEquals(401, call(router, null, "GET", "/api/admin/telegram", null).status());
        assertEquals(405, call(router, adminToken, "POST", "/api/admin/telegram", Map.of()).status());
    }

    @Test
    void telegramDownOrRefusingIs502WithWhatHappened() throws Exception {
        int port = closedPort();
        ApiResponse down = call(router(URI.create("http://127.0.0.1:" + port)), adminToken, "GET", "/api/admin/telegram", null);
        assertEquals(502, down.status());
        JsonNode error = json(down).path("error");
        assertEquals("upstream", error.path("code").asText());
        assertTrue(error.path("message").asText().startsWith("Telegram could not be reached to read the webhook status: could not connect to 127.0.0.1:" + port),
                error.toString());
        assertFalse(error.toString().contains(TOKEN.substring(TOKEN.indexOf(':') + 1)));

        bot.failNext("getWebhookInfo", 1, Fault.error(401, "Unauthorized"));
        ApiResponse refused = call(router, adminToken, "GET", "/api/admin/telegram", null);
        assertEquals(502, refused.status());
        assertEquals("Telegram refused getWebhookInfo: 401 Unauthorized (is the bot token still valid?)",
                json(refused).path("error").path("message").asText());

        bot.failNext("getWebhookInfo", 1, Fault.badGatewayHtml());
        ApiResponse proxy = call(router, adminToken, "GET", "/api/admin/telegram", null);
        assertEquals(502, proxy.status());
        assertTrue(json(proxy).path("error").path("message").asText().contains("502"), json(proxy).toString());
    }
}
