package dev.tgdesk.websocket;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.domain.Json;
import dev.tgdesk.observability.Log;
import dev.tgdesk.observability.Priming;
import dev.tgdesk.operator.identity.OperatorDirectory;
import dev.tgdesk.realtime.RealtimeAccess;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import dev.tgdesk.storage.DynamoRealtimeStore;
import org.crac.Core;
import org.crac.Resource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * The WebSocket API's routes (API Gateway WebSocket proxy events):
 * <ul>
 * <li>{@code $connect}: {@code ?ticket=…} (from {@code POST /api/realtime/tickets}) admits the connection; anything
 *     else is refused with 401 and API Gateway closes the handshake.</li>
 * <li>{@code $disconnect}: forgets the connection.</li>
 * <li>{@code $default}: {@code {"type":"ping"}} answers {@code {"type":"pong","at":…}} through the route response
 *     (a heartbeat keeps the connection inside the 10-minute idle timeout); anything else an error message.</li>
 * </ul>
 * Environment: {@code BOT_ID}, {@code TABLE_NAME}, {@code REALTIME_TABLE_NAME}. SnapStart priming: {@link #prime()}.
 */
public final class WebSocketHandler implements RequestStreamHandler, Resource {

    private final RealtimeAccess access;
    private final String botId;
    private final LongSupplier clock;
    private final OperatorDirectory primingDirectory;
    private final ObjectMapper json = Json.mapper();

    public WebSocketHandler() {
        this(Wiring.fromEnvironment());
        Core.getGlobalContext().register(this);
    }

    private WebSocketHandler(Wiring w) {
        this(w.access, AwsClients.requiredEnv("BOT_ID"), System::currentTimeMillis, w.operators);
    }

    public WebSocketHandler(RealtimeAccess access, String botId, LongSupplier clock) {
        this(access, botId, clock, null);
    }

    /** @param primingDirectory the operators $connect reads, for priming's read of an operator that does not exist (null: skipped) */
    public WebSocketHandler(RealtimeAccess access, String botId, LongSupplier clock, OperatorDirectory primingDirectory) {
        this.access = access;
        this.botId = botId;
        this.clock = clock;
        this.primingDirectory = primingDirectory;
    }

    private record Wiring(RealtimeAccess access, OperatorDirectory operators) {
        static Wiring fromEnvironment() {
            var dynamo = AwsClients.dynamoDb();
            var store = new DynamoRealtimeStore(dynamo, AwsClients.requiredEnv("REALTIME_TABLE_NAME"));
            var operators = new DynamoOperatorDirectory(dynamo, AwsClients.requiredEnv("TABLE_NAME"));
            return new Wiring(new RealtimeAccess(store, store, operators, System::currentTimeMillis), operators);
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = json.readTree(input);
        JsonNode ctx = event.path("requestContext");
        String connectionId = ctx.path("connectionId").asText(null);
        ObjectNode response = switch (ctx.path("routeKey").asText("")) {
            case "$connect" -> connect(event, connectionId, ctx.path("connectedAt").asLong(clock.getAsLong()));
            case "$disconnect" -> {
                if (connectionId != null) access.disconnect(botId, connectionId);
                yield status(200);
            }
            default -> message(event.path("body").asText(""));
        };
        output.write(json.writeValueAsBytes(response));
    }

    private ObjectNode connect(JsonNode event, String connectionId, long connectedAt) {
        String ticket = event.path("queryStringParameters").path("ticket").asText(null);
        if (connectionId == null || access.connect(botId, ticket, connectionId, connectedAt).isEmpty()) {
            if (!Priming.active()) Log.info("connection refused: ticket missing, unknown, used or expired");
            return status(401);
        }
        return status(200);
    }

    private ObjectNode message(String body) {
        ObjectNode reply = json.createObjectNode();
        String type;
        try {
            type = json.readTree(body).path("type").asText("");
        } catch (IOException e) {
            type = "";
        }
        if (type.equals("ping")) {
            reply.put("type", "pong").put("at", clock.getAsLong());
        } else {
            reply.put("type", "error").put("message", "unknown message: send {\"type\":\"ping\"}; events come from the server");
        }
        ObjectNode response = status(200);
        response.put("body", reply.toString());
        return response;
    }

    private ObjectNode status(int code) {
        return json.createObjectNode().put("statusCode", code);
    }

    // ---- SnapStart priming --------------------------------------------------------------------------------------

    /**
     * Runs before the snapshot, through {@link #handleRequest} with API Gateway's WebSocket events: (1) {@code $default}
     * with {@code {"type":"ping"}} → pong (the heartbeat every open inbox sends); (2) {@code $connect} with a ticket
     * that is not one (refused before any table is read) → 401; (3) the read {@code $connect} makes of the operator's
     * account ({@code GetItem}) for an operator id that does not exist. No AWS writes.
     */
    public Priming.Report prime() {
        Priming p = Priming.of("websocket")
                .step("ping", () -> {
                    var reply = call("{\"requestContext\":{\"routeKey\":\"$default\",\"eventType\":\"MESSAGE\","
                            + "\"connectionId\":\"snapstart-priming\",\"messageId\":\"m\",\"stage\":\"live\"},"
                            + "\"body\":\"{\\\"type\\\":\\\"ping\\\"}\",\"isBase64Encoded\":false}");
                    Priming.expect(json.readTree(reply.path("body").asText()).path("type").asText().equals("pong"), "ping is answered");
                })
                .step("connect-refused", () -> Priming.expect(call("{\"headers\":{\"Host\":\"priming\"},"
                        + "\"queryStringParameters\":{\"ticket\":\"snapstart-priming\"},\"requestContext\":{\"routeKey\":\"$connect\","
                        + "\"eventType\":\"CONNECT\",\"connectionId\":\"snapstart-priming\",\"connectedAt\":0,\"stage\":\"live\"},"
                        + "\"isBase64Encoded\":false}").path("statusCode").asInt() == 401, "a made-up ticket is refused"));
        if (primingDirectory != null) {
            p.step("dynamodb-read", () -> Priming.expect(primingDirectory.operator(botId, "snapstart-priming").isEmpty(),
                    "no operator snapstart-priming"));
        }
        return p.run();
    }

    private JsonNode call(String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return json.readTree(out.toByteArray());
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
    }
}
