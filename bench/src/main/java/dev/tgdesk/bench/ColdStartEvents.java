package dev.tgdesk.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.automation.ControlEnvelope;
import dev.tgdesk.automation.InboundMessage;
import dev.tgdesk.automation.ScenarioRunner;
import dev.tgdesk.automation.TimerScheduler;
import dev.tgdesk.domain.Json;
import dev.tgdesk.domain.UpdateParser;
import dev.tgdesk.emulators.apigateway.HttpApiEvents;
import dev.tgdesk.emulators.aws.CfnTemplate;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.inbox.UpdateIngest;
import dev.tgdesk.observability.Metrics;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.identity.AccessTokens;
import dev.tgdesk.operator.identity.Operator;
import dev.tgdesk.operator.identity.OperatorAccounts;
import dev.tgdesk.operator.identity.PasswordHasher;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.realtime.RealtimeAccess;
import dev.tgdesk.scenario.ScenarioDocument;
import dev.tgdesk.storage.DynamoInboxStore;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import dev.tgdesk.storage.DynamoRealtimeStore;
import dev.tgdesk.storage.DynamoRunStore;
import dev.tgdesk.storage.DynamoScenarioCatalog;
import dev.tgdesk.storage.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local stack a cold-start child talks to, each function's environment, and a fresh first event per run.
 *
 * <p>moto + ElasticMQ with the template's tables, queues and buckets; on moto also the two secrets the sender and the
 * operator API read at init (bot token, token signing secret) and the event bus the push function writes to; the fake
 * Telegram for the sender's {@code sendMessage}. Every event is new (new update, new user, new ticket), so each child
 * does the same work as the first one, not a duplicate's shortcut:
 * <ul>
 *   <li>webhook: {@code events/webhook-text.json} with a new {@code update_id} (the same chat every time);</li>
 *   <li>scenario: a new user's {@code /start}, recorded by the webhook's code here and read back from a staging copy of
 *       the inbound queue: one SQS record; an active one-message scenario answers it;</li>
 *   <li>sender: the same, run through the scenario's code here; its send, read back from a staging outbound queue;</li>
 *   <li>operator-api: {@code GET /api/me} with an admin's token (one {@code GetItem});</li>
 *   <li>autoclose: a scheduled event (nothing idle: one query);</li>
 *   <li>websocket: {@code $connect} with a fresh ticket (the connection is dropped again after the run);</li>
 *   <li>push: a stream record inserting a new user's dialog (journal, no connection, the event bus).</li>
 * </ul>
 */
final class ColdStartEvents implements AutoCloseable {

    static final String BOT_TOKEN = FakeTelegram.DEFAULT_TOKEN;
    static final String BOT_ID = BOT_TOKEN.substring(0, BOT_TOKEN.indexOf(':'));
    /**
     * For the WebSocket URLs, never called: the operator API only hands {@code WEBSOCKET_URL} out (not on
     * {@code /api/me}); the push function posts to connections only, and each websocket run's connection is dropped.
     */
    static final String UNUSED_URL = "http://127.0.0.1:9/unused";

    private final ObjectMapper json = Json.mapper();
    private final AtomicLong ids = new AtomicLong(700_000_000L);
    private final LocalAws aws;
    private final FakeTelegram telegram;
    private final FakeBot bot;
    private final CfnTemplate template;
    private final Path dir;
    private final LocalResources resources;
    private final DynamoDbClient dynamo;
    private final SqsClient sqs;
    /** Template variables whose values come from parameters or from resources TemplateResources does not create. */
    private final Map<String, String> locals = new LinkedHashMap<>();
    private final ObjectNode webhookSample;
    private final String stagingInbound;
    private final String stagingOutbound;
    private final UpdateIngest ingest;
    private final ScenarioRunner scenario;
    private final RealtimeAccess realtime;
    private final Caller admin;
    private final String adminToken;
    private String lastConnectionId;

