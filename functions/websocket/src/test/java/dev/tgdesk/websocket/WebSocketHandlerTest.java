package dev.tgdesk.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.identity.Operator;
import dev.tgdesk.realtime.RealtimeAccess;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import dev.tgdesk.storage.DynamoRealtimeStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The WebSocket routes with API Gateway's event shapes, on moto. */
class WebSocketHandlerTest {

    static final String BOT = "444000333";
    static final AtomicLong NOW = new AtomicLong(1_780_000_000_000L);
    static DynamoRealtimeStore store;
    static DynamoOperatorDirectory operators;
    static RealtimeAccess access;
    static WebSocketHandler handler;

    @BeforeAll
    static void stack() {
        LocalAws aws = LocalAws.shared();
        LocalResources res = TemplateResources.create(aws, "ws" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-");
        var dynamo = aws.dynamoDb();
        store = new DynamoRealtimeStore(dynamo, res.tableName("RealtimeTable"));
        operators = new DynamoOperatorDirectory(dynamo, res.tableName("DataTable"));
        access = new RealtimeAccess(store, store, operators, NOW::get);
        handler = new WebSocketHandler(access, BOT, NOW::get);
    }

    static Operator operator(String id, boolean disabled) {
        var op = new Operator(BOT, id, id + "@example.com", id, Caller.Role.AGENT, Set.of(), disabled, "x", 1, 1, 0);
        operators.createOperator(op);
        return op;
    }

    static JsonNode call(String event) throws Exception {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.mapper().readTree(out.toByteArray());
    }

    static String connectEvent(String connectionId, String ticket) {
        String query = ticket == null ? "" : ",\"queryStringParameters\":{\"ticket\":\"" + ticket + "\"}";
        return """
                {"headers":{"Host":"abc.execute-api.eu-west-1.amazonaws.com"}%s,
                 "requestContext":{"routeKey":"$connect","eventType":"CONNECT","connectionId":"%s","connectedAt":%d,
                  "stage":"live","apiId":"abc","requestId":"r1"},"isBase64Encoded":false}""".formatted(query, connectionId, NOW.get());
    }

    @Test
    void aTicketAdmitsOneConnectionOnce() throws Exception {
        Operator op = operator("agent" + System.nanoTime(), false);
        String ticket = access.issue(op.caller()).ticket();
        assertEquals(200, call(connectEvent("conn-A=", ticket)).path("statusCode").asInt());
        var live = store.connections(BOT, NOW.get());
        assertTrue(live.stream().anyMatch(c -> c.connectionId().equals("conn-A=") && c.operatorId().equals(op.id())));
        assertEquals(NOW.get() + 2 * 3600_000L, live.stream().filter(c -> c.connectionId().equals("conn-A=")).findFirst()
                .orElseThrow().expiresAt());
        // the same ticket again, no ticket, a made-up one
        assertEquals(401, call(connectEvent("conn-B=", ticket)).path("statusCode").asInt());
        assertEquals(401, call(connectEvent("conn-C=", null)).path("statusCode").asInt());
        assertEquals(401, call(connectEvent("conn-D=", "A".repeat(43))).path("statusCode").asInt());
        assertEquals(401, call(connectEvent("conn-E=", "<script>")).path("statusCode").asInt());

        call("""
                {"requestContext":{"routeKey":"$disconnect","eventType":"DISCONNECT","connectionId":"conn-A=",
                 "disconnectStatusCode":1001,"disconnectReason":"Going away"}}""");
        assertTrue(store.connections(BOT, NOW.get()).stream().noneMatch(c -> c.connectionId().equals("conn-A=")));
    }

    @Test
    void anExpiredTicketOrADisabledOperatorIsRefused() throws Exception {
        Operator op = operator("late" + System.nanoTime(), false);
        String ticket = access.issue(op.caller()).ticket();
        NOW.addAndGet(RealtimeAccess.TICKET_TTL_MS + 1);
        assertEquals(401, call(connectEvent("conn-L=", ticket)).path("statusCode").asInt());

        Operator disabled = operator("off" + System.nanoTime(), true);
        assertEquals(401, call(connectEvent("conn-O=", access.issue(disabled.caller()).ticket())).path("statusCode").asInt());
    }

    @Test
    void pingIsAnsweredWithPongThroughTheRouteResponse() throws Exception {
        JsonNode r = call("""
                {"requestContext":{"routeKey":"$default","eventType":"MESSAGE","connectionId":"conn-P=","messageId":"m1"},
                 "body":"{\\"type\\":\\"ping\\"}","isBase64Encoded":false}""");
        assertEquals(200, r.path("statusCode").asInt());
        JsonNode body = Json.mapper().readTree(r.path("body").asText());
        assertEquals("pong", body.path("type").asText());
        JsonNode bad = Json.mapper().readTree(call("""
                {"requestContext":{"routeKey":"$default","eventType":"MESSAGE","connectionId":"conn-P="},"body":"not json"}""")
                .path("body").asText());
        assertEquals("error", bad.path("type").asText());
    }
}
