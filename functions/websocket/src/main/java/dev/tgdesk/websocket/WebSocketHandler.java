package dev.tgdesk.websocket;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.domain.Json;
import dev.tgdesk.realtime.RealtimeAccess;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import dev.tgdesk.storage.DynamoRealtimeStore;

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
 * Environment: {@code BOT_ID}, {@code TABLE_NAME}, {@code REALTIME_TABLE_NAME}.
 */
public final class WebSocketHandler implements RequestStreamHandler {

    private final RealtimeAccess access;
    private final String botId;
    private final LongSupplier clock;
    private final ObjectMapper json = Json.mapper();

    public WebSocketHandler() {
        this(fromEnvironment(), AwsClients.requiredEnv("BOT_ID"), System::currentTimeMillis);
    }

    public WebSocketHandler(RealtimeAccess access, String botId, LongSupplier clock) {
        this.access = access;
        this.botId = botId;
        this.clock = clock;
    }

    private static RealtimeAccess fromEnvironment() {
        var dynamo = AwsClients.dynamoDb();
        var store = new DynamoRealtimeStore(dynamo, AwsClients.requiredEnv("REALTIME_TABLE_NAME"));
        return new RealtimeAccess(store, store, new DynamoOperatorDirectory(dynamo, AwsClients.requiredEnv("TABLE_NAME")),
                System::currentTimeMillis);
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
            System.err.println("{\"level\":\"INFO\",\"message\":\"connection refused: ticket missing, unknown, used or expired\"}");
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
}
