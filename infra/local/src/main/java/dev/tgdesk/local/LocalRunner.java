package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.tgdesk.domain.Json;
import dev.tgdesk.domain.UpdateParser;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.inbox.UpdateIngest;
import dev.tgdesk.inbox.WebhookEndpoint;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.storage.DynamoInboxStore;
import dev.tgdesk.telegram.SetWebhookRequest;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.webhook.WebhookHandler;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the whole backend on a laptop with no AWS account and no Docker: the template's table and queues
 * on emulators, the real Lambda handlers behind a local API Gateway, and Telegram either for real
 * ({@code TELEGRAM_BOT_TOKEN} set: getUpdates long polling) or simulated (no token: the in-repo fake).
 *
 * <p>Environment: {@code LOCAL_PORT} (3000), {@code WEBHOOK_SECRET} (local-dev-webhook-secret),
 * {@code TELEGRAM_BOT_TOKEN}, {@code TELEGRAM_API_URL}, and {@code AWS_ENDPOINT_URL[_SERVICE]} to use
 * emulators you run yourself (e.g. LocalStack) instead of starting moto + ElasticMQ.
 */
public final class LocalRunner {

    static final String DEFAULT_SECRET = "local-dev-webhook-secret";
    static final String WEBHOOK_PATH = "/telegram/webhook";

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        int port = Integer.parseInt(env.getOrDefault("LOCAL_PORT", "3000"));
        String secret = env.getOrDefault("WEBHOOK_SECRET", DEFAULT_SECRET);
        String token = env.get("TELEGRAM_BOT_TOKEN");
        PrintStream out = System.out;
        ObjectMapper json = Json.mapper();

        LocalAws aws = LocalAws.start();
        LocalResources resources = TemplateResources.create(aws);
        String table = resources.tableName("DataTable");
        String queueUrl = resources.queueUrl("InboundQueue");

        FakeTelegram fake = null;
        FakeBot fakeBot = null;
        URI telegramApi;
        if (token == null || token.isBlank()) {
            fake = new FakeTelegram(FakeTelegram.Options.defaults().withPort(Integer.parseInt(env.getOrDefault("FAKE_TELEGRAM_PORT", "0")))).start();
            fakeBot = fake.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
            token = FakeTelegram.DEFAULT_TOKEN;
            telegramApi = fake.baseUrl();
        } else {
            telegramApi = URI.create(env.getOrDefault(TelegramClient.API_URL_ENV, TelegramClient.DEFAULT_API_URL.toString()));
        }
        TelegramClient telegram = new TelegramClient(java.net.http.HttpClient.newHttpClient(), json, telegramApi, token);
        String botId = Long.toString(telegram.botId());

        var store = new DynamoInboxStore(aws.dynamoDb(), table, json);
        var queue = new SqsInboundQueue(aws.sqs(), queueUrl, json);
        var webhook = new WebhookHandler(new WebhookEndpoint(botId, secret, json, new UpdateIngest(store, queue, json),
                EmfMetrics.forFunction("webhook")));

        ApiGatewayServer api = new ApiGatewayServer("127.0.0.1", port,
                List.of(new ApiGatewayServer.Route("POST", WEBHOOK_PATH, "WebhookFunction")),
                Map.of("WebhookFunction", webhook));
        URI webhookUrl = URI.create("http://127.0.0.1:" + api.port() + WEBHOOK_PATH);
        List<String> allowed = List.copyOf(new java.util.TreeSet<>(UpdateParser.HANDLED_KINDS));

        TelegramPoller poller = null;
        if (fake != null) {
            // like a deployment: Telegram (here the fake) calls our webhook with the secret
            telegram.setWebhook(SetWebhookRequest.of(webhookUrl.toString(), secret).withAllowedUpdates(allowed));
            api.addContext("/local/simulate", simulator(fake, fakeBot, json));
        } else {
            poller = new TelegramPoller(telegram, webhookUrl, secret, allowed, Path.of(".local", "telegram-offset-" + botId));
            Thread.ofPlatform().name("telegram-poller").daemon().start(poller);
        }

        out.println();
        out.println("tgdesk local stack is up");
        out.println("  AWS emulators:     " + aws.mode() + "  dynamodb=" + aws.dynamoDbEndpoint() + "  sqs=" + aws.sqsEndpoint());
        out.println("  DynamoDB table:    " + table);
        out.println("  inbound queue:     " + queueUrl);
        out.println("  webhook (HTTP API): POST " + webhookUrl + "   header X-Telegram-Bot-Api-Secret-Token: " + secret);
        out.println("  Lambda invoke API:  http://127.0.0.1:" + api.port() + "  (functions: WebhookFunction)");
        out.println("  Telegram:          " + (fake != null
                ? "simulated at " + fake.baseUrl() + " (bot @" + fakeBot.username() + ", id " + botId + "); "
                + "POST http://127.0.0.1:" + api.port() + "/local/simulate {\"first_name\":\"Ann\",\"text\":\"hi\"}"
                : "getUpdates long polling from " + telegramApi + " for bot id " + botId));
        out.println();
        out.println("Try:  aws lambda invoke --endpoint-url http://127.0.0.1:" + api.port()
                + " --function-name WebhookFunction --cli-binary-format raw-in-base64-out --payload file://events/webhook-start.json /dev/stdout");
        out.println("Read: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=" + aws.region().id()
                + " aws dynamodb scan --endpoint-url " + aws.dynamoDbEndpoint() + " --table-name " + table);
        out.println("Ctrl-C stops everything (emulator data lives in memory).");

        CountDownLatch stop = new CountDownLatch(1);
        FakeTelegram fakeToClose = fake;
        TelegramPoller pollerToStop = poller;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (pollerToStop != null) pollerToStop.stop();
            api.close();
            if (fakeToClose != null) fakeToClose.close();
            aws.close();
            stop.countDown();
        }));
        stop.await();
    }

    /** {@code POST /local/simulate}: a simulated user writes to the bot, delivered through the fake's webhook. */
    private static com.sun.net.httpserver.HttpHandler simulator(FakeTelegram fake, FakeBot bot, ObjectMapper json) {
        return (HttpExchange exchange) -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equalsIgnoreCase("POST")) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                JsonNode req = json.readTree(exchange.getRequestBody());
                String firstName = req.path("first_name").asText("Guest");
                String username = req.hasNonNull("username") ? req.get("username").asText() : null;
                FakeUser user = req.hasNonNull("user_id") && fake.user(req.get("user_id").asLong()) != null
                        ? fake.user(req.get("user_id").asLong())
                        : fake.addUser(firstName, username);
                String text = req.path("text").asText("/start");
                JsonNode update = text.startsWith("/start") ? bot.userStarts(user, text.length() > 7 ? text.substring(7) : null)
                        : bot.userSends(user, text);
                byte[] body = json.writeValueAsBytes(Map.of("user_id", user.id(), "update", update));
                exchange.getResponseHeaders().set("content-type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException | RuntimeException e) {
                byte[] body = ("{\"error\":\"" + e.getClass().getSimpleName() + "\"}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(400, body.length);
                exchange.getResponseBody().write(body);
            }
        };
    }
}