    ColdStartEvents(LocalAws aws, FakeTelegram telegram, Path root, CfnTemplate template, Path dir) throws IOException {
        this.aws = aws;
        this.telegram = telegram;
        this.template = template;
        this.dir = dir;
        this.bot = telegram.addBot(BOT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
        String prefix = "cold" + Long.toString(System.nanoTime() % 1_000_000, 36) + "-";
        resources = TemplateResources.create(aws, root.resolve(TemplateResources.TEMPLATE_FILE), prefix);
        dynamo = aws.dynamoDb();
        sqs = aws.sqs();
        String table = resources.tableName("DataTable");

        webhookSample = (ObjectNode) json.readTree(root.resolve("events/webhook-text.json").toFile());
        byte[] signingSecret = randomText(64).getBytes(StandardCharsets.UTF_8);
        try (var secrets = aws.configure(SecretsManagerClient.builder(), "SECRETS_MANAGER").build();
             var events = aws.configure(EventBridgeClient.builder(), "EVENTBRIDGE").build()) {
            locals.put("BOT_TOKEN_SECRET_ARN", secrets.createSecret(b -> b.name(prefix + "bot-token").secretString(BOT_TOKEN)).arn());
            locals.put("TOKEN_SIGNING_SECRET_ARN", secrets.createSecret(b -> b.name(prefix + "token-signing")
                    .secretString(new String(signingSecret, StandardCharsets.UTF_8))).arn());
            events.createEventBus(b -> b.name(prefix + "events"));
            locals.put("EVENT_BUS_NAME", prefix + "events");
        }
        locals.put("BOT_ID", BOT_ID);
        locals.put("WEBHOOK_SECRET", webhookSample.path("headers").path("x-telegram-bot-api-secret-token").asText());
        locals.put("SCHEDULER_ROLE_ARN", "arn:aws:iam::" + LocalAws.ACCOUNT_ID + ":role/" + prefix + "scheduler");
        locals.put("SCHEDULE_GROUP", "default");
        locals.put("WEBSOCKET_URL", UNUSED_URL.replace("http:", "ws:"));
        locals.put("WEBSOCKET_MANAGEMENT_URL", UNUSED_URL);

        // what the scenario and sender events are made with: the webhook's and the scenario's own code, on staging queues
        stagingInbound = fifoQueue(prefix + "staging-inbound.fifo");
        stagingOutbound = fifoQueue(prefix + "staging-outbound.fifo");
        ingest = new UpdateIngest(new DynamoInboxStore(dynamo, table, json), new SqsInboundQueue(sqs, stagingInbound, json), json);
        var catalog = new DynamoScenarioCatalog(dynamo, table);
        var stored = catalog.store(BOT_ID, ScenarioDocument.parse("""
                {"id": "coldstart", "name": "cold start", "default_language": "en",
                 "triggers": [{"type": "start", "node": "hello"}],
                 "nodes": [{"id": "hello", "type": "message", "text": "Hello {{first_name}}"}], "edges": []}
                """), System.currentTimeMillis());
        catalog.activate(BOT_ID, "coldstart", stored.version(), null, System.currentTimeMillis());
        scenario = new ScenarioRunner(new DynamoRunStore(dynamo, table, json), catalog,
                new SqsOutboundQueue(sqs, stagingOutbound, json), NO_TIMERS, Clock.systemUTC(), Metrics.NONE);

        // an admin: a token for the operator API, tickets for the WebSocket
        var directory = new DynamoOperatorDirectory(dynamo, table);
        var tokens = new AccessTokens(signingSecret, AccessTokens.DEFAULT_TTL);
        Operator op = new OperatorAccounts(directory, new PasswordHasher(), tokens, Clock.systemUTC()).createOperator(BOT_ID,
                new OperatorAccounts.NewOperator("bench@coldstart.local", "Bench", "admin", List.of(), "cold-start-password"));
        admin = new Caller(BOT_ID, op.id(), op.email(), op.name(), Caller.Role.ADMIN, Set.of());
        adminToken = tokens.issue(BOT_ID, op.id(), op.tokenVersion(), Instant.now()).token();
        var realtimeStore = new DynamoRealtimeStore(dynamo, resources.tableName("RealtimeTable"));
        realtime = new RealtimeAccess(realtimeStore, realtimeStore, directory, System::currentTimeMillis);
    }

    /** The scenario used here has no delays. */
    private static final TimerScheduler NO_TIMERS = new TimerScheduler() {
        @Override
        public void schedule(ControlEnvelope timer) {
            throw new UnsupportedOperationException("no timers in the cold-start scenario");
        }

        @Override
        public void deliver(ControlEnvelope envelope) {
            throw new UnsupportedOperationException("no timers in the cold-start scenario");
        }
    };

    /** The handler class the template names for a function ({@code Handler: a.b.C::handleRequest}). */
    String handlerClass(String logicalId) {
        String handler = function(logicalId).properties().path("Handler").asText();
        return handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
    }

    /** The JVM options the template gives every function ({@code Globals} {@code JAVA_TOOL_OPTIONS}). */
    List<String> jvmOptions(String logicalId) {
        JsonNode options = template.functionEnvironment(function(logicalId)).get("JAVA_TOOL_OPTIONS");
        return options == null ? List.of() : List.of(options.asText().strip().split("\\s+"));
    }

    /**
     * A function's environment: the template's variables resolved to the local resources, secrets and fakes, plus
     * what an SDK needs to reach the emulators. {@code JAVA_TOOL_OPTIONS} is left out: it goes on the command line.
     */
    Map<String, String> environment(String logicalId) {
        Map<String, String> resolved = resources.environment(logicalId);
        Map<String, String> env = new LinkedHashMap<>();
        template.functionEnvironment(function(logicalId)).forEach((name, value) -> {
            if (name.equals("JAVA_TOOL_OPTIONS")) return;
            if (resolved.containsKey(name)) env.put(name, resolved.get(name));
            else if (locals.containsKey(name)) env.put(name, locals.get(name));
            else if (value.isValueNode()) env.put(name, value.asText());
            else env.put(name, parameterDefault(name, value));
        });
        if (env.containsKey("BOT_TOKEN_SECRET_ARN")) env.put("TELEGRAM_API_URL", telegram.baseUrl().toString());
        env.putAll(aws.clientEnvironment());
        env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", aws.endpoint("EVENTBRIDGE").toString());
        return env;
    }

    private String parameterDefault(String variable, JsonNode value) {
        return CfnTemplate.ref(value)
                .map(p -> template.root().path("Parameters").path(p).path("Default"))
                .filter(JsonNode::isValueNode)
                .map(JsonNode::asText)
                .orElseThrow(() -> new IllegalStateException("no local value for " + variable + " = " + value));
    }

    private CfnTemplate.Resource function(String logicalId) {
        return template.resource(logicalId).orElseThrow(() -> new IllegalArgumentException("no " + logicalId + " in the template"));
    }

    /** A new first event for the function of that module, written to a file. */
    Path firstEvent(String module) throws IOException {
        JsonNode event = switch (module) {
            case "webhook" -> webhook();
            case "scenario" -> sqsEvent(record(newUserStarts()), resources.queueArn("InboundQueue"));
            case "sender" -> sender();
            case "operator-api" -> new HttpApiEvents().request("GET", "ANY /api/{proxy+}", "/api/me", "",
                    Map.of("authorization", "Bearer " + adminToken, "host", "localhost"), null, "203.0.113.7",
                    Map.of("proxy", "me"));
            case "autoclose" -> scheduledEvent();
            case "websocket" -> connect();
            case "push" -> push();
            default -> throw new IllegalArgumentException("no first event for " + module);
        };
        Path file = dir.resolve(module + "-event.json");
        Files.write(file, json.writeValueAsBytes(event));
        return file;
    }

    /** Undoes what a run left that would change the next runs' work. */
    void afterRun(String module) {
        if (module.equals("websocket") && lastConnectionId != null) {
            realtime.disconnect(BOT_ID, lastConnectionId);
            lastConnectionId = null;
        }
    }

    private JsonNode webhook() throws IOException {
        ObjectNode update = (ObjectNode) json.readTree(webhookSample.path("body").asText());
        update.put("update_id", ids.incrementAndGet());
        ((ObjectNode) update.path("message")).put("message_id", ids.incrementAndGet());
        ObjectNode event = webhookSample.deepCopy();
        event.put("body", json.writeValueAsString(update));
        ((ObjectNode) event.path("headers")).put("content-length", String.valueOf(event.path("body").asText().getBytes(StandardCharsets.UTF_8).length));
        ((ObjectNode) event.path("requestContext")).put("requestId", UUID.randomUUID().toString());
        return event;
    }

    private JsonNode sender() {
        Message inbound = record(newUserStarts());
        scenario.process(InboundMessage.parse(json, inbound.body()));
        return sqsEvent(receive(stagingOutbound), resources.queueArn("OutboundQueue"));
    }

    private JsonNode scheduledEvent() {
        ObjectNode event = json.createObjectNode();
        event.put("version", "0").put("id", UUID.randomUUID().toString()).put("detail-type", "Scheduled Event")
                .put("source", "aws.events").put("account", LocalAws.ACCOUNT_ID).put("time", Instant.now().toString())
                .put("region", aws.region().id());
        event.putArray("resources").add("arn:aws:events:" + aws.region().id() + ":" + LocalAws.ACCOUNT_ID + ":rule/coldstart-autoclose");
        event.putObject("detail");
        return event;
    }

    private JsonNode connect() {
        String ticket = realtime.issue(admin).ticket();
        lastConnectionId = randomText(16);
        long now = System.currentTimeMillis();
        ObjectNode event = json.createObjectNode();
        event.putObject("headers").put("Host", "ws.example.com").put("Origin", "https://inbox.example.com");
        event.putObject("queryStringParameters").put("ticket", ticket);
        event.putObject("requestContext").put("routeKey", "$connect").put("eventType", "CONNECT")
                .put("connectionId", lastConnectionId).put("connectedAt", now).put("requestTimeEpoch", now)
                .put("requestId", randomText(16)).put("messageDirection", "IN").put("stage", "prod")
                .put("domainName", "ws.example.com").put("apiId", "coldstart");
        event.put("isBase64Encoded", false);
        return event;
    }

    /** A stream record inserting a new user's dialog, as Lambda's DynamoDB Streams event source delivers it. */
    private JsonNode push() {
        ObjectNode update = newUserStarts();
        record(update);
        long chatId = update.path("message").path("chat").path("id").asLong();
        String table = resources.tableName("DataTable");
        String dialogId = dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(key(Keys.chat(BOT_ID, chatId), Keys.CHAT_SK)))
                .item().get("activeDialogId").s();
        Map<String, AttributeValue> dialog = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(Keys.dialog(BOT_ID, dialogId), Keys.DIALOG_SK))).item();
        ObjectNode event = json.createObjectNode();
        ObjectNode record = event.putArray("Records").addObject();
        record.put("eventID", UUID.randomUUID().toString().replace("-", "")).put("eventName", "INSERT")
                .put("eventVersion", "1.1").put("eventSource", "aws:dynamodb").put("awsRegion", aws.region().id());
        ObjectNode ddb = record.putObject("dynamodb");
        ddb.put("ApproximateCreationDateTime", System.currentTimeMillis() / 1000);
        ddb.set("Keys", image(key(Keys.dialog(BOT_ID, dialogId), Keys.DIALOG_SK)));
        ddb.set("NewImage", image(dialog));
        ddb.put("SequenceNumber", String.valueOf(ids.incrementAndGet()) + "00000000000000000000");
        ddb.put("SizeBytes", 800);
        ddb.put("StreamViewType", "NEW_AND_OLD_IMAGES");
        record.put("eventSourceARN", resources.table("DataTable").streamArn());
        return event;
    }

    /** A new user presses Start (the fake Telegram knows the user, so the bot may answer). */
    private ObjectNode newUserStarts() {
        return bot.userStarts(telegram.addUser("Cold", null));
    }

    /** The webhook's rules record the update; what they put on the (staging) inbound queue. */
    private Message record(ObjectNode update) {
        byte[] raw = update.toString().getBytes(StandardCharsets.UTF_8);
        var parsed = (UpdateParser.Outcome.Parsed) new UpdateParser(json).parse(raw);
        ingest.accept(BOT_ID, parsed.update(), update.toString());
        return receive(stagingInbound);
    }

    /** The one message on a staging queue (each staging step puts exactly one there), deleted. */
    private Message receive(String queueUrl) {
        for (int attempt = 0; attempt < 10; attempt++) {
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (got.isEmpty()) continue;
            if (got.size() > 1) throw new IllegalStateException(got.size() + " messages on " + queueUrl + ", expected one");
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(got.getFirst().receiptHandle()));
            return got.getFirst();
        }
        throw new IllegalStateException("nothing arrived on " + queueUrl);
    }

    /** An SQS event with one record, as Lambda's event source mapping delivers it from {@code sourceArn}. */
    private JsonNode sqsEvent(Message m, String sourceArn) {
        ObjectNode event = json.createObjectNode();
        ObjectNode record = event.putArray("Records").addObject();
        record.put("messageId", m.messageId()).put("receiptHandle", m.receiptHandle()).put("body", m.body());
        ObjectNode attributes = record.putObject("attributes");
        m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
        record.putObject("messageAttributes");
        record.put("md5OfBody", m.md5OfBody()).put("eventSource", "aws:sqs").put("eventSourceARN", sourceArn)
                .put("awsRegion", aws.region().id());
        return event;
    }

    private String fifoQueue(String name) {
        return sqs.createQueue(b -> b.queueName(name).attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(Keys.PK, AttributeValue.fromS(pk), Keys.SK, AttributeValue.fromS(sk));
    }

    /** An item in DynamoDB JSON ({@code {"S": "…"}}, {@code {"N": "…"}}, …), as stream records carry it. */
    private ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode out = json.createObjectNode();
        item.forEach((name, value) -> out.set(name, attribute(value)));
        return out;
    }

    private ObjectNode attribute(AttributeValue v) {
        ObjectNode out = json.createObjectNode();
        switch (v.type()) {
            case S -> out.put("S", v.s());
            case N -> out.put("N", v.n());
            case BOOL -> out.put("BOOL", v.bool());
            case NUL -> out.put("NULL", true);
            case B -> out.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
            case SS -> v.ss().forEach(out.putArray("SS")::add);
            case NS -> v.ns().forEach(out.putArray("NS")::add);
            case L -> {
                ArrayNode list = out.putArray("L");
                v.l().forEach(item -> list.add(attribute(item)));
            }
            case M -> out.set("M", image(v.m()));
            default -> throw new IllegalArgumentException("attribute type " + v.type());
        }
        return out;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private static String randomText(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).replace("-", "a").replace("_", "b").substring(0, length);
    }

    /** How many messages the bot has sent on the fake Telegram (the sender runs' sends). */
    int sentMessages() {
        return bot.sentMessages().size();
    }

    @Override
    public void close() {
        dynamo.close();
        sqs.close();
    }
}
