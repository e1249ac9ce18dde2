package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.inbox.InboundEnvelope;
import dev.tgdesk.storage.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local runtime in its default mode (no token: the in-repo fake Telegram calls our webhook), against real
 * emulators and over real HTTP. One runtime for the class; each test uses its own simulated users.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalRuntimeTest {

    @TempDir
    static Path stateDir; // unused without polling; keeps a stray .local out of the module

    LocalRuntime local;
    Stored stored;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() {
        local = LocalRuntime.start(LocalConfig.defaults().withPort(0).withStateDir(stateDir).withoutPipeline()
                .withResourcePrefix(Stored.uniquePrefix("fake")), LocalAws.shared());
        stored = new Stored(local);
    }

    @AfterAll
    void stop() {
        if (stored != null) stored.close();
        if (local != null) local.close();
        http.close();
    }

    @BeforeEach
    void emptyQueue() {
        stored.purgeQueue();
    }

    @Test
    void runnerPrintsWhereEverythingListens() {
        var bytes = new java.io.ByteArrayOutputStream();
        LocalRunner.printSummary(local, new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        String printed = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(printed.contains("tgdesk local stack is up"), printed);
        assertTrue(printed.contains("POST " + local.webhookUrl() + "   header X-Telegram-Bot-Api-Secret-Token: "
                + LocalConfig.DEFAULT_SECRET), printed);
        assertTrue(printed.contains("DynamoDB table:    " + local.tableName()), printed);
        assertTrue(printed.contains("inbound queue:     " + local.queueUrl()), printed);
        assertTrue(printed.contains("simulated at " + local.fakeTelegram().baseUrl()), printed);
        assertTrue(printed.contains("--endpoint-url http://127.0.0.1:" + local.apiPort() + " --function-name WebhookFunction"), printed);
    }

    // ---- fake Telegram mode: simulated users reach the stored inbox ------------------------------------

    @Test
    void runsWithTheFakeTelegramWhenThereIsNoToken() {
        assertFalse(local.pollsTelegram());
        assertNull(local.offsetFile());
        assertNotNull(local.fakeTelegram());
        assertEquals(Long.toString(local.fakeBot().id()), local.botId());
        assertTrue(local.apiPort() > 0, "port 0 resolved to the bound port");
        assertEquals(URI.create("http://127.0.0.1:" + local.apiPort() + "/telegram/webhook"), local.webhookUrl());
        assertEquals(local.webhookUrl(), local.fakeBot().webhookUrl(), "the fake delivers to our webhook");
        assertEquals(LocalConfig.DEFAULT_SECRET, local.webhookSecret());
    }

    @Test
    void simulatedStartAndMessageAreDeliveredByTheFakeAndStored() {
        FakeBot bot = local.fakeBot();
        FakeUser ann = local.fakeTelegram().addUser("Ann", "ann");
        long startId = bot.userStarts(ann).get("update_id").asLong();
        long textId = bot.userSends(ann, "Hello from Ann").get("update_id").asLong();
        assertTrue(bot.awaitNoPendingUpdates(Duration.ofSeconds(20)), "the fake delivered both updates to the webhook");

        Map<String, AttributeValue> chat = stored.chat(ann.id());
        String dialogId = chat.get("activeDialogId").s();
        Map<String, AttributeValue> dialog = stored.dialog(dialogId);
        assertEquals("open", dialog.get("status").s());
        assertEquals("private", dialog.get("kind").s());
        assertEquals("Hello from Ann", dialog.get("lastPreview").s());
        assertEquals(2, stored.entries(dialogId).size());
        assertEquals(List.of("/start", "Hello from Ann"), stored.texts(ann.id()));
        assertFalse(stored.updateMarker(startId).isEmpty());
        assertFalse(stored.updateMarker(textId).isEmpty());
        assertEquals("Ann", stored.item(Keys.contact(local.botId(), ann.id()), Keys.PROFILE_SK).get("firstName").s());

        List<InboundEnvelope> queued = stored.drainEnvelopes(ann.id(), 2);
        assertEquals(List.of(startId, textId), queued.stream().map(InboundEnvelope::updateId).toList());
        assertEquals(List.of(1L, 2L), queued.stream().map(InboundEnvelope::seq).toList());
        queued.forEach(e -> assertEquals(dialogId, e.dialogId()));
    }

    @Test
    void localSimulateEndpointMakesANewUserWriteToTheBot() throws Exception {
        var first = post("/local/simulate", Map.of(), "{\"first_name\":\"Bob\",\"username\":\"bob\",\"text\":\"/start\"}");
        assertEquals(200, first.statusCode(), first.body());
        JsonNode answer = Stored.JSON.readTree(first.body());
        long bob = answer.get("user_id").asLong();
        assertEquals("/start", answer.at("/update/message/text").asText());
        var second = post("/local/simulate", Map.of(), "{\"user_id\":" + bob + ",\"text\":\"need help\"}");
        assertEquals(200, second.statusCode(), second.body());
        assertEquals(bob, Stored.JSON.readTree(second.body()).get("user_id").asLong(), "the same user");

        stored.awaitHistory(bob, 2);
        assertEquals(List.of("/start", "need help"), stored.texts(bob));
        assertEquals(2, stored.drainEnvelopes(bob, 2).size());

        assertEquals(400, post("/local/simulate", Map.of(), "{not json").statusCode());
        assertEquals(405, send(HttpRequest.newBuilder(local.apiUrl().resolve("/local/simulate")).GET()).statusCode());
    }

    // ---- the API Gateway stand-in over real HTTP ---------------------------------------------------------

    @Test
    void wrongOrMissingSecretIs401AndStoresNothing() throws Exception {
        long user = 6_100_000_001L;
        long updateId = 600_000_001L;
        String update = "{\"update_id\":" + updateId + ",\"message\":{\"message_id\":1,\"from\":{\"id\":" + user
                + ",\"is_bot\":false,\"first_name\":\"Mallory\"},\"chat\":{\"id\":" + user
                + ",\"first_name\":\"Mallory\",\"type\":\"private\"},\"date\":1764160000,\"text\":\"sneaky\"}}";

        var wrong = post("/telegram/webhook", Map.of("X-Telegram-Bot-Api-Secret-Token", "not-the-secret"), update);
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().contains("secret"), wrong.body());
        assertEquals(401, post("/telegram/webhook", Map.of(), update).statusCode());

        assertTrue(stored.chat(user).isEmpty());
        assertTrue(stored.updateMarker(updateId).isEmpty());
        assertTrue(stored.item(Keys.contact(local.botId(), user), Keys.PROFILE_SK).isEmpty());
        assertEquals(0, stored.drainEnvelopes(user, 0).size());
    }

    @Test
    void unknownRouteIs404LikeApiGateway() throws Exception {
        var unknown = post("/no/such/route", Map.of(), "{}");
        assertEquals(404, unknown.statusCode());
        assertEquals("{\"message\":\"Not Found\"}", unknown.body());
        var wrongMethod = send(HttpRequest.newBuilder(local.webhookUrl()).GET());
        assertEquals(404, wrongMethod.statusCode(), "only POST /telegram/webhook is a route");
        assertEquals("{\"message\":\"Not Found\"}", wrongMethod.body());
    }

    @Test
    void lambdaInvokeApiRunsTheFunctionOnASampleEvent() throws Exception {
        Path sample = Stored.repoRoot().resolve("events/webhook-text.json");
        String event = Files.readString(sample);
        JsonNode update = Stored.JSON.readTree(Stored.JSON.readTree(event).get("body").asText());
        long chatId = update.at("/message/chat/id").asLong();

        var response = post("/2015-03-31/functions/WebhookFunction/invocations", Map.of(), event);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("$LATEST", response.headers().firstValue("X-Amz-Executed-Version").orElse(null));
        JsonNode proxy = Stored.JSON.readTree(response.body());
        assertEquals(200, proxy.get("statusCode").asInt(), response.body());
        assertEquals("application/json", proxy.at("/headers/content-type").asText());
        assertFalse(proxy.get("isBase64Encoded").asBoolean());
        JsonNode body = Stored.JSON.readTree(proxy.get("body").asText());
        assertTrue(body.get("ok").asBoolean());
        assertTrue(List.of("stored", "duplicate").contains(body.get("outcome").asText()), body.toString());

        assertFalse(stored.updateMarker(update.get("update_id").asLong()).isEmpty());
        assertTrue(stored.texts(chatId).contains(update.at("/message/text").asText()));

        // the function's own 401 comes back inside a 200 Invoke answer, as from Lambda
        var refused = post("/2015-03-31/functions/WebhookFunction/invocations", Map.of(),
                Files.readString(Stored.repoRoot().resolve("events/webhook-wrong-secret.json")));
        assertEquals(200, refused.statusCode());
        assertEquals(401, Stored.JSON.readTree(refused.body()).get("statusCode").asInt());
    }

    @Test
    void aSampleEventFilePostedToTheWebhookRouteIsReplayedAsThatEvent() throws Exception {
        String event = Files.readString(Stored.repoRoot().resolve("events/webhook-document.json"));
        JsonNode update = Stored.JSON.readTree(Stored.JSON.readTree(event).get("body").asText());
        var response = send(HttpRequest.newBuilder(local.webhookUrl()).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event)));
        assertEquals(200, response.statusCode(), response.body());
        assertFalse(stored.updateMarker(update.get("update_id").asLong()).isEmpty());

        // the recorded event's own headers count: its wrong secret is refused
        var refused = send(HttpRequest.newBuilder(local.webhookUrl()).header("content-type", "application/json")
                .header("X-Telegram-Bot-Api-Secret-Token", local.webhookSecret())
                .POST(HttpRequest.BodyPublishers.ofString(Files.readString(Stored.repoRoot().resolve("events/webhook-wrong-secret.json")))));
        assertEquals(401, refused.statusCode());
    }

    @Test
    void lambdaInvokeApiAnswers404ForAnUnknownFunction() throws Exception {
        var response = post("/2015-03-31/functions/NoSuchFunction/invocations", Map.of(), "{}");
        assertEquals(404, response.statusCode());
        assertEquals("ResourceNotFoundException", response.headers().firstValue("x-amzn-ErrorType").orElse(null));
        assertTrue(response.body().contains("NoSuchFunction"), response.body());
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    HttpResponse<String> post(String path, Map<String, String> headers, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(local.apiUrl().resolve(path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
