package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.tgdesk.domain.Json;
import dev.tgdesk.domain.UpdateParser;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeGroup;
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
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.identity.AccessTokens;
import dev.tgdesk.operatorapi.OperatorApiHandler;
import dev.tgdesk.operatorapi.OperatorApiWiring;
import dev.tgdesk.storage.S3FileStore;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The whole backend on this machine, started and stopped in-process: the template's table and queues on
 * emulators, the real webhook Lambda handler behind a local API Gateway (HTTP API payload 2.0 plus Lambda's
 * Invoke API), and Telegram either polled with getUpdates ({@link LocalConfig#pollsTelegram() a token}) or
 * simulated by the in-repo {@link FakeTelegram} (no token), which then calls our webhook like Telegram would.
 *
 * <pre>{@code
 * try (LocalRuntime local = LocalRuntime.start(LocalConfig.defaults().withPort(0), LocalAws.shared())) {
 *     FakeUser ann = local.fakeTelegram().addUser("Ann", "ann");
 *     local.fakeBot().userSends(ann, "hi");            // delivered to local.webhookUrl() with the secret
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops everything this runtime started, in reverse order; a {@link LocalAws} passed to
 * {@link #start(LocalConfig, LocalAws)} is left running (and its tables and queues keep their data), so
 * another runtime can be started on the same emulators.
 */
public final class LocalRuntime implements AutoCloseable {

    public static final String WEBHOOK_PATH = "/telegram/webhook";
    public static final String WEBHOOK_FUNCTION = "WebhookFunction";
    public static final String OPERATOR_API_FUNCTION = "OperatorApiFunction";
    public static final String OPERATOR_API_ROUTE = "/api/{proxy+}";
    /** The operator created at start when {@code LOCAL_ADMIN_EMAIL}/{@code LOCAL_ADMIN_PASSWORD} are not set (local only). */
    public static final String DEFAULT_ADMIN_EMAIL = "admin@tgdesk.local";
    public static final String DEFAULT_ADMIN_PASSWORD = "local-admin-password";
    public static final String SIMULATE_PATH = "/local/simulate";
    /** {@code GET /local/sent?chat_id=…}: what the bot sent to a chat through the fake Telegram. */
    public static final String SENT_PATH = "/local/sent";
    /** {@code GET /local/history?chat_id=…}: the stored history, send statuses and run log of a chat's dialog. */
    public static final String HISTORY_PATH = "/local/history";
    /** The simulated Telegram page (no bot token): two browser tabs, this one and the inbox at {@code /}. */
    public static final String SIMULATOR_PAGE_PATH = "/telegram/";
    /** The JSON endpoints behind the simulated Telegram page ({@link SimulatorEndpoints}). */
    public static final String SIMULATOR_API_PATH = SimulatorEndpoints.PREFIX;
    /** The simulated Telegram page's Content-Security-Policy (its HTML carries the same as a meta tag). */
    static final String SIMULATOR_CSP = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** The public supergroup the fake Telegram has for the shipped scenario's "Write to chat" node. */
    public static final String TEAM_CHAT_USERNAME = "tgdesk_local_team";
    /** {@code LOCAL_SCENARIOS_DIR}: scenario files loaded at start (default: {@code scenarios/} next to template.yaml). */
    public static final String SCENARIOS_DIR_ENV = "LOCAL_SCENARIOS_DIR";
    /** {@code LOCAL_SCENARIO}: the scenario id attached to private chats (default customer-opinion; {@code none}: no scenario). */
    public static final String ACTIVE_SCENARIO_ENV = "LOCAL_SCENARIO";
    public static final String DEFAULT_ACTIVE_SCENARIO = "customer-opinion";
    private static final java.util.concurrent.atomic.AtomicLong SIMULATED_USER_IDS =
            new java.util.concurrent.atomic.AtomicLong(5_000_000_000L + (System.currentTimeMillis() % 1_000_000L) * 1000);

    private final LocalConfig config;
    private final LocalAws aws;
    private final String tableName;
    private final String queueUrl;
    private final FakeTelegram fakeTelegram;
    private final FakeBot fakeBot;
    private final URI telegramApiUrl;
    private final String botId;
    private final ApiGatewayServer api;
    private final TelegramPoller poller;
    /** What to stop on close, last started first. */
    private final Deque<AutoCloseable> resources;
    private boolean closed;
    private List<ScenarioFiles.Loaded> scenarios = List.of();
    private LocalRealtime realtime;

    private LocalRuntime(LocalConfig config, LocalAws aws, String tableName, String queueUrl, FakeTelegram fakeTelegram,
                         FakeBot fakeBot, URI telegramApiUrl, String botId, ApiGatewayServer api, TelegramPoller poller,
                         Deque<AutoCloseable> resources) {
        this.config = config;
        this.aws = aws;
        this.tableName = tableName;
        this.queueUrl = queueUrl;
        this.fakeTelegram = fakeTelegram;
        this.fakeBot = fakeBot;
        this.telegramApiUrl = telegramApiUrl;
        this.botId = botId;
        this.api = api;
        this.poller = poller;
        this.resources = resources;
    }

    /** Starts its own AWS emulators ({@link LocalAws#start()}: mode from the environment) and stops them on close. */
    public static LocalRuntime start(LocalConfig config) {
        LocalAws aws = LocalAws.start();
        try {
            return start(config, aws, true);
        } catch (RuntimeException | Error e) {
            aws.close();
            throw e;
        }
    }

    /**
     * Runs on emulators that are already up (e.g. {@link LocalAws#shared()}), creating the template's table
     * and queue there if missing; {@link #close()} leaves them running.
     */
    public static LocalRuntime start(LocalConfig config, LocalAws aws) {
        return start(config, aws, false);
    }

    private static LocalRuntime start(LocalConfig config, LocalAws aws, boolean ownsAws) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        if (ownsAws) {
            started.push(aws);
        }
        try {
            return assemble(config, aws, started);
        } catch (RuntimeException | Error e) {
            closeAll(started, e);
            throw e;
        } catch (IOException e) {
            closeAll(started, e);
            throw new java.io.UncheckedIOException("cannot start the local API Gateway on port " + config.port(), e);
        }
    }

    private static LocalRuntime assemble(LocalConfig config, LocalAws aws, Deque<AutoCloseable> started) throws IOException {
        ObjectMapper json = Json.mapper();
        String secret = config.webhookSecret();

        LocalResources resources = TemplateResources.create(aws, config.resourcePrefix());
        String table = resources.tableName("DataTable");
        String queueUrl = resources.queueUrl("InboundQueue");

        FakeTelegram fake = null;
        FakeBot fakeBot = null;
        URI telegramApi;
        String token;
        if (!config.pollsTelegram()) {
            fake = new FakeTelegram(FakeTelegram.Options.defaults().withPort(config.fakeTelegramPort())).start();
            started.push(fake);
            fakeBot = fake.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
            // the team chat the shipped "Customer opinion" scenario writes to; the bot is a member
            fakeBot.markMemberOf(fake.addSupergroup("Support team", TEAM_CHAT_USERNAME));
            token = FakeTelegram.DEFAULT_TOKEN;
            telegramApi = fake.baseUrl();
        } else {
            token = config.telegramToken();
            telegramApi = config.telegramApiUrl();
        }
        HttpClient telegramHttp = HttpClient.newHttpClient();
        started.push(telegramHttp::shutdownNow);
        TelegramClient telegram = new TelegramClient(telegramHttp, json, telegramApi, token);
        String botId = Long.toString(telegram.botId());

        DynamoDbClient dynamoDb = aws.dynamoDb();
        started.push(dynamoDb);
        SqsClient sqs = aws.sqs();
        started.push(sqs);
        var store = new DynamoInboxStore(dynamoDb, table, json);
        var queue = new SqsInboundQueue(sqs, queueUrl, json);
        var webhook = new WebhookHandler(new WebhookEndpoint(botId, secret, json, new UpdateIngest(store, queue, json),
                EmfMetrics.forFunction("webhook")));

        S3Client s3 = aws.configure(S3Client.builder(), "S3").forcePathStyle(true).build();
        started.push(s3);
        var files = new S3FileStore(s3, resources.bucketName("FilesBucket"));
        LocalPipeline pipeline = null;
        if (config.pipeline()) {
            started.push(pipeline = new LocalPipeline(aws, resources, dynamoDb, sqs, telegram, botId, json,
                    scenariosDir(), System.getenv().getOrDefault(ACTIVE_SCENARIO_ENV, DEFAULT_ACTIVE_SCENARIO), config.resourcePrefix(),
                    files));
        }
        LocalRealtime realtime = null;
        if (config.realtime()) {
            started.push(realtime = new LocalRealtime(aws, resources, dynamoDb, botId, config.webSocketPort(), config.resourcePrefix()));
        }
        var operatorApi = new OperatorApiHandler(OperatorApiWiring.router(new OperatorApiWiring.Deps(dynamoDb, sqs, s3, table, botId,
                queueUrl, resources.queueUrl("OutboundQueue"), resources.bucketName("FilesBucket"), telegram, signingSecret(),
                AccessTokens.ttlFromEnvironment(System.getenv()), Visibility.fromEnvironment(), java.time.Clock.systemUTC(), resources.tableName("RealtimeTable"),
                realtime == null ? null : realtime.webSocketUrl().toString())));
        Map<String, String> adminEnv = new java.util.HashMap<>(System.getenv());
        adminEnv.putIfAbsent("LOCAL_ADMIN_EMAIL", DEFAULT_ADMIN_EMAIL);
        adminEnv.putIfAbsent("LOCAL_ADMIN_PASSWORD", DEFAULT_ADMIN_PASSWORD);
        OperatorCli.createLocalAdmin(dynamoDb, table, botId, adminEnv);

        ApiGatewayServer api = new ApiGatewayServer("127.0.0.1", config.port(),
                List.of(new ApiGatewayServer.Route("POST", WEBHOOK_PATH, WEBHOOK_FUNCTION),
                        new ApiGatewayServer.Route("ANY", OPERATOR_API_ROUTE, OPERATOR_API_FUNCTION)),
                Map.of(WEBHOOK_FUNCTION, webhook, OPERATOR_API_FUNCTION, operatorApi));
        started.push(api);
        api.addContext(HISTORY_PATH, new ChatViewEndpoint(json, new HistoryEndpoint(dynamoDb, table, botId, json)));
        URI webhookUrl = URI.create("http://127.0.0.1:" + api.port() + WEBHOOK_PATH);
        List<String> allowed = List.copyOf(new TreeSet<>(UpdateParser.HANDLED_KINDS));

        TelegramPoller poller = null;
        if (fake != null) {
            // like a deployment: Telegram (here the fake) calls our webhook with the secret
            telegram.setWebhook(SetWebhookRequest.of(webhookUrl.toString(), secret).withAllowedUpdates(allowed));
            api.addContext(SIMULATE_PATH, simulator(fake, fakeBot, json));
            api.addContext(SENT_PATH, sentMessages(fakeBot, json));
            api.addContext(SIMULATOR_API_PATH, new SimulatorEndpoints(fake, fakeBot, json, SIMULATED_USER_IDS::incrementAndGet));
        } else {
            poller = new TelegramPoller(telegram, webhookUrl, secret, allowed,
                    config.stateDir().resolve("telegram-offset-" + botId));
            started.push(poller::stop);
            poller.start();
        }
        // the web client at /, the simulated Telegram page at /telegram/ (routes and /local/* are more specific)
        // the inbox's own CSP is a meta tag; framing can only be refused by headers (CloudFront's security-headers
        // policy sends X-Frame-Options in a deployment)
        StaticFiles web = StaticFiles.folder(config.webRoot(), "/", Map.of("Content-Security-Policy", "frame-ancestors 'none'",
                "X-Frame-Options", "DENY"));
        api.setFallback(web);
        api.addContext("/telegram", simulatorPage(fake != null, web));
        LocalRuntime runtime = new LocalRuntime(config, aws, table, queueUrl, fake, fakeBot, telegramApi, botId, api, poller, started);
        runtime.realtime = realtime;
        runtime.scenarios = pipeline == null ? List.of() : pipeline.scenarios();
        return runtime;
    }

    /** {@code TOKEN_SIGNING_SECRET} when set, else a random key for this run (tokens die with the process). */
    private static byte[] signingSecret() {
        String configured = System.getenv("TOKEN_SIGNING_SECRET");
        if (configured != null && configured.length() >= 32) return configured.getBytes(StandardCharsets.UTF_8);
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        return random;
    }

    private static Path scenariosDir() {
        String dir = System.getenv(SCENARIOS_DIR_ENV);
        if (dir != null && !dir.isBlank()) return Path.of(dir.strip());
        return TemplateResources.locateTemplate().resolveSibling("scenarios");
    }

    // ---------------------------------------------------------------- what is running where

    public LocalConfig config() {
        return config;
    }

    /** The port of the local API Gateway and Lambda Invoke API (the chosen one when configured with 0). */
    public int apiPort() {
        return api.port();
    }

    /** The web client's folder served at {@code /} (it may not exist yet: then {@code /} answers 404). */
    public Path webRoot() {
        return config.webRoot();
    }

    /** {@code http://127.0.0.1:<port>}: the HTTP API, and the endpoint for {@code aws lambda invoke --endpoint-url}. */
    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + apiPort());
    }

    /** {@code POST} Telegram updates here with the {@code X-Telegram-Bot-Api-Secret-Token} header. */
    public URI webhookUrl() {
        return URI.create("http://127.0.0.1:" + apiPort() + WEBHOOK_PATH);
    }

    public String webhookSecret() {
        return config.webhookSecret();
    }

    public LocalAws aws() {
        return aws;
    }

    public String tableName() {
        return tableName;
    }

    public String queueUrl() {
        return queueUrl;
    }

    /** The simulated Telegram, or null when polling a Bot API with a token. */
    public FakeTelegram fakeTelegram() {
        return fakeTelegram;
    }

    /** The simulated bot, or null when polling a Bot API with a token. */
    public FakeBot fakeBot() {
        return fakeBot;
    }

    /** The numeric bot id (the token's prefix): the first part of every stored key. */
    public String botId() {
        return botId;
    }

    /** The Bot API this runtime talks to: the fake's URL, or the configured one when polling. */
    public URI telegramApiUrl() {
        return telegramApiUrl;
    }

    /** The scenario files loaded at start (empty without the pipeline). */
    public List<ScenarioFiles.Loaded> scenarios() {
        return scenarios;
    }

    /** {@code ws://127.0.0.1:<port>/local}: operators connect here with a ticket; null without real time. */
    public URI webSocketUrl() {
        return realtime == null ? null : realtime.webSocketUrl();
    }

    /** The real-time side (WebSocket API, push function, stream source), or null when configured without it. */
    LocalRealtime realtime() {
        return realtime;
    }

    /** The AWS calls the push function made so far (null without real time). */
    public dev.tgdesk.emulators.AwsCallCounter pushCalls() {
        return realtime == null ? null : realtime.pushCalls();
    }

    /** Waits until the push function has handled every table change written before this call. */
    public boolean awaitPushesCaughtUp(java.time.Duration timeout) {
        return realtime == null || realtime.stream().awaitCaughtUp(timeout);
    }

    /** The stream source's counters (invocations, records delivered / filtered out), or null without real time. */
    public Object pushStats() {
        return realtime == null ? null : realtime.stream().stats();
    }

    public boolean pollsTelegram() {
        return poller != null;
    }

    /** Where the next getUpdates offset is saved, or null with the fake Telegram (no polling). */
    public Path offsetFile() {
        return poller == null ? null : poller.offsetFile();
    }

    /** The poller, for tests in this package; null with the fake Telegram. */
    TelegramPoller poller() {
        return poller;
    }

    // ---------------------------------------------------------------- stopping

    /** Stops the poller, the API, the fake Telegram and clients, and the emulators if this runtime started them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = closeAll(resources, null);
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes everything, newest first; returns the first failure (added to {@code primary} if there is one). */
    static RuntimeException closeAll(Deque<AutoCloseable> resources, Throwable primary) {
        RuntimeException failure = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException("stopping the local runtime", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }

    @Override
    public String toString() {
        return "LocalRuntime[api=" + apiUrl() + ", " + aws + ", table=" + tableName + ", bot=" + botId
                + (pollsTelegram() ? ", polling " + telegramApiUrl : ", fake Telegram " + telegramApiUrl) + "]";
    }

    // ---------------------------------------------------------------- the Telegram simulator endpoint

    /** {@code /telegram} → {@code /telegram/}; the page's files below it (with the fake Telegram); the web client otherwise. */
    private static HttpHandler simulatorPage(boolean simulated, StaticFiles web) {
        StaticFiles page = StaticFiles.classpath("simulator", SIMULATOR_PAGE_PATH, Map.of("Content-Security-Policy", SIMULATOR_CSP));
        return exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            if (simulated && path.equals("/telegram")) {
                try (exchange) {
                    exchange.getResponseHeaders().set("Location", SIMULATOR_PAGE_PATH);
                    exchange.sendResponseHeaders(301, -1);
                }
            } else if (simulated && path.startsWith(SIMULATOR_PAGE_PATH)) {
                page.handle(exchange);
            } else {
                web.handle(exchange);
            }
        };
    }

    /** {@code POST /local/simulate}: a simulated user writes to the bot, delivered through the fake's webhook. */
    private static HttpHandler simulator(FakeTelegram fake, FakeBot bot, ObjectMapper json) {
        return (HttpExchange exchange) -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equalsIgnoreCase("POST")) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body;
                int status;
                try {
                    JsonNode req = json.readTree(exchange.getRequestBody());
                    if (req.hasNonNull("bot_leaves") || req.hasNonNull("bot_joins")) {
                        // the bot is removed from / added back to a group, announced like Telegram does (my_chat_member)
                        boolean leaves = req.hasNonNull("bot_leaves");
                        FakeGroup group = fake.groupByUsername((leaves ? req.get("bot_leaves") : req.get("bot_joins")).asText());
                        if (group == null) throw new IllegalArgumentException("no public group with that username");
                        FakeUser admin = fake.addUser("Group admin", null);
                        group.addMember(admin);
                        JsonNode update = leaves ? bot.removedFromGroup(group, admin) : bot.addedToGroup(group, admin).getLast();
                        body = json.writeValueAsBytes(Map.of("group_id", group.id(), "update", update));
                        exchange.getResponseHeaders().set("content-type", "application/json");
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                        return;
                    }
                    String firstName = req.path("first_name").asText("Guest");
                    String username = req.hasNonNull("username") ? req.get("username").asText() : null;
                    String language = req.hasNonNull("language_code") ? req.get("language_code").asText() : "en";
                    FakeUser user = req.hasNonNull("user_id") && fake.user(req.get("user_id").asLong()) != null
                            ? fake.user(req.get("user_id").asLong())
                            : fake.addUser(SIMULATED_USER_IDS.incrementAndGet(), firstName, null, username, language);
                    JsonNode update;
                    if (req.hasNonNull("press")) {
                        // press the inline button with this callback_data on the newest bot message that has it
                        String data = req.get("press").asText();
                        var sent = bot.sentTo(user.id());
                        var message = sent.reversed().stream().filter(m -> m.callbackData().contains(data)).findFirst()
                                .orElseThrow(() -> new IllegalArgumentException("no message to this user has a button " + data));
                        update = bot.userPresses(user, message, data);
                    } else {
                        String text = req.path("text").asText("/start");
                        update = text.startsWith("/start") ? bot.userStarts(user, text.length() > 7 ? text.substring(7) : null)
                                : bot.userSends(user, text);
                    }
                    body = json.writeValueAsBytes(Map.of("user_id", user.id(), "update", update));
                    status = 200;
                } catch (IOException | RuntimeException e) {
                    body = json.writeValueAsBytes(Map.of("error", e.getClass().getSimpleName(),
                            "message", String.valueOf(e.getMessage())));
                    status = 400;
                }
                exchange.getResponseHeaders().set("content-type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            }
        };
    }

    /** {@code GET /local/sent?chat_id=<id>}: the messages the bot sent to that chat, oldest first (text, buttons, ids). */
    private static HttpHandler sentMessages(FakeBot bot, ObjectMapper json) {
        return new ChatViewEndpoint(json, chatId -> {
            var list = json.createArrayNode();
            for (var m : bot.sentTo(chatId)) {
                var row = list.addObject().put("message_id", m.messageId()).put("text", m.text());
                if (m.replyMarkup() != null) row.set("reply_markup", m.replyMarkup());
            }
            return list;
        });
    }
}
