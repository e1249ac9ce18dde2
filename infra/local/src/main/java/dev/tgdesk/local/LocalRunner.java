package dev.tgdesk.local;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the whole backend on a laptop with no AWS account and no Docker: the template's table and queues
 * on emulators, the real Lambda handlers behind a local API Gateway, and Telegram either for real
 * ({@code TELEGRAM_BOT_TOKEN} set: getUpdates long polling) or simulated (no token: the in-repo fake).
 * The work is done by {@link LocalRuntime}; this only prints where everything listens and waits for Ctrl-C.
 *
 * <p>Environment: {@code LOCAL_PORT} (3000), {@code WEBHOOK_SECRET} (local-dev-webhook-secret),
 * {@code TELEGRAM_BOT_TOKEN}, {@code TELEGRAM_API_URL}, {@code FAKE_TELEGRAM_PORT}, {@code LOCAL_STATE_DIR}
 * (.local) — see {@link LocalConfig} — and {@code AWS_ENDPOINT_URL[_SERVICE]} to use emulators you run
 * yourself (e.g. LocalStack) instead of starting moto + ElasticMQ.
 */
public final class LocalRunner {

    public static void main(String[] args) throws Exception {
        LocalRuntime local = LocalRuntime.start(LocalConfig.fromEnvironment());
        printSummary(local, System.out);

        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            local.close();
            stop.countDown();
        }));
        stop.await();
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    static void printSummary(LocalRuntime local, PrintStream out) {
        var aws = local.aws();
        int port = local.apiPort();
        String email = envOr("LOCAL_ADMIN_EMAIL", LocalRuntime.DEFAULT_ADMIN_EMAIL);
        String password = System.getenv("LOCAL_ADMIN_PASSWORD") == null ? LocalRuntime.DEFAULT_ADMIN_PASSWORD : "<LOCAL_ADMIN_PASSWORD>";
        out.println();
        out.println("tgdesk local stack is up");
        out.println("  Inbox: http://127.0.0.1:" + port + "/  (" + email + " / " + password + ")"
                + (java.nio.file.Files.isDirectory(local.webRoot()) ? "" : "   [" + local.webRoot() + " does not exist yet: 404 until it does]"));
        if (local.fakeTelegram() != null) {
            out.println("  Simulated Telegram: http://127.0.0.1:" + port + LocalRuntime.SIMULATOR_PAGE_PATH
                    + "  (write to the bot as made-up users, in private or in groups)");
        }
        out.println("  AWS emulators:     " + aws.mode() + "  dynamodb=" + aws.dynamoDbEndpoint() + "  sqs=" + aws.sqsEndpoint());
        out.println("  DynamoDB table:    " + local.tableName());
        out.println("  inbound queue:     " + local.queueUrl());
        out.println("  webhook (HTTP API): POST " + local.webhookUrl() + "   header X-Telegram-Bot-Api-Secret-Token: "
                + local.webhookSecret());
        out.println("  Lambda invoke API:  http://127.0.0.1:" + port + "  (functions: " + LocalRuntime.WEBHOOK_FUNCTION + ")");
        out.println("  Telegram:          " + (local.fakeTelegram() != null
                ? "simulated at " + local.fakeTelegram().baseUrl() + " (bot @" + local.fakeBot().username() + ", id "
                + local.botId() + "); " + "POST http://127.0.0.1:" + port + LocalRuntime.SIMULATE_PATH
                + " {\"first_name\":\"Ann\",\"text\":\"hi\"}"
                : "getUpdates long polling from " + local.telegramApiUrl() + " for bot id " + local.botId()));
        out.println("  operator API:      http://127.0.0.1:" + port + "/api   sign in: POST /api/auth/login {\"email\":\""
                + email + "\",\"password\":\"" + password + "\"}");
        if (local.webSocketUrl() != null) {
            out.println("  WebSocket API:     " + local.webSocketUrl() + "?ticket=<POST /api/realtime/tickets>   (docs/realtime.md)");
        }
        for (var sc : local.scenarios()) {
            out.println("  scenario:          " + sc.file() + " → " + sc.scenarioId() + "@" + sc.version()
                    + (sc.active() ? "  (runs in private chats)" : ""));
        }
        if (local.fakeTelegram() != null) {
            var team = local.fakeTelegram().groupByUsername(LocalRuntime.TEAM_CHAT_USERNAME);
            out.println("  team chat:         @" + LocalRuntime.TEAM_CHAT_USERNAME + " (id " + team.id() + "); what the bot sent "
                    + "to a chat: GET http://127.0.0.1:" + port + LocalRuntime.SENT_PATH + "?chat_id=<id>");
        }
        out.println();
        out.println("Try:  aws lambda invoke --endpoint-url http://127.0.0.1:" + port
                + " --function-name " + LocalRuntime.WEBHOOK_FUNCTION
                + " --payload fileb://events/webhook-start.json /dev/stdout");
        out.println("Read: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=" + aws.region().id()
                + " aws dynamodb scan --endpoint-url " + aws.dynamoDbEndpoint() + " --table-name " + local.tableName());
        out.println("Ctrl-C stops everything (emulator data lives in memory).");
    }
}
