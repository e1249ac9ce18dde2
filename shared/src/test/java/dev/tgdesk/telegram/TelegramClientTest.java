package dev.tgdesk.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TelegramClientTest {

    private static final String TOKEN = "123456789:AAHsecretPartOfTheToken_abcdefghijk";
    private static final String SECRET = "AAHsecretPartOfTheToken_abcdefghijk";

    private final ObjectMapper json = new ObjectMapper();
    private StubBotApi api;
    private TelegramClient client;

    @BeforeEach
    void setUp() throws IOException {
        api = new StubBotApi();
        client = new TelegramClient(HttpClient.newHttpClient(), json, api.baseUrl(), TOKEN)
                .withRequestTimeout(Duration.ofSeconds(5));
    }

    @AfterEach
    void tearDown() {
        api.close();
    }

    // ------------------------------------------------------------------ success

    @Test
    void getMePostsJsonToBotTokenUrlAndIgnoresUnknownFields() throws Exception {
        api.json("getMe", 200, """
                {"ok":true,"result":{"id":123456789,"is_bot":true,"first_name":"Desk","username":"desk_bot",
                  "can_join_groups":true,"brand_new_field":{"x":[1,2]},"has_main_web_app":false}}""");

        BotUser me = client.getMe();

        assertEquals(new BotUser(123456789L, true, "Desk", null, "desk_bot", null, true, null, null), me);
        StubBotApi.Request request = api.lastRequest();
        assertEquals("POST", request.httpMethod());
        assertEquals("/bot" + TOKEN + "/getMe", request.path());
        assertEquals("application/json", request.contentType());
        assertEquals("{}", request.body());
    }

    @Test
    void keepsAPathPrefixOfTheBaseUrl() {
        api.json("getMe", 200, "{\"ok\":true,\"result\":{\"id\":1,\"is_bot\":true,\"first_name\":\"B\"}}");
        TelegramClient prefixed = new TelegramClient(HttpClient.newHttpClient(), json,
                URI.create(api.baseUrl() + "/tg/"), TOKEN);

        prefixed.getMe();

        assertEquals("/tg/bot" + TOKEN + "/getMe", api.lastRequest().path());
    }

    @Test
    void sendMessageUses64BitIdsAndReturnsMessageId() throws Exception {
        api.json("sendMessage", 200, """
                {"ok":true,"result":{"message_id":4294967297,"date":1735000000,
                  "chat":{"id":-1009876543210,"type":"supergroup","title":"Support","is_forum":true},
                  "message_thread_id":7,"text":"hi","from":{"id":123456789,"is_bot":true,"first_name":"Desk"}}}""");

        SentMessage sent = client.sendMessage(SendMessageRequest.of(ChatId.of(-1009876543210L), "hi")
                .withMessageThreadId(7).withParseMode("HTML")
                .withReplyMarkup(json.readTree("{\"inline_keyboard\":[[{\"text\":\"OK\",\"callback_data\":\"ok\"}]]}")));

        assertEquals(4294967297L, sent.messageId());
        assertEquals(-1009876543210L, sent.chat().id());
        assertEquals(7L, sent.messageThreadId());
        JsonNode body = json.readTree(api.lastRequest().body());
        assertTrue(body.get("chat_id").isIntegralNumber());
        assertEquals(-1009876543210L, body.get("chat_id").asLong());
        assertEquals("HTML", body.get("parse_mode").asText());
        assertEquals("ok", body.at("/reply_markup/inline_keyboard/0/0/callback_data").asText());
        assertFalse(body.has("disable_notification"), "nulls are not sent");
    }

    @Test
    void sendMessageToPublicChannelSendsUsernameAsString() throws Exception {
        api.json("sendMessage", 200, "{\"ok\":true,\"result\":{\"message_id\":5,\"date\":1,\"chat\":{\"id\":-100123,\"type\":\"channel\"}}}");

        assertEquals(5, client.sendMessage("@news", "hello").messageId());
        assertEquals("@news", json.readTree(api.lastRequest().body()).get("chat_id").asText());

        client.sendMessage("-100123", "numeric text becomes a number");
        assertTrue(json.readTree(api.lastRequest().body()).get("chat_id").isIntegralNumber());
    }

    @Test
    void setWebhookSendsSnakeCaseAndOmitsNulls() throws Exception {
        api.json("setWebhook", 200, "{\"ok\":true,\"result\":true,\"description\":\"Webhook was set\"}");

        boolean ok = client.setWebhook(SetWebhookRequest.of("https://example.org/hook", "s3cret_-token")
                .withAllowedUpdates(List.of("message", "callback_query")).withMaxConnections(10));

        assertTrue(ok);
        JsonNode body = json.readTree(api.lastRequest().body());
        assertEquals("https://example.org/hook", body.get("url").asText());
        assertEquals("s3cret_-token", body.get("secret_token").asText());
        assertEquals(2, body.get("allowed_updates").size());
        assertEquals(10, body.get("max_connections").asInt());
        assertFalse(body.has("drop_pending_updates"));
    }

    @Test
    void deleteWebhookSendsDropFlag() throws Exception {
        api.json("deleteWebhook", 200, "{\"ok\":true,\"result\":true,\"description\":\"Webhook was deleted\"}");

        assertTrue(client.deleteWebhook(true));
        assertTrue(json.readTree(api.lastRequest().body()).get("drop_pending_updates").asBoolean());
    }

    @Test
    void getWebhookInfoIsLenient() {
        api.json("getWebhookInfo", 200, """
                {"ok":true,"result":{"url":"https://example.org/hook","has_custom_certificate":false,
                  "pending_update_count":3.0,"last_error_date":1735000000,
                  "last_error_message":"Wrong response from the webhook: 502 Bad Gateway",
                  "max_connections":"40","ip_address":"1.2.3.4","some_future_field":true}}""");

        WebhookInfo info = client.getWebhookInfo();

        assertTrue(info.isSet());
        assertEquals(3, info.pendingUpdateCount());
        assertEquals(1735000000L, info.lastErrorDate());
        assertEquals("Wrong response from the webhook: 502 Bad Gateway", info.lastErrorMessage());
        assertEquals(40, info.maxConnections());
        assertNull(info.allowedUpdates());
    }

    @Test
    void leniencyDoesNotDependOnTheCallersMapper() {
        ObjectMapper strict = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);
        TelegramClient strictClient = new TelegramClient(HttpClient.newHttpClient(), strict, api.baseUrl(), TOKEN);
        api.json("getWebhookInfo", 200, "{\"ok\":true,\"result\":{\"url\":\"\",\"pending_update_count\":0,\"new\":1}}");

        WebhookInfo info = strictClient.getWebhookInfo();

        assertFalse(info.isSet());
        assertFalse(info.hasCustomCertificate(), "missing boolean defaults to false");
    }

    @Test
    void getUpdatesReturnsRawUpdatesAndWaitsLongerThanThePoll() throws Exception {
        // The request timeout is far below the poll time: the client must add the poll time itself.
        TelegramClient shortTimeout = client.withRequestTimeout(Duration.ofMillis(200));
        api.reply("getUpdates", new StubBotApi.Reply(200, "application/json", """
                {"ok":true,"result":[{"update_id":10,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"a"}},
                                                          {"update_id":11,"future_update_type":{"x":1}}]}""", Duration.ofMillis(1200)));

        List<JsonNode> updates = shortTimeout.getUpdates(10, 100, 2, List.of("message"));

        assertEquals(2, updates.size());
        assertEquals(11, updates.get(1).get("update_id").asLong());
        assertTrue(updates.get(1).has("future_update_type"));
        JsonNode body = json.readTree(api.lastRequest().body());
        assertEquals(10, body.get("offset").asLong());
        assertEquals(100, body.get("limit").asInt());
        assertEquals(2, body.get("timeout").asInt());
        assertEquals("message", body.get("allowed_updates").get(0).asText());
    }

    @Test
    void genericCallReadsAnyResultType() {
        api.json("getMyCommands", 200, "{\"ok\":true,\"result\":[{\"command\":\"start\",\"description\":\"Start\"}]}");
        ObjectNode params = json.createObjectNode().put("language_code", "en");

        List<Map<String, String>> commands = client.call("getMyCommands", params,
                json.getTypeFactory().constructCollectionType(List.class,
                        json.getTypeFactory().constructMapType(Map.class, String.class, String.class)));
        JsonNode raw = client.call("getMyCommands", null, JsonNode.class);

        assertEquals("start", commands.get(0).get("command"));
        assertTrue(raw.isArray());
    }

    // ------------------------------------------------------------------ API errors

    @Test
    void tooManyRequestsCarriesRetryAfter() {
        api.json("sendMessage", 429, """
                {"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}""");

        TelegramApiException e = assertThrows(TelegramApiException.class, () -> client.sendMessage(42, "x"));

        assertEquals("sendMessage", e.method());
        assertEquals(429, e.errorCode());
        assertEquals(3, e.retryAfterSeconds());
        assertEquals(TelegramErrorKind.RATE_LIMITED, e.kind());
        assertTrue(e.isRateLimited());
        assertTrue(e.isRetryable());
        assertFalse(e.isChatUnreachable());
        assertEquals("Telegram sendMessage failed: 429 Too Many Requests: retry after 3", e.getMessage());
    }

    @Test
    void retryAfterFallsBackToTheDescription() {
        api.json("sendMessage", 429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 17\"}");

        TelegramApiException e = assertThrows(TelegramApiException.class, () -> client.sendMessage(42, "x"));

        assertEquals(17, e.retryAfterSeconds());
    }

    @Test
    void migratedGroupCarriesTheNewChatId() {
        api.json("sendMessage", 400, """
                {"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat",
                  "parameters":{"migrate_to_chat_id":-1001987654321}}""");

        TelegramApiException e = assertThrows(TelegramApiException.class, () -> client.sendMessage(-4242, "x"));

        assertEquals(TelegramErrorKind.CHAT_MIGRATED, e.kind());
        assertEquals(-1001987654321L, e.migrateToChatId());
        assertNull(e.retryAfterSeconds());
        assertFalse(e.isRetryable());
    }

    @Test
    void blockedUserIsTerminalForTheChat() {
        api.json("sendMessage", 403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}");

        TelegramApiException e = assertThrows(TelegramApiException.class, () -> client.sendMessage(42, "x"));

        assertEquals(TelegramErrorKind.BLOCKED_BY_USER, e.kind());
        assertTrue(e.isChatUnreachable());
        assertFalse(e.isRetryable());
    }

    @Test
    void missingMethodIsNotFound() {
        TelegramApiException e = assertThrows(TelegramApiException.class,
                () -> client.call("sendPaidMedia", null, JsonNode.class));

        assertEquals(404, e.errorCode());
        assertEquals("Not Found", e.description());
        assertEquals(TelegramErrorKind.NOT_FOUND, e.kind());
    }

    @Test
    void errorWithoutErrorCodeUsesHttpStatus() {
        api.json("getMe", 401, "{\"ok\":false,\"description\":\"Unauthorized\"}");

        TelegramApiException e = assertThrows(TelegramApiException.class, () -> client.getMe());

        assertEquals(401, e.errorCode());
        assertEquals(TelegramErrorKind.UNAUTHORIZED, e.kind());
    }

    @Test
    void htmlErrorPageOfAProxyIsARetryableServerError() {
        api.reply("getMe", new StubBotApi.Reply(502, "text/html", """
                <html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>
                <body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>""",
                Duration.ZERO));

        TelegramApiException e = assertThrows(TelegramApiException.class, () -> client.getMe());

        assertEquals(502, e.errorCode());
        assertEquals(TelegramErrorKind.SERVER, e.kind());
        assertTrue(e.isRetryable());
        assertTrue(e.description().startsWith("non-API response (text/html): 502 Bad Gateway 502 Bad Gateway nginx"), e.description());
        assertFalse(e.description().contains("<"), e.description());
        assertFalse(e.description().contains("color"), e.description());
    }

    @Test
    void nonJsonSuccessIsMalformed() {
        api.reply("getMe", new StubBotApi.Reply(200, "text/html", "<html>Welcome to my blog</html>", Duration.ZERO));

        TelegramTransportException e = assertThrows(TelegramTransportException.class, () -> client.getMe());

        assertEquals(TelegramTransportException.Reason.MALFORMED_RESPONSE, e.reason());
        assertFalse(e.isRetryable());
        assertTrue(e.getMessage().contains("Welcome to my blog"), e.getMessage());
    }

    @Test
    void okWithoutResultIsMalformed() {
        api.json("getMe", 200, "{\"ok\":true}");

        TelegramTransportException e = assertThrows(TelegramTransportException.class, () -> client.getMe());

        assertEquals(TelegramTransportException.Reason.MALFORMED_RESPONSE, e.reason());
    }

    @Test
    void resultOfTheWrongShapeIsMalformed() {
        api.json("getUpdates", 200, "{\"ok\":true,\"result\":{\"not\":\"an array\"}}");
        api.json("getMe", 200, "{\"ok\":true,\"result\":[1,2]}");

        assertEquals(TelegramTransportException.Reason.MALFORMED_RESPONSE,
                assertThrows(TelegramTransportException.class, () -> client.getUpdates(0, 1, 0, null)).reason());
        assertEquals(TelegramTransportException.Reason.MALFORMED_RESPONSE,
                assertThrows(TelegramTransportException.class, () -> client.getMe()).reason());
    }

    // ------------------------------------------------------------------ transport errors

    @Test
    void slowServerTimesOut() {
        api.reply("getMe", new StubBotApi.Reply(200, "application/json", "{\"ok\":true,\"result\":{}}", Duration.ofSeconds(3)));
        TelegramClient impatient = client.withRequestTimeout(Duration.ofMillis(200));

        TelegramTransportException e = assertThrows(TelegramTransportException.class, impatient::getMe);

        assertEquals(TelegramTransportException.Reason.TIMEOUT, e.reason());
        assertTrue(e.isRetryable());
        assertEquals("getMe", e.method());
    }

    @Test
    void refusedConnectionIsAConnectFailure() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        TelegramClient nowhere = new TelegramClient(HttpClient.newHttpClient(), json,
                URI.create("http://127.0.0.1:" + port), TOKEN);

        TelegramTransportException e = assertThrows(TelegramTransportException.class, nowhere::getMe);

        assertEquals(TelegramTransportException.Reason.CONNECT, e.reason());
        assertTrue(e.isRetryable());
    }

    // ------------------------------------------------------------------ token safety

    @Test
    void tokenNeverAppearsInExceptionsOrToString() throws IOException {
        api.reply("getMe", new StubBotApi.Reply(404, "text/html",
                "<h1>Not Found</h1><p>The requested URL /bot" + TOKEN + "/getMe was not found on this server.</p>",
                Duration.ZERO));
        api.json("sendMessage", 400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: token "
                + TOKEN.replace(":", "%3A") + " rejected\"}");
        api.reply("getWebhookInfo", new StubBotApi.Reply(200, "text/plain", "echo /bot" + TOKEN, Duration.ZERO));
        api.reply("getUpdates", new StubBotApi.Reply(200, "application/json", "{}", Duration.ofSeconds(3)));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        TelegramClient nowhere = new TelegramClient(HttpClient.newHttpClient(), json,
                URI.create("http://127.0.0.1:" + closedPort), TOKEN);
        TelegramClient impatient = new TelegramClient(HttpClient.newHttpClient(), json, api.baseUrl(), TOKEN);

        List<Executable> failingCalls = List.of(
                client::getMe,
                () -> client.sendMessage(1, "x"),
                client::getWebhookInfo,
                () -> impatient.call("getUpdates", null, JsonNode.class, Duration.ofMillis(100)),
                nowhere::getMe);
        for (Executable call : failingCalls) {
            TelegramException e = assertThrows(TelegramException.class, call);
            assertNoToken(e);
        }
        assertNoToken(client.toString());
        assertTrue(client.toString().contains("bot=123456789"));
        IllegalArgumentException badToken = assertThrows(IllegalArgumentException.class,
                () -> new TelegramClient(HttpClient.newHttpClient(), json, api.baseUrl(), "123:" + SECRET + " "));
        assertNoToken(badToken.getMessage());
    }

    private static void assertNoToken(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertNoToken(trace.toString());
    }

    private static void assertNoToken(String text) {
        assertFalse(text.contains(SECRET), () -> "token leaked: " + text);
    }

    // ------------------------------------------------------------------ configuration

    @Test
    void fromEnvironmentDefaultsToTelegramAndAcceptsSelfHostedUrls() {
        assertEquals(URI.create("https://api.telegram.org"), TelegramClient.fromEnvironment(TOKEN, null).apiBaseUrl());
        assertEquals(URI.create("https://api.telegram.org"), TelegramClient.fromEnvironment(TOKEN, " ").apiBaseUrl());
        assertEquals(URI.create("http://localhost:8081"),
                TelegramClient.fromEnvironment(TOKEN, "http://localhost:8081/").apiBaseUrl());
        assertThrows(IllegalArgumentException.class, () -> TelegramClient.fromEnvironment(TOKEN, "localhost:8081"));
        assertEquals(123456789L, TelegramClient.fromEnvironment(TOKEN, null).botId());
    }

    @Test
    void fromEnvironmentTalksToTheConfiguredServer() {
        api.json("getMe", 200, "{\"ok\":true,\"result\":{\"id\":123456789,\"is_bot\":true,\"first_name\":\"B\"}}");

        assertEquals(123456789L, TelegramClient.fromEnvironment(TOKEN, api.baseUrl().toString()).getMe().id());
    }

    @Test
    void exceptionsAreUnchecked() {
        assertInstanceOf(RuntimeException.class, new TelegramApiException("m", 500, null, null, null));
        assertInstanceOf(RuntimeException.class,
                new TelegramTransportException("m", TelegramTransportException.Reason.IO, "x", null));
    }
}
