package dev.tgdesk.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.domain.Json;
import dev.tgdesk.domain.UpdateParser;
import dev.tgdesk.inbox.UpdateIngest;
import dev.tgdesk.inbox.WebhookEndpoint;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.storage.DynamoInboxStore;
import org.crac.Core;
import org.crac.Resource;

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
 */
public final class WebhookHandler implements RequestStreamHandler, Resource {

    private final WebhookEndpoint endpoint;
    private final ObjectMapper json = Json.mapper();

    /** Lambda's constructor: everything from the environment, built once per container. */
    public WebhookHandler() {
        this(fromEnvironment());
        Core.getGlobalContext().register(this);
    }

    public WebhookHandler(WebhookEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    private static WebhookEndpoint fromEnvironment() {
        ObjectMapper json = Json.mapper();
        var store = new DynamoInboxStore(AwsClients.dynamoDb(), AwsClients.requiredEnv("TABLE_NAME"), json);
        var queue = new SqsInboundQueue(AwsClients.sqs(), AwsClients.requiredEnv("INBOUND_QUEUE_URL"), json);
        return new WebhookEndpoint(AwsClients.requiredEnv("BOT_ID"), AwsClients.requiredEnv("WEBHOOK_SECRET"), json,
                new UpdateIngest(store, queue, json), EmfMetrics.forFunction("webhook"));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = json.readTree(input);
        WebhookEndpoint.Response response;
        try {
            response = endpoint.handle(header(event, WebhookEndpoint.SECRET_HEADER), body(event));
        } catch (RuntimeException e) {
            // Storage or queue failure: answer 5xx so Telegram retries. No body content in the log line.
            System.err.println("{\"level\":\"ERROR\",\"message\":\"update not recorded\",\"error\":\""
                    + e.getClass().getSimpleName() + "\"}");
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

    // ---- SnapStart priming: load and JIT the parsing path before the snapshot is taken -----------------

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        String sample = "{\"update_id\":1,\"message\":{\"message_id\":1,\"date\":0,\"chat\":{\"id\":1,\"type\":\"private\"},"
                + "\"from\":{\"id\":1,\"is_bot\":false,\"first_name\":\"a\"},\"text\":\"/start\","
                + "\"entities\":[{\"type\":\"bot_command\",\"offset\":0,\"length\":6}]}}";
        try {
            var parsed = (UpdateParser.Outcome.Parsed) new UpdateParser(json).parse(sample.getBytes(StandardCharsets.UTF_8));
            json.writeValueAsString(parsed.update());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
    }
}
