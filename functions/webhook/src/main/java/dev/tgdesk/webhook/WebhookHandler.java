package dev.tgdesk.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.automation.ControlEnvelope;
import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.domain.Json;
import dev.tgdesk.domain.UpdateParser;
import dev.tgdesk.inbox.InboxStore;
import dev.tgdesk.inbox.UpdateIngest;
import dev.tgdesk.inbox.WebhookEndpoint;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.observability.Log;
import dev.tgdesk.observability.Metrics;
import dev.tgdesk.observability.Priming;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.storage.DynamoInboxStore;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Lambda entry point behind the API Gateway HTTP API route {@code POST /telegram/webhook} (payload
 * format 2.0). It only translates the API Gateway event to {@link WebhookEndpoint} and back.
 *
 * <p>Metric {@code WebhookErrors}: answers 500 because DynamoDB or SQS failed (Telegram retries them). SnapStart priming:
 * {@link #prime()}.
 */
public final class WebhookHandler implements RequestStreamHandler, Resource {

    /**
     * What priming reads and calls besides the handler itself: the store (a read of keys that cannot exist) and the
     * inbound queue (a send SQS refuses). Null parts are skipped.
     */
    public record PrimingTargets(InboxStore store, String botId, SqsClient sqs, String inboundQueueUrl) {
    }

    private final WebhookEndpoint endpoint;
    private final Metrics metrics;
    private final PrimingTargets priming;
    private final ObjectMapper json = Json.mapper();

    /** Lambda's constructor: everything from the environment, built once per container. */
    public WebhookHandler() {
        this(Wiring.fromEnvironment());
        Core.getGlobalContext().register(this);
    }

    private WebhookHandler(Wiring w) {
        this(w.endpoint, EmfMetrics.forFunction("webhook"), w.priming);
    }

    public WebhookHandler(WebhookEndpoint endpoint) {
        this(endpoint, Metrics.NONE, null);
    }

    public WebhookHandler(WebhookEndpoint endpoint, Metrics metrics, PrimingTargets priming) {
        this.endpoint = endpoint;
        this.metrics = metrics;
        this.priming = priming;
    }

    private record Wiring(WebhookEndpoint endpoint, PrimingTargets priming) {
        static Wiring fromEnvironment() {
            ObjectMapper json = Json.mapper();
            SqsClient sqs = AwsClients.sqs();
            String botId = AwsClients.requiredEnv("BOT_ID");
            String queueUrl = AwsClients.requiredEnv("INBOUND_QUEUE_URL");
            var store = new DynamoInboxStore(AwsClients.dynamoDb(), AwsClients.requiredEnv("TABLE_NAME"), json);
            var queue = new SqsInboundQueue(sqs, queueUrl, json);
            var endpoint = new WebhookEndpoint(botId, AwsClients.requiredEnv("WEBHOOK_SECRET"), json,
                    new UpdateIngest(store, queue, json), EmfMetrics.forFunction("webhook"));
            return new Wiring(endpoint, new PrimingTargets(store, botId, sqs, queueUrl));
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = json.readTree(input);
        WebhookEndpoint.Response response;
        try {
            response = endpoint.handle(header(event, WebhookEndpoint.SECRET_HEADER), body(event));
        } catch (RuntimeException e) {
            // Storage or queue failure: answer 5xx so Telegram retries. No body content in the log line.
            metrics.count("WebhookErrors");
            Log.error("update not recorded", e);
            response = new WebhookEndpoint.Response(500, "{\"ok\":false,\"error\":\"temporarily unable to record the update\"}");
        }
        ObjectNode out = json.createObjectNode();
        out.put("statusCode", response.status());
        out.putObject("headers").put("content-type", "application/json");
        out.put("body", response.body());
        out.put("isBase64Encoded", false);
        json.writeValue(output, out);
    }

    /** HTTP API lower-cases header names; a REST API or a test may not, so match case-insensitively. */
    static String header(JsonNode event, String name) {
        JsonNode headers = event.path("headers");
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            if (h.getKey().equalsIgnoreCase(name)) return h.getValue().asText();
        }
        return null;
    }

    static byte[] body(JsonNode event) {
        JsonNode body = event.get("body");
        if (body == null || body.isNull()) return new byte[0];
        if (event.path("isBase64Encoded").asBoolean(false)) return Base64.getDecoder().decode(body.asText());
        return body.asText().getBytes(StandardCharsets.UTF_8);
    }

    // ---- SnapStart priming --------------------------------------------------------------------------------------

    /** A private chat's "/start", as Telegram sends it. */
    static final String SAMPLE_UPDATE = "{\"update_id\":1,\"message\":{\"message_id\":1,\"date\":0,"
            + "\"chat\":{\"id\":1,\"type\":\"private\",\"first_name\":\"a\"},"
            + "\"from\":{\"id\":1,\"is_bot\":false,\"first_name\":\"a\",\"language_code\":\"en\"},\"text\":\"/start\","
            + "\"entities\":[{\"type\":\"bot_command\",\"offset\":0,\"length\":6}]}}";

    /**
     * Runs before the snapshot: (1) the sample update through {@link #handleRequest} as API Gateway sends it, without
     * the secret header — the whole event → answer path, stopped at the 401 before anything is read or stored;
     * (2) the update parser and the envelope's JSON on the same update; (3) the store's read of one update (chat and
     * contact, {@code BatchGetItem}) for chat 0 and user 0, which Telegram never uses; (4) a {@code SendMessage} to the
     * inbound FIFO queue without a message group, which SQS refuses before storing anything (its body would be
     * dropped by the scenario function anyway). No metric is written; nothing is stored or enqueued.
     */
    public Priming.Report prime() {
        String event = "{\"version\":\"2.0\",\"routeKey\":\"POST /telegram/webhook\",\"rawPath\":\"/telegram/webhook\","
                + "\"headers\":{\"content-type\":\"application/json\",\"host\":\"priming\"},\"requestContext\":{\"http\":"
                + "{\"method\":\"POST\",\"path\":\"/telegram/webhook\"}},\"body\":" + json.valueToTree(SAMPLE_UPDATE)
                + ",\"isBase64Encoded\":false}";
        Priming p = Priming.of("webhook")
                .step("handler", () -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
                    Priming.expect(json.readTree(out.toByteArray()).path("statusCode").asInt() == 401, "the unsigned sample is refused");
                })
                .step("parse", () -> {
                    var parsed = new UpdateParser(json).parse(SAMPLE_UPDATE.getBytes(StandardCharsets.UTF_8));
                    Priming.expect(parsed instanceof UpdateParser.Outcome.Parsed, "the sample update parses");
                    json.writeValueAsString(((UpdateParser.Outcome.Parsed) parsed).update());
                });
        if (priming != null && priming.store() != null) {
            p.step("dynamodb-read", () -> priming.store().load(priming.botId(), 0L, 0L));
        }
        if (priming != null && priming.sqs() != null) {
            p.step("sqs-refused-send", () -> {
                String body = Json.write(json, ControlEnvelope.resume("0", 0, "snapstart-priming", null, "snapstart-priming", 0));
                try {
                    priming.sqs().sendMessage(b -> b.queueUrl(priming.inboundQueueUrl()).messageBody(body));
                } catch (SqsException refused) {
                    return; // expected: a FIFO queue needs a message group id
                }
                throw new IllegalStateException("the inbound queue accepted a message without a group id");
            });
        }
        return p.run();
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
    }
}
