package dev.tgdesk.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.automation.ScenarioRunner;
import dev.tgdesk.autoclose.AutoClose;
import dev.tgdesk.autoclose.AutocloseHandler;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.apigateway.HttpApiEvents;
import dev.tgdesk.emulators.aws.CfnTemplate;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.lambda.DynamoStreamEventSource;
import dev.tgdesk.emulators.lambda.FilterCriteria;
import dev.tgdesk.emulators.lambda.LocalLambdaContext;
import dev.tgdesk.emulators.lambda.SqsEventSource;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.functions.scenario.AwsTimerScheduler;
import dev.tgdesk.functions.scenario.ScenarioHandler;
import dev.tgdesk.inbox.UpdateIngest;
import dev.tgdesk.inbox.WebhookEndpoint;
import dev.tgdesk.local.websocket.WebSocketApiServer;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.identity.AccessTokens;
import dev.tgdesk.operator.identity.OperatorAccounts;
import dev.tgdesk.operator.identity.PasswordHasher;
import dev.tgdesk.operator.lifecycle.DialogCloser;
import dev.tgdesk.operatorapi.OperatorApiHandler;
import dev.tgdesk.operatorapi.OperatorApiWiring;
import dev.tgdesk.outbound.PacingPolicy;
import dev.tgdesk.outbound.RetryPolicy;
import dev.tgdesk.outbound.Sender;
import dev.tgdesk.push.ApiGatewayPushGateway;
import dev.tgdesk.push.EventBridgeBus;
import dev.tgdesk.push.PushHandler;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.realtime.RealtimeAccess;
import dev.tgdesk.scenario.ScenarioDocument;
import dev.tgdesk.sender.SenderHandler;
import dev.tgdesk.storage.DynamoDialogDirectory;
import dev.tgdesk.storage.DynamoDialogLifecycle;
import dev.tgdesk.storage.DynamoInboxStore;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import dev.tgdesk.storage.DynamoOutboundStore;
import dev.tgdesk.storage.DynamoRateLedger;
import dev.tgdesk.storage.DynamoRealtimeStore;
import dev.tgdesk.storage.DynamoRunStore;
import dev.tgdesk.storage.DynamoScenarioCatalog;
import dev.tgdesk.storage.S3FileStore;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.webhook.WebhookHandler;
import dev.tgdesk.websocket.WebSocketHandler;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS calls and DynamoDB capacity units per user-visible operation (not a test): the whole back end wired like the
 * deployment on the local emulators, every function with its own SDK clients and its own {@link CostMeter}, every
 * operation driven through the real handlers, and everything it sets off (queue → scenario → outbound queue →
 * sender → Telegram; table stream → push → operators' WebSockets and EventBridge) counted until the stack is idle
 * again. Run: {@code infra/bench-costs.sh}; the method is in docs/performance.md.
 *
 * <p>Stack: {@link LocalAws} (moto + ElasticMQ, or LocalStack/external endpoints), the template's tables, queues and
 * bucket ({@link TemplateResources}); the webhook and operator API handlers invoked with API Gateway HTTP API events
 * ({@link HttpApiEvents}); the scenario and sender fed by {@link SqsEventSource} (the template's batch size 10,
 * sender MaximumConcurrency 5); push fed by {@link DynamoStreamEventSource} (batch 100, the template's filter);
 * the WebSocket function behind {@link WebSocketApiServer} with real operator WebSocket clients connected; auto-close
 * invoked like its schedule would; the fake Bot API ({@link FakeTelegram}) standing in for Telegram, the bot's
 * scenario a one-node FAQ answering messages that contain "price".
 *
 * <p>Arguments (optional): {@code operators=3 reps=5 clients=40 extra=5 askCapacity=true}. {@code operators}
 * operators (one admin, the rest agents in both teams) are connected during every operation; {@code extra} more
 * connections are added at the end to measure what one more connected operator costs.
 */
public final class OperationCostBench {

    static final ObjectMapper JSON = Json.mapper();
    static final String WEBHOOK_SECRET = "bench-webhook-secret-0123456789";
    static final byte[] SIGNING_SECRET = "bench-token-signing-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    static final String[] FUNCTIONS = {"webhook", "scenario", "sender", "operator-api", "autoclose", "push", "websocket"};
    /** Receives and deletes of the SQS event source mappings: billed SQS requests that no function makes. */
    static final String ESM = "sqs-esm";
    static final String SCENARIO = """
            {"id": "bench-faq", "name": "Bench FAQ", "default_language": "en",
             "triggers": [{"type": "keyword", "keywords": ["price"], "node": "prices"}],
             "nodes": [{"id": "prices", "type": "message",
                        "text": "Our plans: Basic 10 EUR and Pro 25 EUR a month. An operator will answer other questions here."}],
             "edges": []}
            """;

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchArgs.parse(args);
        int operators = Integer.parseInt(a.getOrDefault("operators", "3"));
        int reps = Integer.parseInt(a.getOrDefault("reps", "5"));
        int clients = Integer.parseInt(a.getOrDefault("clients", "40"));
        int extra = Integer.parseInt(a.getOrDefault("extra", "5"));
        boolean askCapacity = Boolean.parseBoolean(a.getOrDefault("askCapacity", "true"));

        PrintStream report = System.out;
        LogTap tap = new LogTap(report);
        System.setOut(tap.stream());
        int status = 0;
        try (Bench bench = new Bench(operators, askCapacity)) {
            bench.run(report, reps, clients, extra);
        } catch (Exception | Error e) {
            e.printStackTrace(report);
            status = 1;
        }
        report.flush();
        System.exit(status);
    }

    // =================================================================== the stack

    static final class Bench implements AutoCloseable {
        final int operators;
        final java.util.ArrayDeque<AutoCloseable> closers = new java.util.ArrayDeque<>();
        final LocalAws aws;
        final LocalResources res;
        final DynamoDbClient oracle;
        final SqsClient admin;
        final Map<String, DynamoCapacity.Schema> schemas = new LinkedHashMap<>();
        final Map<String, CostMeter> meters = new LinkedHashMap<>();
        final Map<String, Fn> fns = new LinkedHashMap<>();
        final Map<String, CountingHttpClient> telegramHttp = new LinkedHashMap<>();
        final HttpApiEvents events = new HttpApiEvents();
        final List<SqsEventSource> esms = new ArrayList<>();
        final List<String> queues = new ArrayList<>();
        final FakeTelegram fake;
        final FakeBot bot;
        final String botId;
        final String table;
        final String realtimeTable;
        final WebSocketApiServer webSocket;
        final DynamoStreamEventSource stream;
        final Fn webhookFn;
        final Fn operatorApiFn;
        final Fn autocloseFn;
        final AutocloseHandler autocloseNow;
        final AutocloseHandler autocloseLater;
        final LongAdder apiRequests = new LongAdder();
        final List<OperatorSocket> sockets = new ArrayList<>();
        final String environment;

        Bench(int operators, boolean askCapacity) {
            this.operators = operators;
            aws = LocalAws.start();
            closers.push(aws);
            String prefix = "opc" + Long.toString(System.nanoTime() % 1_000_000, 36) + "-";
            res = TemplateResources.create(aws, prefix);
            oracle = aws.dynamoDb();
            closers.push(oracle);
            admin = aws.sqs();
            closers.push(admin);
            table = res.tableName("DataTable");
            realtimeTable = res.tableName("RealtimeTable");
            schemas.put(table, DynamoCapacity.describe(oracle, "DataTable", table));
            schemas.put(realtimeTable, DynamoCapacity.describe(oracle, "RealtimeTable", realtimeTable));
            for (String f : FUNCTIONS) meters.put(f, new CostMeter(f, schemas, oracle, askCapacity));
            meters.put(ESM, new CostMeter(ESM, schemas, oracle, askCapacity));
            for (String q : List.of("InboundQueue", "OutboundQueue", "TimerQueue")) queues.add(res.queueUrl(q));
            environment = aws.mode() + " (" + aws.dynamoDbEndpoint() + ")";

            fake = new FakeTelegram().start();
            closers.push(fake);
            bot = fake.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
            botId = Long.toString(bot.id());
            String inboundUrl = res.queueUrl("InboundQueue");
            String outboundUrl = res.queueUrl("OutboundQueue");
            String timerUrl = res.queueUrl("TimerQueue");
            String bucket = res.bucketName("FilesBucket");
            Clock clock = Clock.systemUTC();

            // webhook: DynamoDB + SQS
            CostMeter m = meters.get("webhook");
            DynamoDbClient dyn = client(aws.dynamoDb(m));
            SqsClient sqs = client(aws.sqs(m));
            webhookFn = fn("webhook", new WebhookHandler(new WebhookEndpoint(botId, WEBHOOK_SECRET, JSON,
                    new UpdateIngest(new DynamoInboxStore(dyn, table, JSON), new SqsInboundQueue(sqs, inboundUrl, JSON), JSON),
                    EmfMetrics.forFunction("webhook"))), 1024);

            // scenario: DynamoDB, SQS, Scheduler; the shipped scenario replaced by the bench FAQ
            m = meters.get("scenario");
            dyn = client(aws.dynamoDb(m));
            sqs = client(aws.sqs(m));
            SchedulerClient scheduler = client(aws.configure(SchedulerClient.builder(), "SCHEDULER", m).build());
            var catalog = new DynamoScenarioCatalog(dyn, table);
            var stored = catalog.store(botId, ScenarioDocument.parse(SCENARIO), clock.millis());
            catalog.activate(botId, stored.scenarioId(), stored.version(), null, clock.millis());
            var timers = new AwsTimerScheduler(sqs, scheduler, new AwsTimerScheduler.Targets(inboundUrl, res.queueArn("InboundQueue"),
                    timerUrl, "arn:aws:iam::" + LocalAws.ACCOUNT_ID + ":role/bench-scheduler", prefix + "timers"), JSON, clock);
            var runner = new ScenarioRunner(new DynamoRunStore(dyn, table, JSON), catalog, new SqsOutboundQueue(sqs, outboundUrl, JSON),
                    timers, clock, EmfMetrics.forFunction("scenario"));
            Fn scenarioFn = fn("scenario", new ScenarioHandler(runner, timers, JSON), 1024);

            // sender: DynamoDB, SQS, S3, Telegram
            m = meters.get("sender");
            dyn = client(aws.dynamoDb(m));
            sqs = client(aws.sqs(m));
            S3Client s3 = client(aws.configure(S3Client.builder(), "S3", m).forcePathStyle(true).build());
            var sender = new Sender(new DynamoOutboundStore(dyn, table), new DynamoRateLedger(dyn, table), telegram("sender"),
                    PacingPolicy.telegram(), RetryPolicy.defaults(), EmfMetrics.forFunction("sender"), Sender.Clock.SYSTEM,
                    new S3FileStore(s3, bucket));
            Fn senderFn = fn("sender", new SenderHandler(sender, sqs, outboundUrl, botId, EmfMetrics.forFunction("sender")), 1024);

            // websocket: DynamoDB (both tables) behind the WebSocket API stand-in
            m = meters.get("websocket");
            dyn = client(aws.dynamoDb(m));
            var wsStore = new DynamoRealtimeStore(dyn, realtimeTable);
            Fn websocketFn = fn("websocket", new WebSocketHandler(new RealtimeAccess(wsStore, wsStore,
                    new DynamoOperatorDirectory(dyn, table), System::currentTimeMillis), botId, System::currentTimeMillis), 512);
            webSocket = new WebSocketApiServer(WebSocketApiServer.Options.defaults().withPort(0),
                    Map.of("$connect", websocketFn, "$disconnect", websocketFn, "$default", websocketFn)).start();
            closers.push(webSocket);

            // operator API: DynamoDB, SQS, S3, Telegram
            m = meters.get("operator-api");
            dyn = client(aws.dynamoDb(m));
            sqs = client(aws.sqs(m));
            s3 = client(aws.configure(S3Client.builder(), "S3", m).forcePathStyle(true).build());
            operatorApiFn = fn("operator-api", new OperatorApiHandler(OperatorApiWiring.router(new OperatorApiWiring.Deps(dyn, sqs, s3,
                    table, botId, inboundUrl, outboundUrl, bucket, telegram("operator-api"), SIGNING_SECRET, Duration.ofHours(12),
                    new Visibility(true), clock, realtimeTable, webSocket.webSocketUrl().toString()))), 1024);

            // auto-close: DynamoDB + SQS; one instance on the real clock, one a day and an hour ahead (everything idle)
            m = meters.get("autoclose");
            dyn = client(aws.dynamoDb(m));
            sqs = client(aws.sqs(m));
            autocloseNow = autoclose(dyn, sqs, outboundUrl, clock);
            autocloseLater = autoclose(dyn, sqs, outboundUrl, Clock.offset(clock, Duration.ofHours(25)));
            autocloseFn = fn("autoclose", (in, out, ctx) -> { }, 1024);

            // push: DynamoDB, @connections, EventBridge, fed by the table's stream
            m = meters.get("push");
            dyn = client(aws.dynamoDb(m));
            var management = client(aws.configure(ApiGatewayManagementApiClient.builder(), "APIGATEWAYMANAGEMENTAPI", m)
                    .endpointOverride(webSocket.managementEndpoint()).build());
            EventBridgeClient eventBridge = client(aws.configure(EventBridgeClient.builder(), "EVENTBRIDGE", m).build());
            String bus = prefix + "events";
            eventBridge.createEventBus(b -> b.name(bus));
            var pushStore = new DynamoRealtimeStore(dyn, realtimeTable);
            Fn pushFn = fn("push", new PushHandler(PushHandler.publisher(pushStore, new DynamoDialogDirectory(dyn, table),
                    new ApiGatewayPushGateway(management), new EventBridgeBus(eventBridge, bus), new Visibility(true)), botId), 1024);
            var streams = client(aws.dynamoDbStreams());
            stream = new DynamoStreamEventSource(streams, res.table("DataTable").streamArn(), pushFn,
                    DynamoStreamEventSource.Options.defaults("PushFunction").withBatchSize(100)
                            .withFilter(FilterCriteria.of(templateFilters())), null).start();
            closers.push(stream);

            // the event source mappings (their receives and deletes are counted apart)
            SqsClient esmSqs = client(aws.sqs(meters.get(ESM)));
            esm(new SqsEventSource(esmSqs, inboundUrl, scenarioFn, SqsEventSource.Options.defaults("ScenarioFunction")));
            esm(new SqsEventSource(esmSqs, timerUrl, scenarioFn, SqsEventSource.Options.defaults("ScenarioFunction")));
            esm(new SqsEventSource(esmSqs, outboundUrl, senderFn,
                    SqsEventSource.Options.defaults("SenderFunction").withMaximumConcurrency(5)));

            // the first admin (what the deploy's sign-up does), outside the meters
            new OperatorAccounts(new DynamoOperatorDirectory(oracle, table), new PasswordHasher(),
                    new AccessTokens(SIGNING_SECRET, Duration.ofHours(12)), clock)
                    .createAdminIfAbsent(botId, "admin@bench.local", "Admin", "bench-admin-password");
        }

        private <T extends AutoCloseable> T client(T c) {
            closers.push(c);
            return c;
        }

        private TelegramClient telegram(String function) {
            CountingHttpClient http = new CountingHttpClient(HttpClient.newHttpClient());
            telegramHttp.put(function, http);
            return new TelegramClient(http, JSON, fake.baseUrl(), FakeTelegram.DEFAULT_TOKEN);
        }

        private Fn fn(String name, RequestStreamHandler handler, int memoryMb) {
            Fn f = new Fn(name, handler, memoryMb);
            fns.put(name, f);
            return f;
        }

        private void esm(SqsEventSource source) {
            esms.add(source);
            closers.push(source);
            source.start();
        }

        private AutocloseHandler autoclose(DynamoDbClient dyn, SqsClient sqs, String outboundUrl, Clock clock) {
            var store = new DynamoDialogLifecycle(dyn, table, JSON);
            var closer = new DialogCloser(store, clock, "", AutocloseHandler.DEFAULT_IDLE_HOURS);
            return new AutocloseHandler(new AutoClose(store, closer, new SqsOutboundQueue(sqs, outboundUrl), clock,
                    Duration.ofHours(AutocloseHandler.DEFAULT_IDLE_HOURS), AutocloseHandler.DEFAULT_BUDGET), botId, System.out);
        }

        /** The push function's FilterCriteria from template.yaml (the deployed filter). */
        static List<String> templateFilters() {
            CfnTemplate template = CfnTemplate.load(TemplateResources.locateTemplate());
            var filters = template.resource("PushFunction").orElseThrow().properties()
                    .path("Events").path("TableChanges").path("Properties").path("FilterCriteria").path("Filters");
            List<String> patterns = new ArrayList<>();
            filters.forEach(f -> patterns.add(f.path("Pattern").asText()));
            return patterns;
        }

        // --------------------------------------------------------------- driving it

        /** Telegram posts an update to the webhook through API Gateway. */
        void webhook(JsonNode update) throws IOException {
            byte[] body = JSON.writeValueAsBytes(update);
            ObjectNode event = events.request("POST", "POST /telegram/webhook", "/telegram/webhook", "",
                    Map.of("content-type", "application/json", WebhookEndpoint.SECRET_HEADER, WEBHOOK_SECRET), body, "149.154.167.220");
            apiRequests.increment();
            var response = events.response(invoke(webhookFn, JSON.writeValueAsBytes(event)));
            if (response.status() != 200) throw new IllegalStateException("webhook answered " + response.status());
        }

        /** An operator's browser calls the operator API through API Gateway. */
        JsonNode api(String method, String pathAndQuery, String token, String body) throws IOException {
            int q = pathAndQuery.indexOf('?');
            String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
            String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("content-type", "application/json");
            if (token != null) headers.put("authorization", "Bearer " + token);
            ObjectNode event = events.request(method, "ANY /api/{proxy+}", path, query, headers,
                    body == null ? null : body.getBytes(StandardCharsets.UTF_8), "203.0.113.7", Map.of("proxy", path.substring(5)));
            apiRequests.increment();
            var response = events.response(invoke(operatorApiFn, JSON.writeValueAsBytes(event)));
            if (response.status() >= 300) {
                throw new IllegalStateException(method + " " + pathAndQuery + " → " + response.status() + " "
                        + new String(response.body(), StandardCharsets.UTF_8));
            }
            return response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        }

        String login(String email, String password) throws IOException {
            return api("POST", "/api/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}")
                    .get("token").asText();
        }

        /** The schedule fires auto-close ({@code later}: with a clock 25 hours ahead, so every open dialog is idle). */
        JsonNode autoclose(boolean later) throws IOException {
            autocloseFn.delegate = later ? autocloseLater : autocloseNow;
            return JSON.readTree(invoke(autocloseFn, "{\"source\":\"aws.scheduler\"}".getBytes(StandardCharsets.UTF_8)));
        }

        OperatorSocket connect(String token) throws Exception {
            String ticket = api("POST", "/api/realtime/tickets", token, null).get("ticket").asText();
            OperatorSocket s = new OperatorSocket();
            s.ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(webSocket.webSocketUrl() + "?ticket=" + ticket), s).join();
            sockets.add(s);
            return s;
        }

        private static byte[] invoke(Fn fn, byte[] event) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            fn.handleRequest(new ByteArrayInputStream(event), out,
                    new LocalLambdaContext(fn.name, System.currentTimeMillis() + 300_000, fn.memoryMb));
            return out.toByteArray();
        }

        /** Waits until the queues are empty, no mapping is invoking and push has handled every table change. */
        void quiesce() throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            int quiet = 0;
            while (quiet < 2) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("the stack did not come to rest in 120 s");
                boolean busy = busy();
                if (!busy) {
                    stream.awaitCaughtUp(Duration.ofSeconds(60));
                    busy = busy();
                }
                quiet = busy ? 0 : quiet + 1;
                Thread.sleep(busy ? 50 : 150);
            }
        }

        private boolean busy() {
            if (esms.stream().anyMatch(e -> !e.idle())) return true;
            for (String q : queues) {
                var attrs = admin.getQueueAttributes(b -> b.queueUrl(q).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                        .attributes();
                for (String v : attrs.values()) if (!v.equals("0")) return true;
            }
            return false;
        }

        void resetMeters() {
            meters.values().forEach(CostMeter::reset);
            fns.values().forEach(Fn::reset);
            telegramHttp.values().forEach(CountingHttpClient::reset);
            LogTap.reset();
            apiRequests.reset();
            sockets.forEach(OperatorSocket::reset);
        }

        /** Everything counted since {@link #resetMeters()}, per function; {@code *} holds the stack-wide counters. */
        Map<String, Map<String, Double>> collect(WebSocketApiServer.Stats wsBefore, long[] storedBefore) {
            Map<String, Map<String, Double>> out = new TreeMap<>();
            for (var e : meters.entrySet()) out.put(e.getKey(), new TreeMap<>(e.getValue().snapshot()));
            for (var e : fns.entrySet()) {
                Map<String, Double> f = out.computeIfAbsent(e.getKey(), k -> new TreeMap<>());
                long n = e.getValue().invocations.sum();
                if (n > 0) {
                    f.put("lambda:invocations", (double) n);
                    f.put("lambda:ms", e.getValue().nanos.sum() / 1e6);
                }
            }
            telegramHttp.forEach((fn, http) -> http.snapshot().forEach((k, v) -> out.get(fn).put("tg:" + k, v)));
            LogTap.snapshot().forEach((fn, bytes) -> {
                if (out.containsKey(fn)) out.get(fn).put("log:bytes", bytes);
            });
            WebSocketApiServer.Stats ws = webSocket.stats();
            Map<String, Double> all = new TreeMap<>();
            all.put("http:requests", apiRequests.doubleValue());
            all.put("ws:posts", (double) (ws.posts() - wsBefore.posts()));
            all.put("ws:messagesIn", (double) (ws.messagesIn() - wsBefore.messagesIn()));
            all.put("ws:routeResponses", (double) (ws.routeResponses() - wsBefore.routeResponses()));
            all.put("ws:connects", (double) (ws.connectsAccepted() - wsBefore.connectsAccepted()));
            all.put("ws:disconnects", (double) (ws.disconnectsInvoked() - wsBefore.disconnectsInvoked()));
            long[] stored = storedBytes();
            all.put("stored:bytes", (double) (stored[0] + stored[1] - storedBefore[0] - storedBefore[1]));
            all.put("stored:expiring", (double) (stored[1] - storedBefore[1]));
            all.put("operator:frames", (double) sockets.stream().mapToLong(s -> s.frames.sum()).sum());
            all.put("operator:events", (double) sockets.stream().mapToLong(s -> s.events.sum()).sum());
            out.put("*", all);
            out.values().removeIf(Map::isEmpty);
            return out;
        }

        /**
         * Bytes billed as storage in both tables now (items + index entries, 100 bytes overhead each): {lasting,
         * expiring}, the second for items with a {@code ttl} (markers, the event journal, tickets, connections).
         */
        long[] storedBytes() {
            long[] total = new long[2];
            for (DynamoCapacity.Schema s : schemas.values()) {
                Map<String, AttributeValue> start = null;
                do {
                    Map<String, AttributeValue> from = start;
                    var page = oracle.scan(b -> b.tableName(s.name()).consistentRead(true).exclusiveStartKey(from));
                    for (var item : page.items()) total[item.containsKey("ttl") ? 1 : 0] += DynamoCapacity.storedBytes(s, item);
                    start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
                } while (start != null);
            }
            return total;
        }

        @Override
        public void close() {
            for (OperatorSocket s : sockets) s.close();
            while (!closers.isEmpty()) {
                try {
                    closers.pop().close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }

        /** Reopens the dialog if it is closed (the API refuses to reopen an open one). */
        void reopen(String dialogPath, String token) throws IOException {
            try {
                api("POST", dialogPath + "/reopen", token, null);
            } catch (IllegalStateException alreadyOpen) {
                // 409: open already
            }
        }

        // --------------------------------------------------------------- the operations

        interface Step {
            void run() throws Exception;
        }

        /** One row: {@code prepare} (not counted) and {@code op} (counted), {@code reps} times; the average. */
        Map<String, Map<String, Double>> measure(int reps, Step prepare, Step op) throws Exception {
            Map<String, Map<String, Double>> sum = new TreeMap<>();
            for (int i = 0; i < reps; i++) {
                if (prepare != null) prepare.run();
                quiesce();
                long[] stored = storedBytes();
                var ws = webSocket.stats();
                resetMeters();
                op.run();
                quiesce();
                Thread.sleep(100); // frames in flight to the operators' sockets
                Usage.addInto(sum, collect(ws, stored));
            }
            return Usage.scale(sum, 1.0 / reps);
        }

        void run(PrintStream out, int reps, int clients, int extra) throws Exception {
            long started = System.nanoTime();
            // operators: the admin and agents in two teams, each with a live connection
            String adminToken = login("admin@bench.local", "bench-admin-password");
            String t1 = api("POST", "/api/teams", adminToken, "{\"name\":\"Support\"}").get("id").asText();
            String t2 = api("POST", "/api/teams", adminToken, "{\"name\":\"Sales\"}").get("id").asText();
            List<String> tokens = new ArrayList<>(List.of(adminToken));
            for (int i = 1; i < operators; i++) {
                api("POST", "/api/operators", adminToken, "{\"email\":\"agent" + i + "@bench.local\",\"name\":\"Agent " + i
                        + "\",\"role\":\"agent\",\"password\":\"bench-agent-password-" + i + "\",\"teams\":[\"" + t1 + "\",\"" + t2 + "\"]}");
                tokens.add(login("agent" + i + "@bench.local", "bench-agent-password-" + i));
            }
            for (String t : tokens) connect(t);

            Rows rows = new Rows();
            AtomicLong n = new AtomicLong();
            List<FakeUser> users = new ArrayList<>();
            rows.put("in.first", "Inbound text: a new client's first message (new contact + dialog; bot silent)", measure(clients, null, () -> {
                FakeUser u = fake.addUser("Client" + n.incrementAndGet(), null);
                bot.markStarted(u);
                users.add(u);
                webhook(bot.userSends(u, "Hello, I have a question"));
            }));
            FakeUser ann = users.getFirst();
            // sends to one chat at least 1.5 s apart, as people write: Telegram allows one a second per chat, and a
            // send paced later by the sender costs a redelivery (see the sender's RetryLater)
            Step spaced = () -> Thread.sleep(1500);
            rows.put("in.answer", "Inbound text, the bot answers (scenario → sender → Telegram)",
                    measure(reps, spaced, () -> webhook(bot.userSends(ann, "What is the price?"))));
            rows.put("in.silent", "Inbound text, the bot stays silent (no trigger)",
                    measure(reps, null, () -> webhook(bot.userSends(ann, "Thanks, and what about delivery?"))));
            rows.put("in.photo", "Inbound photo (bot silent)",
                    measure(reps, null, () -> webhook(bot.userSendsPhoto(ann, null))));

            String dialog = null;
            for (JsonNode item : api("GET", "/api/dialogs?limit=100", adminToken, null).path("items")) {
                if (item.path("chat_id").asLong() == ann.id()) dialog = item.path("dialog_id").asText();
            }
            if (dialog == null) throw new IllegalStateException("no dialog for the first client in the inbox");
            String d = "/api/dialogs/" + dialog;
            api("POST", d + "/takeover", adminToken, null);
            quiesce();
            rows.put("in.operator", "Inbound text while an operator handles the dialog",
                    measure(reps, null, () -> webhook(bot.userSends(ann, "Is anyone there?"))));
            rows.put("reply", "Operator reply (API → outbound queue → sender → Telegram)",
                    measure(reps, spaced, () -> api("POST", d + "/messages", adminToken, "{\"text\":\"Hello! Let me check that for you.\"}")));
            rows.put("note", "Note", measure(reps, null, () -> api("POST", d + "/notes", adminToken, "{\"text\":\"Asked about delivery twice\"}")));
            for (int i = 7 * reps; i < 35; i++) api("POST", d + "/notes", adminToken, "{\"text\":\"filler note " + i + "\"}");
            rows.put("inbox", "Inbox page (30 dialogs, admin)",
                    measure(reps, null, () -> api("GET", "/api/dialogs?limit=30", adminToken, null)));
            rows.put("history", "History page (30 entries)",
                    measure(reps, null, () -> api("GET", d + "/history?limit=30", adminToken, null)));
            AtomicLong flip = new AtomicLong();
            rows.put("assign", "Assignment (team changed)", measure(reps, null,
                    () -> api("PUT", d + "/assignment", adminToken, "{\"team\":\"" + (flip.incrementAndGet() % 2 == 1 ? t1 : t2) + "\"}")));
            rows.put("close", "Close (operator)", measure(reps, () -> reopen(d, adminToken), () -> api("POST", d + "/close", adminToken, null)));
            reopen(d, adminToken);

            rows.put("autoclose.idle", "Auto-close run with nothing to close (every 5 minutes)", measure(reps, null, () -> autoclose(false)));
            AtomicLong closedMany = new AtomicLong();
            Map<String, Map<String, Double>> many = measure(1, null, () -> closedMany.set(autoclose(true).path("closed").asLong()));
            rows.put("autoclose.many", "Auto-close, per dialog, in a run closing " + closedMany.get() + " dialogs",
                    Usage.scale(many, 1.0 / Math.max(1, closedMany.get())));
            rows.put("autoclose.one", "Auto-close run closing one dialog", measure(reps,
                    () -> reopen(d, adminToken), () -> autoclose(true)));
            reopen(d, adminToken);

            // the same answered message late in a long dialog: its journal head now keeps 100 source ids
            try {
                api("POST", d + "/giveback", adminToken, null);
            } catch (IllegalStateException botHandlesItAlready) {
                // 409
            }
            rows.put("in.answer.long", "Inbound text, the bot answers, in a dialog with ≥ 100 events (journal head full)",
                    measure(reps, spaced, () -> webhook(bot.userSends(ann, "And the price for two?"))));

            List<OperatorSocket> probe = new ArrayList<>();
            rows.put("ws.connect", "Operator connects (ticket + $connect)", measure(reps, null, () -> probe.add(connect(adminToken))));
            rows.put("ws.ping", "Heartbeat (ping → pong, every 5 minutes per connection)",
                    measure(reps, null, () -> probe.getLast().ws.sendText("{\"type\":\"ping\"}", true).join()));
            rows.put("ws.disconnect", "Operator disconnects ($disconnect)", measure(reps, null, () -> {
                OperatorSocket s = probe.removeLast();
                sockets.remove(s);
                long before = webSocket.stats().disconnectsInvoked();
                s.close();
                long until = System.nanoTime() + 5_000_000_000L;
                while (webSocket.stats().disconnectsInvoked() == before && System.nanoTime() < until) Thread.sleep(20);
            }));
            rows.put("login", "Sign-in (PBKDF2, 600,000 rounds)", measure(Math.min(3, reps), null,
                    () -> login("admin@bench.local", "bench-admin-password")));

            // one more connected operator: the same note with `extra` more connections, the difference per connection
            Step note = () -> api("POST", d + "/notes", adminToken, "{\"text\":\"one more note\"}");
            var noteBase = measure(reps, null, note);
            for (int i = 0; i < extra; i++) connect(tokens.get(1 + i % Math.max(1, tokens.size() - 1)));
            var noteMore = measure(reps, null, note);
            rows.put("push.operator", "Push: each more connected operator (a note measured at " + operators + " and "
                    + (operators + extra) + " connections; the difference per connection)",
                    Usage.scale(Usage.minus(noteMore, noteBase), 1.0 / Math.max(1, extra)));

            double seconds = (System.nanoTime() - started) / 1e9;
            new Report(out, rows, this, reps, clients, seconds).print();
        }
    }

    // =================================================================== pieces

    /** A Lambda function stand-in: counts invocations and handler time (minus the meters' own reads). */
    static final class Fn implements RequestStreamHandler {
        static final InheritableThreadLocal<String> CURRENT = new InheritableThreadLocal<>();
        final String name;
        volatile RequestStreamHandler delegate;
        final int memoryMb;
        final LongAdder invocations = new LongAdder();
        final LongAdder nanos = new LongAdder();

        Fn(String name, RequestStreamHandler delegate, int memoryMb) {
            this.name = name;
            this.delegate = delegate;
            this.memoryMb = memoryMb;
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            String previous = CURRENT.get();
            AtomicLong previousOverhead = CostMeter.OVERHEAD.get();
            AtomicLong overhead = new AtomicLong();
            CURRENT.set(name);
            CostMeter.OVERHEAD.set(overhead);
            long t0 = System.nanoTime();
            try {
                delegate.handleRequest(input, output, context);
            } finally {
                nanos.add(System.nanoTime() - t0 - overhead.get());
                invocations.increment();
                CURRENT.set(previous);
                CostMeter.OVERHEAD.set(previousOverhead);
            }
        }

        void reset() {
            invocations.reset();
            nanos.reset();
        }
    }

    /**
     * Standard output as the functions see it: counts the bytes each function writes (CloudWatch Logs ingestion) and
     * the Embedded Metric Format metric names (custom metrics), echoes everything else.
     */
    static final class LogTap {
        static final Map<String, DoubleAdder> BYTES = new ConcurrentHashMap<>();
        static final Map<String, java.util.Set<String>> METRICS = new ConcurrentHashMap<>();
        static final Pattern METRIC = Pattern.compile("\"Name\":\"([A-Za-z0-9]+)\"");
        private final PrintStream echo;
        private final ThreadLocal<ByteArrayOutputStream> line = ThreadLocal.withInitial(ByteArrayOutputStream::new);

        LogTap(PrintStream echo) {
            this.echo = echo;
        }

        PrintStream stream() {
            return new PrintStream(new OutputStream() {
                @Override
                public void write(int b) {
                    ByteArrayOutputStream buffer = line.get();
                    if (b != '\n') {
                        buffer.write(b);
                        return;
                    }
                    String text = buffer.toString(StandardCharsets.UTF_8);
                    buffer.reset();
                    String fn = Fn.CURRENT.get() == null ? "bench" : Fn.CURRENT.get();
                    BYTES.computeIfAbsent(fn, k -> new DoubleAdder()).add(text.getBytes(StandardCharsets.UTF_8).length + 1);
                    if (text.startsWith("{\"_aws\"")) {
                        Matcher m = METRIC.matcher(text);
                        while (m.find()) METRICS.computeIfAbsent(fn, k -> ConcurrentHashMap.newKeySet()).add(m.group(1));
                    } else {
                        echo.println(text);
                    }
                }
            }, true, StandardCharsets.UTF_8);
        }

        static void reset() {
            BYTES.clear();
        }

        static Map<String, Double> snapshot() {
            Map<String, Double> out = new TreeMap<>();
            BYTES.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }
    }

    /** An operator's browser: counts the frames and events pushed to it. */
    static final class OperatorSocket implements WebSocket.Listener {
        WebSocket ws;
        final LongAdder frames = new LongAdder();
        final LongAdder events = new LongAdder();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = JSON.readTree(partial.toString());
                    if (frame.has("events")) {
                        frames.increment();
                        events.add(frame.path("events").size());
                    }
                } catch (IOException ignored) {
                    // not JSON
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        void reset() {
            frames.reset();
            events.reset();
        }

        void close() {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }

    // =================================================================== figures

    /** Operation id → its label and figures, in the order measured. */
    static final class Rows {
        final Map<String, String> labels = new LinkedHashMap<>();
        final Map<String, Map<String, Map<String, Double>>> figures = new LinkedHashMap<>();

        void put(String id, String label, Map<String, Map<String, Double>> f) {
            labels.put(id, label);
            figures.put(id, f);
        }

        Map<String, Map<String, Double>> get(String id) {
            return figures.get(id);
        }
    }

    /** Arithmetic on {@code function → counter → value} maps. */
    static final class Usage {
        static void addInto(Map<String, Map<String, Double>> sum, Map<String, Map<String, Double>> add) {
            add.forEach((fn, counters) -> counters.forEach((k, v) ->
                    sum.computeIfAbsent(fn, x -> new TreeMap<>()).merge(k, v, Double::sum)));
        }

        static Map<String, Map<String, Double>> scale(Map<String, Map<String, Double>> m, double factor) {
            Map<String, Map<String, Double>> out = new TreeMap<>();
            m.forEach((fn, counters) -> counters.forEach((k, v) -> out.computeIfAbsent(fn, x -> new TreeMap<>()).put(k, v * factor)));
            return out;
        }

        static Map<String, Map<String, Double>> minus(Map<String, Map<String, Double>> a, Map<String, Map<String, Double>> b) {
            Map<String, Map<String, Double>> out = new TreeMap<>();
            addInto(out, a);
            addInto(out, scale(b, -1));
            return out;
        }

        /** Sum of one counter over the functions (not {@code *}). */
        static double total(Map<String, Map<String, Double>> m, String key) {
            return m.entrySet().stream().filter(e -> !e.getKey().equals("*"))
                    .mapToDouble(e -> e.getValue().getOrDefault(key, 0.0)).sum();
        }

        /** Sum of every counter whose key starts with {@code prefix}, over the functions (not {@code *}). */
        static double prefixed(Map<String, Map<String, Double>> m, String prefix) {
            return m.entrySet().stream().filter(e -> !e.getKey().equals("*"))
                    .flatMap(e -> e.getValue().entrySet().stream()).filter(e -> e.getKey().startsWith(prefix))
                    .mapToDouble(Map.Entry::getValue).sum();
        }

        static double global(Map<String, Map<String, Double>> m, String key) {
            return m.getOrDefault("*", Map.of()).getOrDefault(key, 0.0);
        }
    }

    static final class Report {
        final PrintStream out;
        final Rows rows;
        final Bench bench;
        final int reps;
        final int clients;
        final double seconds;

        Report(PrintStream out, Rows rows, Bench bench, int reps, int clients, double seconds) {
            this.out = out;
            this.rows = rows;
            this.bench = bench;
            this.reps = reps;
            this.clients = clients;
            this.seconds = seconds;
        }

        void print() {
            out.println();
            out.printf("## AWS calls and DynamoDB units per operation (%s)%n%n", machine());
            out.printf("`infra/bench-costs.sh operators=%d reps=%d clients=%d`: %d operators connected; averages over %d repetitions "
                            + "(first messages: over %d clients); %s; %.0f s. RRU/WRU: DynamoDB read/write request units, computed "
                            + "from item sizes (see the method); SQS: billed requests of the functions + of the event source "
                            + "mappings (non-empty receives and deletes; empty polls not counted).%n%n",
                    bench.operators, reps, clients, bench.operators, reps, clients, bench.environment, seconds);
            out.println("| operation | Lambda invocations | AWS calls (by service) | DynamoDB RRU | DynamoDB WRU (table + indexes) "
                    + "| SQS requests | other | stored (DynamoDB, billed size) |");
            out.println("|---|---|---|---:|---:|---:|---|---:|");
            rows.figures.forEach((id, f) -> out.println("| " + rows.labels.get(id) + " `" + id + "` | " + invocations(f) + " | " + calls(f) + " | "
                    + num(Usage.prefixed(f, "rru:")) + " | " + wru(f) + " | " + sqs(f) + " | " + other(f) + " | "
                    + stored(f) + " |"));

            out.println();
            out.println("### Per function");
            out.println();
            out.println("| operation | function | invocations | local ms / invocation | calls | RRU | WRU | log bytes |");
            out.println("|---|---|---:|---:|---|---:|---:|---:|");
            rows.figures.forEach((id, f) -> f.forEach((fn, c) -> {
                if (fn.equals("*")) return;
                double inv = c.getOrDefault("lambda:invocations", 0.0);
                String ms = inv > 0 ? num(c.getOrDefault("lambda:ms", 0.0) / inv) : "";
                Map<String, Double> callMap = new TreeMap<>();
                c.forEach((k, v) -> {
                    if (k.startsWith("call:") || k.startsWith("tg:")) callMap.put(shortCall(k), v);
                });
                if (fn.equals(ESM)) {
                    // the mappings' polls that found nothing are idle cost, not this operation's
                    double polls = callMap.getOrDefault("SQS.ReceiveMessage", 0.0) - c.getOrDefault("sqs:emptyReceives", 0.0);
                    callMap.remove("SQS.ReceiveMessage");
                    callMap.put("SQS.ReceiveMessage (non-empty)", polls);
                }
                callMap.values().removeIf(v -> Math.abs(v) < 0.005);
                if (inv == 0 && callMap.isEmpty()) return;
                StringBuilder cs = new StringBuilder();
                callMap.forEach((k, v) -> {
                    if (Math.abs(v) < 0.005) return;
                    cs.append(cs.isEmpty() ? "" : ", ").append(k).append(' ').append(num(v));
                });
                double rru = c.entrySet().stream().filter(e -> e.getKey().startsWith("rru:")).mapToDouble(Map.Entry::getValue).sum();
                double wru = c.entrySet().stream().filter(e -> e.getKey().startsWith("wru:")).mapToDouble(Map.Entry::getValue).sum();
                out.println("| " + id + " | " + fn + " | " + num(inv) + " | " + ms + " | " + cs + " | " + num(rru) + " | " + num(wru)
                        + " | " + num(c.getOrDefault("log:bytes", 0.0)) + " |");
            }));

            out.println();
            out.println("### DynamoDB units by table and index");
            out.println();
            rows.figures.forEach((id, f) -> {
                Map<String, Double> units = new TreeMap<>();
                f.forEach((fn, c) -> {
                    if (!fn.equals("*")) c.forEach((k, v) -> {
                        if (k.startsWith("rru:") || k.startsWith("wru:")) units.merge(k, v, Double::sum);
                    });
                });
                StringBuilder sb = new StringBuilder();
                units.forEach((k, v) -> {
                    if (Math.abs(v) >= 0.005) sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(num(v));
                });
                double reported = Usage.total(f, "reported:DynamoDb");
                double failed = Usage.prefixed(f, "fail:");
                out.println("- " + id + ": " + (sb.isEmpty() ? "none" : sb) + "; the emulator reported " + num(reported)
                        + " units" + (failed > 0 ? "; failed calls (conditions) " + num(failed) : ""));
            });

            out.println();
            out.println("### The event journal's heads");
            out.println();
            out.println(journalHeads());
            out.println();
            out.println("### Custom metrics (Embedded Metric Format) the functions emitted");
            out.println();
            LogTap.METRICS.forEach((fn, names) -> out.println("- " + fn + ": " + String.join(", ", new java.util.TreeSet<>(names))));
            out.println();
        }

        /**
         * Each dialog's journal head is rewritten with every pushed batch (in the transaction, ×2) and keeps the source
         * ids of the last 100 events: its size, hence that write's units, grows with the dialog until then.
         */
        String journalHeads() {
            DynamoCapacity.Schema realtime = bench.schemas.get(bench.realtimeTable);
            List<long[]> heads = new ArrayList<>(); // {bytes, entries, entry bytes}
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                var page = bench.oracle.scan(b -> b.tableName(realtime.name()).exclusiveStartKey(from));
                for (var item : page.items()) {
                    if (!item.getOrDefault("sk", AttributeValue.fromS("")).s().equals("HEAD")) continue;
                    var recent = item.containsKey("recent") ? item.get("recent").l() : List.<AttributeValue>of();
                    heads.add(new long[]{DynamoCapacity.itemSize(item), recent.size(),
                            recent.stream().mapToLong(DynamoCapacity::valueSize).sum()});
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
            if (heads.isEmpty()) return "No journal heads.";
            long[] biggest = heads.stream().max(java.util.Comparator.comparingLong(h -> h[0])).orElseThrow();
            double perEntry = biggest[1] == 0 ? 0 : biggest[2] / (double) biggest[1];
            return String.format(Locale.ROOT, "%d heads; the largest: %d B with %d recent source ids (%.0f B each) = %.0f WRU "
                            + "per batch in the transaction; at the 100 kept, about %.0f B = %.0f WRU per batch.",
                    heads.size(), biggest[0], biggest[1], perEntry, 2 * DynamoCapacity.writeUnits(biggest[0]),
                    biggest[0] + (100 - biggest[1]) * perEntry,
                    2 * DynamoCapacity.writeUnits((long) (biggest[0] + (100 - biggest[1]) * perEntry)));
        }

        String machine() {
            String cpu = "?";
            try {
                cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
            } catch (IOException | RuntimeException ignored) {
                // not Linux
            }
            return Instant.now().atOffset(ZoneOffset.UTC).toLocalDate() + ", " + Runtime.getRuntime().availableProcessors()
                    + " CPUs (" + cpu + "), Java " + Runtime.version();
        }

        static String invocations(Map<String, Map<String, Double>> f) {
            StringBuilder sb = new StringBuilder();
            f.forEach((fn, c) -> {
                double v = c.getOrDefault("lambda:invocations", 0.0);
                if (v >= 0.005) sb.append(sb.isEmpty() ? "" : ", ").append(fn).append(' ').append(num(v));
            });
            return sb.isEmpty() ? "–" : sb.toString();
        }

        static String calls(Map<String, Map<String, Double>> f) {
            Map<String, Double> byService = new TreeMap<>();
            f.forEach((fn, c) -> {
                if (fn.equals(ESM) || fn.equals("*")) return;
                c.forEach((k, v) -> {
                    if (k.startsWith("call:")) byService.merge(service(k.substring(5)), v, Double::sum);
                });
            });
            StringBuilder sb = new StringBuilder();
            byService.forEach((k, v) -> {
                if (Math.abs(v) >= 0.005) sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(num(v));
            });
            return sb.isEmpty() ? "–" : sb.toString();
        }

        static String service(String call) {
            String s = call.substring(0, call.indexOf('.'));
            return switch (s) {
                case "DynamoDb" -> "DynamoDB";
                case "Sqs" -> "SQS";
                case "ApiGatewayManagementApi" -> "@connections";
                default -> s;
            };
        }

        static String shortCall(String key) {
            if (key.startsWith("tg:")) return "Telegram." + key.substring(3);
            String call = key.substring(5);
            return call.replace("ApiGatewayManagementApi.", "@connections.").replace("DynamoDb.", "").replace("Sqs.", "SQS.");
        }

        static String wru(Map<String, Map<String, Double>> f) {
            double table = 0, index = 0;
            for (var e : f.entrySet()) {
                if (e.getKey().equals("*")) continue;
                for (var c : e.getValue().entrySet()) {
                    if (!c.getKey().startsWith("wru:")) continue;
                    if (c.getKey().contains("/")) index += c.getValue();
                    else table += c.getValue();
                }
            }
            return num(table + index) + (index != 0 ? " (" + num(table) + " + " + num(index) + ")" : "");
        }

        static String sqs(Map<String, Map<String, Double>> f) {
            double fns = 0, esm = 0;
            for (var e : f.entrySet()) {
                double v = e.getValue().getOrDefault("sqs:billed", 0.0);
                if (e.getKey().equals(ESM)) esm += v;
                else if (!e.getKey().equals("*")) fns += v;
            }
            return num(fns + esm) + (esm != 0 ? " (" + num(fns) + " + " + num(esm) + " ESM)" : "");
        }

        static String other(Map<String, Map<String, Double>> f) {
            List<String> parts = new ArrayList<>();
            double http = Usage.global(f, "http:requests");
            if (http >= 0.005) parts.add("HTTP API " + num(http));
            double events = Usage.total(f, "events:put");
            if (Math.abs(events) >= 0.005) parts.add("EventBridge events " + num(events));
            double wsOut = Usage.total(f, "ws:messages") + Usage.global(f, "ws:routeResponses");
            double wsIn = Usage.global(f, "ws:messagesIn");
            if (Math.abs(wsOut + wsIn) >= 0.005) parts.add("WebSocket messages " + num(wsOut + wsIn));
            double connects = Usage.global(f, "ws:connects");
            if (Math.abs(connects) >= 0.005) parts.add("WebSocket connections " + num(connects));
            Map<String, Double> tg = new TreeMap<>();
            f.forEach((fn, c) -> c.forEach((k, v) -> {
                if (k.startsWith("tg:")) tg.merge(k.substring(3), v, Double::sum);
            }));
            tg.forEach((k, v) -> {
                if (Math.abs(v) >= 0.005) parts.add("Telegram " + k + " " + num(v));
            });
            return parts.isEmpty() ? "–" : String.join(", ", parts);
        }

        static String stored(Map<String, Map<String, Double>> f) {
            double all = Usage.global(f, "stored:bytes");
            double expiring = Usage.global(f, "stored:expiring");
            return bytes(all) + (Math.abs(expiring) >= 1 && Math.abs(all - expiring) >= 1 ? " (" + bytes(expiring).replace("+", "") + " with TTL)" : "");
        }

        static String bytes(double b) {
            if (Math.abs(b) < 1) return "0";
            return (b > 0 ? "+" : "") + (Math.abs(b) >= 1024 ? String.format(Locale.ROOT, "%.1f KB", b / 1024) : String.format(Locale.ROOT, "%.0f B", b));
        }

        static String num(double v) {
            if (Math.abs(v - Math.rint(v)) < 0.005) return String.format(Locale.ROOT, "%.0f", v);
            return String.format(Locale.ROOT, "%.2f", v);
        }
    }
}
