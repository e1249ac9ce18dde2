package dev.tgdesk.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tgdesk.domain.UpdateParser;
import dev.tgdesk.emulators.aws.CfnTemplate;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.lambda.LocalLambdaContext;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.emulators.telegram.Fault;
import dev.tgdesk.telegram.SetWebhookRequest;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.telegram.WebhookInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The custom resource's handler against the fake Telegram (infra/emulators) and a tiny local HTTP server standing in
 * for CloudFormation's pre-signed S3 ResponseURL (it also receives the fake's webhook deliveries, so the secret token
 * Telegram echoes can be checked). Properties are the template's own TelegramWebhook properties. Each test has a bot
 * of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookRegistrationHandlerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicLong BOT_IDS = new AtomicLong(700_000_000L + System.nanoTime() % 1_000_000);
    static final String SECRET = "first-webhook-secret_0123456789";
    static final String NEW_SECRET = "second-webhook-secret_9876543210";

    /** One PUT to the ResponseURL. */
    record Answer(String path, String contentType, JsonNode body, long atNanos) {
    }

    FakeTelegram telegram;
    HttpServer s3;
    final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    final AtomicInteger failNextAnswers = new AtomicInteger();
    final Map<String, BlockingQueue<String>> deliveries = new java.util.concurrent.ConcurrentHashMap<>();
    JsonNode templateProperties;

    @BeforeAll
    void start() throws IOException {
        telegram = new FakeTelegram(FakeTelegram.Options.defaults().withWebhookRetry(Duration.ofMillis(100), Duration.ofMillis(500))).start();
        s3 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s3.createContext("/cfn/", this::answer);
        s3.createContext("/telegram/", this::delivery);
        s3.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        s3.start();
        templateProperties = CfnTemplate.load(TemplateResources.locateTemplate()).resource("TelegramWebhook").orElseThrow().properties();
    }

    @AfterAll
    void stop() {
        if (s3 != null) s3.stop(0);
        if (telegram != null) telegram.close();
    }

    private void answer(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        if (failNextAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            ex.sendResponseHeaders(503, -1);
            ex.close();
            return;
        }
        assertEquals("PUT", ex.getRequestMethod());
        answers.add(new Answer(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Content-Type"), JSON.readTree(body), System.nanoTime()));
        ex.sendResponseHeaders(200, -1);
        ex.close();
    }

    private void delivery(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
        String secret = ex.getRequestHeaders().getFirst("X-Telegram-Bot-Api-Secret-Token");
        deliveries.computeIfAbsent(ex.getRequestURI().getPath(), p -> new LinkedBlockingQueue<>()).add(secret == null ? "<none>" : secret);
        ex.sendResponseHeaders(200, -1);
        ex.close();
    }

    // ---------------------------------------------------------------- helpers

    FakeBot newBot() {
        long id = BOT_IDS.incrementAndGet();
        return telegram.addBot(id + ":AAsetupTestToken_" + UUID.randomUUID().toString().replace("-", ""), "setup_" + id + "_bot");
    }

    String url(String path) {
        return "http://127.0.0.1:" + s3.getAddress().getPort() + path;
    }

    /** The template's TelegramWebhook properties as CloudFormation sends them (scalars as strings), with values filled in. */
    ObjectNode properties(FakeBot bot, String url, String secret) {
        ObjectNode p = JSON.createObjectNode();
        templateProperties.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isValueNode()) p.put(e.getKey(), v.asText());
            else if (v.isArray()) {
                ArrayNode a = p.putArray(e.getKey());
                v.forEach(x -> a.add(x.asText()));
            }
        });
        p.put("ServiceToken", "arn:aws:lambda:eu-central-1:000000000000:function:tgdesk-SetupFunction-abc");
        p.put("Url", url);
        p.put("SecretToken", secret);
        p.put("BotId", Long.toString(bot.id()));
        return p;
    }

    ObjectNode event(String type, ObjectNode properties, ObjectNode old, String physicalId) {
        String requestId = UUID.randomUUID().toString();
        ObjectNode e = JSON.createObjectNode()
                .put("RequestType", type)
                .put("ServiceToken", properties.path("ServiceToken").asText())
                .put("ResponseURL", url("/cfn/" + requestId) + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc")
                .put("StackId", "arn:aws:cloudformation:eu-central-1:000000000000:stack/tgdesk/" + UUID.randomUUID())
                .put("RequestId", requestId)
                .put("LogicalResourceId", "TelegramWebhook")
                .put("ResourceType", "Custom::TelegramWebhook");
        if (physicalId != null) e.put("PhysicalResourceId", physicalId);
        e.set("ResourceProperties", properties);
        if (old != null) e.set("OldResourceProperties", old);
        return e;
    }

    record Run(Answer answer, String logs, long tookMillis) {
        JsonNode body() {
            return answer.body();
        }

        String status() {
            return answer.body().path("Status").asText();
        }

        String reason() {
            return answer.body().path("Reason").asText();
        }
    }

    Map<String, String> env(FakeBot bot) {
        return Map.of("TELEGRAM_BOT_TOKEN", bot.token(), "TELEGRAM_API_URL", telegram.baseUrl().toString());
    }

    WebhookRegistrationHandler handler(Map<String, String> env, ByteArrayOutputStream logs) {
        return new WebhookRegistrationHandler(env, () -> {
            throw new AssertionError("Secrets Manager is not used when TELEGRAM_BOT_TOKEN is set");
        }, CloudFormationResponder.defaultHttpClient(), new PrintStream(logs, true, StandardCharsets.UTF_8));
    }

    Run run(WebhookRegistrationHandler handler, ByteArrayOutputStream logs, ObjectNode event, Duration lambdaTimeout) throws Exception {
        answers.clear();
        long start = System.nanoTime();
        var context = new LocalLambdaContext("SetupFunction", System.currentTimeMillis() + lambdaTimeout.toMillis(), 512);
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), new ByteArrayOutputStream(), context);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Answer a = answers.poll(1, TimeUnit.SECONDS);
        assertNotNull(a, "CloudFormation was answered (the handler returns only after the PUT)");
        assertEquals(event.get("RequestId").asText(), a.path().substring("/cfn/".length()), "the answer went to the request's ResponseURL");
        assertEquals("", a.contentType() == null ? "" : a.contentType(), "an empty Content-Type, as the pre-signed URL requires");
        assertEquals(event.get("StackId").asText(), a.body().path("StackId").asText());
        assertEquals(event.get("RequestId").asText(), a.body().path("RequestId").asText());
        assertEquals("TelegramWebhook", a.body().path("LogicalResourceId").asText());
        assertFalse(a.body().path("PhysicalResourceId").asText().isBlank());
        assertFalse(a.body().path("Reason").asText().isBlank());
        assertTrue(JSON.writeValueAsBytes(a.body()).length < 4096, "under CloudFormation's 4 KB");
        assertNull(answers.poll(200, TimeUnit.MILLISECONDS), "exactly one answer");
        return new Run(a, logs.toString(StandardCharsets.UTF_8), took);
    }

    Run run(WebhookRegistrationHandler handler, ByteArrayOutputStream logs, ObjectNode event) throws Exception {
        return run(handler, logs, event, Duration.ofSeconds(60));
    }

    static void assertNull(Object o, String message) {
        org.junit.jupiter.api.Assertions.assertNull(o, message);
    }

    static void assertNoSecrets(String text, String... secrets) {
        for (String s : secrets) {
            assertFalse(text.contains(s), "must not contain a secret: " + text);
            if (s.contains(":")) assertFalse(text.contains(s.substring(s.indexOf(':') + 1)), "must not contain the token's secret half: " + text);
        }
    }

    WebhookInfo info(FakeBot bot) {
        return new TelegramClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), new ObjectMapper(),
                telegram.baseUrl(), bot.token()).getWebhookInfo();
    }

    String awaitDelivery(String path) throws InterruptedException {
        String secret = deliveries.computeIfAbsent(path, p -> new LinkedBlockingQueue<>()).poll(10, TimeUnit.SECONDS);
        assertNotNull(secret, "the fake Telegram delivered an update to " + path);
        return secret;
    }

    // ---------------------------------------------------------------- tests

    @Test
    void createUpdateAndDeleteWithTheTokenFromSecretsManager() throws Exception {
        LocalAws aws = LocalAws.shared();
        assumeTrue(aws.mode() != LocalAws.Mode.EXTERNAL, "needs moto or LocalStack for Secrets Manager");
        FakeBot bot = newBot();
        Supplier<SecretsManagerClient> secrets = () -> aws.configure(SecretsManagerClient.builder(), "SECRETS_MANAGER")
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        String arn;
        try (SecretsManagerClient sm = secrets.get()) {
            arn = sm.createSecret(b -> b.name("setup-test-bot-token-" + bot.id()).secretString(bot.token())).arn();
        }
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        var handler = new WebhookRegistrationHandler(Map.of("BOT_TOKEN_SECRET_ARN", arn, "TELEGRAM_API_URL", telegram.baseUrl().toString()),
                secrets, CloudFormationResponder.defaultHttpClient(), new PrintStream(logs, true, StandardCharsets.UTF_8));

        // a client wrote while no webhook was set: the update waits at Telegram and must not be dropped
        FakeUser ann = telegram.addUser("Ann", "ann_" + bot.id());
        bot.userSends(ann, "hello before the deploy");

        String hook = "/telegram/webhook-" + bot.id();
        ObjectNode props = properties(bot, url(hook), SECRET);
        Run created = run(handler, logs, event("Create", props, null, null));
        assertEquals("SUCCESS", created.status(), created.reason());
        String physicalId = "telegram-webhook-" + bot.id();
        assertEquals(physicalId, created.body().path("PhysicalResourceId").asText());
        assertEquals(url(hook), created.body().path("Data").path("Url").asText());
        WebhookInfo info = info(bot);
        assertEquals(url(hook), info.url());
        List<String> expectedKinds = List.copyOf(new TreeSet<>(UpdateParser.HANDLED_KINDS));
        assertEquals(expectedKinds, info.allowedUpdates());
        assertEquals(40, info.maxConnections());
        assertEquals(SECRET, awaitDelivery(hook), "the pending update arrives, with the secret token");

        // Update: a new URL, a new secret (the WebhookSecret parameter changed) → registered again, same resource
        String hook2 = "/telegram/webhook2-" + bot.id();
        ObjectNode props2 = properties(bot, url(hook2), NEW_SECRET).put("Revision", "2");
        Run updated = run(handler, logs, event("Update", props2, props, physicalId));
        assertEquals("SUCCESS", updated.status(), updated.reason());
        assertEquals(physicalId, updated.body().path("PhysicalResourceId").asText(), "same bot: the same resource");
        assertEquals(url(hook2), info(bot).url());
        bot.userSends(ann, "hello after the update");
        assertEquals(NEW_SECRET, awaitDelivery(hook2));

        // an Update with nothing changed but Revision registers again, harmlessly
        Run again = run(handler, logs, event("Update", properties(bot, url(hook2), NEW_SECRET).put("Revision", "3"), props2, physicalId));
        assertEquals("SUCCESS", again.status(), again.reason());

        // Delete: the webhook still points here → removed; what Telegram holds is kept
        Run deleted = run(handler, logs, event("Delete", props2, null, physicalId));
        assertEquals("SUCCESS", deleted.status(), deleted.reason());
        assertEquals(physicalId, deleted.body().path("PhysicalResourceId").asText());
        assertTrue(deleted.reason().contains("deleted"), deleted.reason());
        assertFalse(info(bot).isSet());

        // nothing secret anywhere: answers or logs
        for (Run r : List.of(created, updated, again, deleted)) assertNoSecrets(r.body().toString(), SECRET, NEW_SECRET, bot.token());
        assertNoSecrets(deleted.logs(), SECRET, NEW_SECRET, bot.token());
    }

    @Test
    void deleteLeavesAWebhookThatPointsElsewhereOrBelongsToAnotherResource() throws Exception {
        FakeBot bot = newBot();
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        var handler = handler(env(bot), logs);
        ObjectNode props = properties(bot, url("/telegram/ours-" + bot.id()), SECRET);
        assertEquals("SUCCESS", run(handler, logs, event("Create", props, null, null)).status());

        // someone pointed the bot elsewhere by hand since
        String elsewhere = url("/telegram/elsewhere-" + bot.id());
        new TelegramClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), new ObjectMapper(), telegram.baseUrl(), bot.token())
                .setWebhook(SetWebhookRequest.of(elsewhere, "another-secret_123"));
        Run r = run(handler, logs, event("Delete", props, null, "telegram-webhook-" + bot.id()));
        assertEquals("SUCCESS", r.status());
        assertTrue(r.reason().startsWith("left the webhook alone"), r.reason());
        assertEquals(elsewhere, info(bot).url(), "not ours any more: left as it is");

        // a resource registered for another bot (the token changed bots): not this bot's webhook to remove
        Run other = run(handler, logs, event("Delete", properties(bot, elsewhere, SECRET), null, "telegram-webhook-42"));
        assertEquals("SUCCESS", other.status());
        assertTrue(other.reason().contains("another bot"), other.reason());
        assertEquals(elsewhere, info(bot).url());

        // no webhook at all
        new TelegramClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), new ObjectMapper(), telegram.baseUrl(), bot.token())
                .deleteWebhook(false);
        Run none = run(handler, logs, event("Delete", props, null, "telegram-webhook-" + bot.id()));
        assertEquals("SUCCESS", none.status());
        assertEquals("no webhook was set", none.reason());
    }

    @Test
    void telegramRefusingIsFailedWithItsDescriptionAndAnUpdateKeepsItsId() throws Exception {
        FakeBot bot = newBot();
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        var handler = handler(env(bot), logs);
        Run r = run(handler, logs, event("Create", properties(bot, "ftp://example.org/telegram/webhook", SECRET), null, null));
        assertEquals("FAILED", r.status());
        assertTrue(r.reason().contains("Bad Request: bad webhook: An HTTPS URL must be provided for webhook"), r.reason());
        assertTrue(r.reason().contains("log stream"), "points to the log: " + r.reason());
        assertFalse(info(bot).isSet());

        // Update refused: the resource keeps the id CloudFormation knows; the webhook set before stays
        ObjectNode good = properties(bot, url("/telegram/good-" + bot.id()), SECRET);
        assertEquals("SUCCESS", run(handler, logs, event("Create", good, null, null)).status());
        Run refused = run(handler, logs, event("Update", properties(bot, "not a url at all", SECRET), good, "telegram-webhook-" + bot.id()));
        assertEquals("FAILED", refused.status());
        assertEquals("telegram-webhook-" + bot.id(), refused.body().path("PhysicalResourceId").asText());
        assertTrue(refused.reason().contains("Bad Request: bad webhook"), refused.reason());
        assertEquals(url("/telegram/good-" + bot.id()), info(bot).url());

        // a secret Telegram refuses: its description, never the secret itself
        String badSecret = "bad secret with spaces!";
        Run secret = run(handler, logs, event("Update", properties(bot, url("/telegram/good-" + bot.id()), badSecret), good, "telegram-webhook-" + bot.id()));
        assertEquals("FAILED", secret.status());
        assertTrue(secret.reason().contains("secret token contains unallowed characters"), secret.reason());
        assertNoSecrets(secret.body().toString() + secret.logs(), badSecret, SECRET, bot.token());
    }

    @Test
    void aStackForAnotherBotThanTheTokenIsRefused() throws Exception {
        FakeBot bot = newBot();
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        Run r = run(handler(env(bot), logs), logs, event("Create", properties(bot, url("/telegram/x"), SECRET).put("BotId", "42"), null, null));
        assertEquals("FAILED", r.status());
        assertTrue(r.reason().contains("for bot " + bot.id() + ", but the stack was deployed for bot 42"), r.reason());
        assertFalse(info(bot).isSet());
    }

    @Test
    void floodWaitsAreWaitedOut() throws Exception {
        FakeBot bot = newBot();
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        bot.failNext("setWebhook", 1, Fault.tooManyRequests(1));
        bot.failNext("setWebhook", 1, Fault.internalServerError());
        Run r = run(handler(env(bot), logs), logs, event("Create", properties(bot, url("/telegram/flood-" + bot.id()), SECRET), null, null));
        assertEquals("SUCCESS", r.status(), r.reason());
        assertTrue(r.tookMillis() >= 1000, "waited retry_after");
        assertEquals(url("/telegram/flood-" + bot.id()), info(bot).url());
    }

    @Test
    void aSilentTelegramIsAnsweredBeforeTheLambdaTimesOut() throws Exception {
        FakeBot bot = newBot();
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        var handler = handler(env(bot), logs);
        // every call is swallowed for 30 s; the invocation has 8 s: the work gets 3, the answer the rest
        bot.failNext("*", 20, Fault.lost(Duration.ofSeconds(30)));
        Run create = run(handler, logs, event("Create", properties(bot, url("/telegram/slow-" + bot.id()), SECRET), null, null), Duration.ofSeconds(8));
        assertEquals("FAILED", create.status());
        assertTrue(create.reason().contains("in time") || create.reason().contains("within"), create.reason());
        assertTrue(create.tookMillis() < 7_500, "answered before the Lambda timeout: " + create.tookMillis() + " ms");
        assertEquals("telegram-webhook-" + bot.id(), create.body().path("PhysicalResourceId").asText(),
                "the rollback's Delete gets the id a success would have had (Telegram may have set it after all)");

        Run delete = run(handler, logs, event("Delete", properties(bot, url("/telegram/slow-" + bot.id()), SECRET), null, "telegram-webhook-" + bot.id()),
                Duration.ofSeconds(8));
        assertEquals("SUCCESS", delete.status(), "a delete never wedges the stack");
        assertTrue(delete.reason().startsWith("left the webhook as it is"), delete.reason());
        assertTrue(delete.tookMillis() < 7_500, delete.tookMillis() + " ms");
        bot.clearFaults();
    }

    @Test
    void anUnreachableTelegramOrMissingConfigurationIsStillAnswered() throws Exception {
        FakeBot bot = newBot();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        var unreachable = handler(Map.of("TELEGRAM_BOT_TOKEN", bot.token(), "TELEGRAM_API_URL", "http://127.0.0.1:" + closedPort), logs);
        Run r = run(unreachable, logs, event("Create", properties(bot, url("/telegram/x"), SECRET), null, null), Duration.ofSeconds(9));
        assertEquals("FAILED", r.status());
        assertTrue(r.reason().contains("could not connect to 127.0.0.1:" + closedPort), r.reason());
        assertNoSecrets(r.body().toString() + r.logs(), SECRET, bot.token());

        var unconfigured = handler(Map.of(), logs);
        Run noToken = run(unconfigured, logs, event("Create", properties(bot, url("/telegram/x"), SECRET), null, null));
        assertEquals("FAILED", noToken.status());
        assertTrue(noToken.reason().contains("TELEGRAM_BOT_TOKEN or BOT_TOKEN_SECRET_ARN"), noToken.reason());
        assertEquals("TelegramWebhook-unregistered", noToken.body().path("PhysicalResourceId").asText());
        Run deleteAnyway = run(unconfigured, logs, event("Delete", properties(bot, url("/telegram/x"), SECRET), null, "TelegramWebhook-unregistered"));
        assertEquals("SUCCESS", deleteAnyway.status(), deleteAnyway.reason());
        Run neverRegistered = run(handler(env(bot), logs), logs, event("Delete", properties(bot, url("/telegram/x"), SECRET), null,
                "TelegramWebhook-unregistered"));
        assertEquals("SUCCESS", neverRegistered.status());
        assertEquals("nothing to remove: this resource never registered a webhook", neverRegistered.reason());

        ObjectNode noUrl = properties(bot, "x", SECRET);
        noUrl.remove("Url");
        Run missingUrl = run(handler(env(bot), logs), logs, event("Create", noUrl, null, null));
        assertEquals("FAILED", missingUrl.status());
        assertTrue(missingUrl.reason().contains("Url property is required"), missingUrl.reason());

        Run unknown = run(handler(env(bot), logs), logs, event("Replace", properties(bot, url("/telegram/x"), SECRET), null, "telegram-webhook-" + bot.id()));
        assertEquals("FAILED", unknown.status());
        assertTrue(unknown.reason().contains("unknown RequestType Replace"), unknown.reason());

        // not a CloudFormation request at all: nothing to answer, and no crash
        handler(env(bot), logs).handleRequest(new ByteArrayInputStream("{\"hello\":1}".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), null);
        handler(env(bot), logs).handleRequest(new ByteArrayInputStream("not json".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), null);
    }

    @Test
    void theAnswerIsRetriedWhenS3Fails() throws Exception {
        FakeBot bot = newBot();
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        failNextAnswers.set(2);
        Run r = run(handler(env(bot), logs), logs, event("Create", properties(bot, url("/telegram/retry-" + bot.id()), SECRET), null, null));
        assertEquals("SUCCESS", r.status());
        assertEquals(0, failNextAnswers.get());
    }

    @Test
    void theTemplateWiresTheResourceToThisFunctionWithTheHandledKinds() {
        CfnTemplate template = CfnTemplate.load(TemplateResources.locateTemplate());
        CfnTemplate.Resource resource = template.resource("TelegramWebhook").orElseThrow();
        assertEquals("Custom::TelegramWebhook", resource.type());
        JsonNode p = resource.properties();
        List<String> kinds = new ArrayList<>();
        p.path("AllowedUpdates").forEach(k -> kinds.add(k.asText()));
        assertEquals(new TreeSet<>(UpdateParser.HANDLED_KINDS), new TreeSet<>(kinds), "AllowedUpdates = UpdateParser.HANDLED_KINDS");
        assertEquals(WebhookSettings.defaultAllowedUpdates(), kinds, "in the order the function would use");
        assertEquals(template.root().path("Outputs").path("WebhookUrl").path("Value"), p.path("Url"), "the WebhookUrl output");
        assertEquals("WebhookSecret", p.path("SecretToken").path("Ref").asText());
        assertTrue(p.has("Revision"));
        assertTrue(p.path("ServiceTimeout").asInt() > 60, "CloudFormation stops waiting before an hour");
        assertEquals("SetupFunction", CfnTemplate.getAtt(p.path("ServiceToken")).orElseThrow().resource());
        CfnTemplate.Resource function = template.resource("SetupFunction").orElseThrow();
        assertEquals(WebhookRegistrationHandler.class.getName() + "::handleRequest", function.properties().path("Handler").asText());
        assertTrue(function.properties().path("Timeout").asInt() * 1000L > WebhookRegistrationHandler.RESPONSE_RESERVE.toMillis(),
                "the function has time to work and to answer");
        assertEquals("BotTokenSecret", template.functionEnvironment(function).get("BOT_TOKEN_SECRET_ARN").path("Ref").asText());
        List<String> dependsOn = new ArrayList<>();
        template.root().path("Resources").path("TelegramWebhook").path("DependsOn").forEach(d -> dependsOn.add(d.asText()));
        assertTrue(dependsOn.contains("SetupFunctionLogGroup"), "the log group exists before the function's first run: " + dependsOn);
    }

    @Test
    void settingsNeverPrintTheSecret() {
        var request = CustomResourceRequest.from(event("Create", properties(newBot(), "https://example.org/hook", SECRET), null, null));
        assertFalse(request.toString().contains(SECRET));
        assertFalse(WebhookSettings.from(request).toString().contains(SECRET));
        assertFalse(WebhookSettings.from(request).toRequest().toString().contains(SECRET));
    }
}
