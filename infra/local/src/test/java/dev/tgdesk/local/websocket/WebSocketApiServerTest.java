package dev.tgdesk.local.websocket;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.local.websocket.WebSocketApiServer.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GetConnectionResponse;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PayloadTooLargeException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stand-in against a real JDK WebSocket client and the real {@code ApiGatewayManagementApiClient}, with
 * small handlers that record the events they get.
 */
class WebSocketApiServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONNECTION_ID = "[A-Za-z0-9_-]{15}=";
    private static final String REQUEST_TIME = "\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000";

    private final List<AutoCloseable> open = new ArrayList<>();
    private final Recorder connect = new Recorder(e -> "{\"statusCode\":200}");
    private final Recorder disconnect = new Recorder(e -> "{\"statusCode\":200}");
    private final Recorder messages = new Recorder(e -> answer(200, "echo:" + e.path("body").asText()));
    private WebSocketApiServer api;
    private ApiGatewayManagementApiClient management;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    // ---- $connect ----

    @Test
    void connectEventHasApiGatewaysShapeAndTheQueryString() throws Exception {
        start(Options.defaults());
        Client client = connect("?token=abc%20d&x=1&x=2");

        JsonNode event = connect.next();
        assertEquals(List.of("headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
                "requestContext", "isBase64Encoded"), names(event));
        assertEquals("abc d", event.at("/queryStringParameters/token").asText());
        assertEquals("2", event.at("/queryStringParameters/x").asText());
        assertEquals(List.of("1", "2"), texts(event.at("/multiValueQueryStringParameters/x")));
        assertTrue(event.get("headers").isObject());
        assertTrue(event.at("/headers/Sec-WebSocket-Key").isTextual());
        assertEquals("127.0.0.1", event.at("/headers/X-Forwarded-For").asText());
        assertTrue(event.at("/headers/X-Amzn-Trace-Id").asText().startsWith("Root=1-"));
        assertEquals(List.of(event.at("/headers/Host").asText()), texts(event.at("/multiValueHeaders/Host")));
        assertFalse(event.get("isBase64Encoded").asBoolean(true));

        JsonNode ctx = event.get("requestContext");
        assertEquals(List.of("routeKey", "eventType", "extendedRequestId", "requestTime", "messageDirection", "stage",
                "connectedAt", "requestTimeEpoch", "identity", "requestId", "domainName", "connectionId", "apiId"), names(ctx));
        assertEquals("$connect", ctx.get("routeKey").asText());
        assertEquals("CONNECT", ctx.get("eventType").asText());
        assertEquals("IN", ctx.get("messageDirection").asText());
        assertEquals("local", ctx.get("stage").asText());
        assertEquals("localwsapi", ctx.get("apiId").asText());
        assertTrue(ctx.get("requestTime").asText().matches(REQUEST_TIME), ctx.get("requestTime").asText());
        assertTrue(ctx.get("connectedAt").isIntegralNumber());
        assertTrue(ctx.get("requestTimeEpoch").isIntegralNumber());
        assertTrue(ctx.get("connectionId").asText().matches(CONNECTION_ID), ctx.get("connectionId").asText());
        assertTrue(ctx.get("requestId").asText().matches(CONNECTION_ID));
        assertEquals(ctx.get("requestId"), ctx.get("extendedRequestId"));
        assertEquals("127.0.0.1", ctx.at("/identity/sourceIp").asText());
        assertTrue(ctx.at("/identity/userAgent").asText().startsWith("Java-http-client"));
        assertEquals(event.at("/headers/Host").asText(), ctx.get("domainName").asText());

        String id = ctx.get("connectionId").asText();
        assertEquals(Set.of(id), api.connectionIds());
        assertEquals(1, api.stats().connectsAccepted());
        client.close();
    }

    @Test
    void connectWithoutQueryHasNoQueryFields() throws Exception {
        start(Options.defaults());
        connect("");
        JsonNode event = connect.next();
        assertNull(event.get("queryStringParameters"));
        assertNull(event.get("multiValueQueryStringParameters"));
    }

    @Test
    void refusedConnectFailsTheHandshakeWithTheHandlersStatusAndNeverDisconnects() throws Exception {
        connect.answer = e -> "{\"statusCode\":401,\"body\":\"no token\"}";
        start(Options.defaults());

        WebSocketHandshakeException refused = handshakeFailure("");
        assertEquals(401, refused.getResponse().statusCode());
        assertEquals(1, connect.events.size());
        assertTrue(api.connectionIds().isEmpty());
        assertNull(disconnect.events.poll(300, TimeUnit.MILLISECONDS), "no $disconnect for a refused connect");
        assertEquals(1, api.stats().connectsRefused());
        assertEquals(0, api.stats().connectsAccepted());
    }

    @Test
    void connectHandlerFailureIsA502() throws Exception {
        connect.answer = e -> {
            throw new IllegalStateException("boom");
        };
        start(Options.defaults());
        assertEquals(502, handshakeFailure("").getResponse().statusCode());
        assertTrue(api.connectionIds().isEmpty());
    }

    @Test
    void aPathOutsideTheStageIsForbidden() throws Exception {
        start(Options.defaults());
        URI other = URI.create(api.webSocketUrl().toString().replace("/local", "/prod"));
        CompletableFuture<WebSocket> ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(other, new Client());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> ws.get(5, TimeUnit.SECONDS));
        assertEquals(403, assertInstanceOf(WebSocketHandshakeException.class, failed.getCause()).getResponse().statusCode());
        assertEquals(0, connect.events.size());
    }

    @Test
    void connectHandlerHeadersReachTheClient() throws Exception {
        connect.answer = e -> "{\"statusCode\":200,\"headers\":{\"Sec-WebSocket-Protocol\":\"chat\"}}";
        start(Options.defaults());
        Client client = new Client();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("chat")
                .buildAsync(api.webSocketUrl(), client).get(5, TimeUnit.SECONDS);
        open.add(() -> ws.abort());
        assertEquals("chat", ws.getSubprotocol());
    }

    // ---- messages ----

    @Test
    void messageEventHasApiGatewaysShapeAndDefaultRouteResponseEchoes() throws Exception {
        start(Options.defaults());
        Client client = connect("");
        String id = connectionId();
        client.send("hello");

        assertEquals("echo:hello", client.next());
        JsonNode event = messages.next();
        assertEquals(List.of("requestContext", "body", "isBase64Encoded"), names(event));
        assertEquals("hello", event.get("body").asText());
        assertFalse(event.get("isBase64Encoded").asBoolean(true));
        JsonNode ctx = event.get("requestContext");
        assertEquals(List.of("routeKey", "messageId", "eventType", "extendedRequestId", "requestTime", "messageDirection",
                "stage", "connectedAt", "requestTimeEpoch", "identity", "requestId", "domainName", "connectionId", "apiId"),
                names(ctx));
        assertEquals("$default", ctx.get("routeKey").asText());
        assertEquals("MESSAGE", ctx.get("eventType").asText());
        assertEquals(id, ctx.get("connectionId").asText());
        assertTrue(ctx.get("messageId").asText().matches(CONNECTION_ID));
        assertTrue(ctx.get("requestTime").asText().matches(REQUEST_TIME));
        assertEquals(1, api.stats().messagesIn());
        awaitTrue(() -> api.stats().routeResponses() == 1);
    }

    @Test
    void actionSelectsACustomRouteWhichHasNoRouteResponseByDefault() throws Exception {
        Recorder chat = new Recorder(e -> "{\"statusCode\":200,\"body\":\"not sent\"}");
        start(Options.defaults(), Map.of("$default", messages, "chat", chat));
        Client client = connect("");

        client.send("{\"action\":\"chat\",\"text\":\"hi\"}");
        assertEquals("chat", chat.next().at("/requestContext/routeKey").asText());
        client.send("{\"action\":\"unknown\"}");
        client.send("{\"action\":\"$connect\"}");
        client.send("not json");
        assertEquals("echo:{\"action\":\"unknown\"}", client.next());
        assertEquals("echo:{\"action\":\"$connect\"}", client.next());
        assertEquals("echo:not json", client.next());
        assertEquals(1, connect.events.size(), "only the connection's own $connect");
        assertNull(client.texts.poll(200, TimeUnit.MILLISECONDS), "the chat route has no route response");
    }

    @Test
    void withoutADefaultRouteAnUnmatchedMessageGetsForbidden() throws Exception {
        start(Options.defaults(), Map.of("chat", messages));
        Client client = connect("");
        client.send("hello");
        JsonNode error = JSON.readTree(client.next());
        assertEquals("Forbidden", error.get("message").asText());
        assertEquals(api.connectionIds().iterator().next(), error.get("connectionId").asText());
        assertTrue(error.get("requestId").asText().matches(CONNECTION_ID));
    }

    @Test
    void aFailingHandlerGetsTheClientInternalServerError() throws Exception {
        messages.answer = e -> {
            throw new IllegalStateException("boom");
        };
        start(Options.defaults());
        Client client = connect("");
        client.send("hello");
        String frame = client.next();
        // byte for byte as API Gateway sends it
        assertTrue(frame.matches("\\{\"message\": \"Internal server error\", \"connectionId\":\"" + CONNECTION_ID
                + "\", \"requestId\":\"" + CONNECTION_ID + "\"}"), frame);
        assertEquals(messages.next().at("/requestContext/requestId").asText(), JSON.readTree(frame).get("requestId").asText());
        assertEquals(1, api.stats().handlerErrors());
        assertEquals(1, api.connectionIds().size(), "the connection stays open");
    }

    @Test
    void aFrameOver32KbClosesWith1009AndRunsDisconnect() throws Exception {
        start(Options.defaults());
        // java.net.http cuts messages into small frames, so this client writes the frames itself
        try (RawClient raw = new RawClient(api.webSocketUrl())) {
            raw.frame(0x1, "x".repeat(WebSocketApiServer.MAX_FRAME_BYTES).getBytes(StandardCharsets.UTF_8), true);
            assertEquals(WebSocketApiServer.MAX_FRAME_BYTES, messages.next().path("body").asText().length());
            raw.frame(0x1, "x".repeat(WebSocketApiServer.MAX_FRAME_BYTES + 1).getBytes(StandardCharsets.UTF_8), true);
            assertEquals(1009, raw.closeCode());
        }
        assertEquals(1009, disconnect.next().at("/requestContext/disconnectStatusCode").asInt());
        assertEquals(0, messages.events.size(), "the oversized frame reached no handler");
        assertEquals(1, api.stats().oversizeCloses());
    }

    @Test
    void aMessageOf32KbFramesUpTo128KbIsOneEventAndMoreCloses() throws Exception {
        messages.answer = e -> answer(200, String.valueOf(e.path("body").asText().length()));
        start(Options.defaults());
        Client client = connect("");
        client.sendInFrames("y".repeat(WebSocketApiServer.MAX_MESSAGE_BYTES), WebSocketApiServer.MAX_FRAME_BYTES);
        assertEquals(String.valueOf(WebSocketApiServer.MAX_MESSAGE_BYTES), client.next());

        client.sendInFrames("z".repeat(WebSocketApiServer.MAX_MESSAGE_BYTES + 1), WebSocketApiServer.MAX_FRAME_BYTES);
        assertEquals(1009, client.closed().code());
        assertEquals(1, messages.events.size());
    }

    @Test
    void aBinaryFrameClosesWith1003() throws Exception {
        start(Options.defaults());
        Client client = connect("");
        client.ws.sendBinary(ByteBuffer.wrap(new byte[]{1, 2, 3}), true).get(5, TimeUnit.SECONDS);
        assertEquals(1003, client.closed().code());
        assertEquals(1003, disconnect.next().at("/requestContext/disconnectStatusCode").asInt());
        assertEquals(0, messages.events.size());
    }

    // ---- $disconnect ----

    @Test
    void clientCloseRunsDisconnectWithApiGatewaysShape() throws Exception {
        start(Options.defaults());
        Client client = connect("");
        String id = connectionId();
        client.ws.sendClose(4000, "bye").get(5, TimeUnit.SECONDS);

        JsonNode event = disconnect.next();
        assertEquals(List.of("headers", "multiValueHeaders", "requestContext", "isBase64Encoded"), names(event));
        assertEquals(List.of("Host", "x-api-key", "X-Forwarded-For", "x-restapi"), names(event.get("headers")));
        JsonNode ctx = event.get("requestContext");
        assertEquals(List.of("routeKey", "disconnectStatusCode", "eventType", "extendedRequestId", "requestTime",
                "messageDirection", "disconnectReason", "stage", "connectedAt", "requestTimeEpoch", "identity", "requestId",
                "domainName", "connectionId", "apiId"), names(ctx));
        assertEquals("$disconnect", ctx.get("routeKey").asText());
        assertEquals("DISCONNECT", ctx.get("eventType").asText());
        assertEquals(4000, ctx.get("disconnectStatusCode").asInt());
        assertTrue(ctx.get("disconnectStatusCode").isInt());
        assertEquals("bye", ctx.get("disconnectReason").asText());
        assertEquals(id, ctx.get("connectionId").asText());
        awaitTrue(() -> api.connectionIds().isEmpty());
        assertThrows(GoneException.class, () -> management.postToConnection(b -> b.connectionId(id).data(text("late"))));
    }

    @Test
    void aCloseFrameWithoutStatusIsReportedAs1005() throws Exception {
        start(Options.defaults());
        // what a browser's ws.close() sends; java.net.http always adds a status
        try (RawClient raw = new RawClient(api.webSocketUrl())) {
            connectionId();
            raw.frame(0x8, new byte[0], true);
            JsonNode ctx = disconnect.next().get("requestContext");
            assertEquals(1005, ctx.get("disconnectStatusCode").asInt());
            assertEquals("Client-side close frame status not set", ctx.get("disconnectReason").asText());
        }
    }

    @Test
    void idleTimeoutClosesWith1001AndRunsDisconnect() throws Exception {
        start(Options.defaults().withIdleTimeout(Duration.ofMillis(500)));
        Client client = connect("");
        // messages keep it alive past the timeout
        for (int i = 0; i < 8; i++) {
            client.send("ping " + i);
            client.next();
            Thread.sleep(100);
        }
        assertFalse(client.closing.isDone());
        WebSocketApiServer.Stats before = api.stats();
        assertEquals(0, before.idleTimeouts());

        Closed closed = client.closed();
        assertEquals(1001, closed.code());
        JsonNode ctx = disconnect.next().get("requestContext");
        assertEquals(1001, ctx.get("disconnectStatusCode").asInt());
        assertEquals("Going away", ctx.get("disconnectReason").asText());
        assertEquals(1, api.stats().idleTimeouts());
        assertTrue(api.connectionIds().isEmpty());
    }

    @Test
    void postsKeepAConnectionFromIdling() throws Exception {
        start(Options.defaults().withIdleTimeout(Duration.ofMillis(500)));
        Client client = connect("");
        String id = connectionId();
        for (int i = 0; i < 8; i++) {
            management.postToConnection(b -> b.connectionId(id).data(text("tick")));
            assertEquals("tick", client.next());
            Thread.sleep(100);
        }
        assertFalse(client.closing.isDone());
        assertEquals(1001, client.closed().code());
    }

    @Test
    void maxConnectionDurationClosesEvenAnActiveConnection() throws Exception {
        start(Options.defaults().withMaxConnectionDuration(Duration.ofMillis(400)));
        Client client = connect("");
        long until = System.currentTimeMillis() + 3000;
        while (!client.closing.isDone() && System.currentTimeMillis() < until) {
            client.ws.sendText("busy", true);
            Thread.sleep(50);
        }
        assertEquals(1001, client.closed().code());
        assertEquals(1001, disconnect.next().at("/requestContext/disconnectStatusCode").asInt());
        assertEquals(1, api.stats().maxDurationCloses());
    }

    // ---- @connections through the real SDK ----

    @Test
    void postReachesTheClientAndBigPostsArriveWhole() throws Exception {
        start(Options.defaults());
        Client client = connect("");
        String id = connectionId();
        management.postToConnection(b -> b.connectionId(id).data(text("{\"type\":\"hello\"}")));
        assertEquals("{\"type\":\"hello\"}", client.next());

        String big = "é".repeat(50_000); // 100,000 bytes: sent in 32 KB fragments
        management.postToConnection(b -> b.connectionId(id).data(text(big)));
        assertEquals(big, client.next());
        assertEquals(2, api.stats().posts());
    }

    @Test
    void postOver128KbIsPayloadTooLarge() throws Exception {
        start(Options.defaults());
        Client client = connect("");
        String id = connectionId();
        PayloadTooLargeException tooLarge = assertThrows(PayloadTooLargeException.class, () -> management.postToConnection(
                b -> b.connectionId(id).data(text("a".repeat(WebSocketApiServer.MAX_MESSAGE_BYTES + 1)))));
        assertEquals(413, tooLarge.statusCode());
        management.postToConnection(b -> b.connectionId(id).data(text("b".repeat(WebSocketApiServer.MAX_MESSAGE_BYTES))));
        assertEquals(WebSocketApiServer.MAX_MESSAGE_BYTES, client.next().length());
        assertEquals(1, api.stats().payloadTooLarge());
    }

    @Test
    void afterKillTheConnectionIsGoneWithoutDisconnect() throws Exception {
        start(Options.defaults());
        Client client = connect("");
        String id = connectionId();
        api.kill(id);

        assertFalse(api.connectionIds().contains(id));
        GoneException gone = assertThrows(GoneException.class,
                () -> management.postToConnection(b -> b.connectionId(id).data(text("lost"))));
        assertEquals(410, gone.statusCode());
        assertThrows(GoneException.class, () -> management.getConnection(b -> b.connectionId(id)));
        assertThrows(GoneException.class, () -> management.deleteConnection(b -> b.connectionId(id)));
        // the client saw the TCP connection end without a close frame (1006 is never sent in one)
        Object end = CompletableFuture.anyOf(client.closing, client.error).get(5, TimeUnit.SECONDS);
        assertTrue(end instanceof Throwable || ((Closed) end).code() == 1006, "closed by a frame: " + end);
        assertNull(disconnect.events.poll(300, TimeUnit.MILLISECONDS), "kill() never runs $disconnect");
        assertEquals(1, api.stats().kills());
        assertEquals(3, api.stats().gone());
    }

    @Test
    void getConnectionIsParsedByTheSdk() throws Exception {
        start(Options.defaults());
        Instant before = Instant.now().minusSeconds(1);
        Client client = connect("");
        String id = connectionId();
        client.send("hi");
        client.next();

        GetConnectionResponse info = management.getConnection(b -> b.connectionId(id));
        assertNotNull(info.connectedAt());
        assertTrue(info.connectedAt().isAfter(before));
        assertFalse(info.lastActiveAt().isBefore(info.connectedAt()));
        assertEquals("127.0.0.1", info.identity().sourceIp());
        assertTrue(info.identity().userAgent().startsWith("Java-http-client"));
        assertThrows(GoneException.class, () -> management.getConnection(b -> b.connectionId("AAAAAAAAAAAAAAA=")));
    }

    @Test
    void deleteClosesTheClientAndRunsDisconnect() throws Exception {
        start(Options.defaults());
        Client client = connect("");
        String id = connectionId();
        management.deleteConnection(b -> b.connectionId(id));

        assertEquals(1000, client.closed().code());
        JsonNode ctx = disconnect.next().get("requestContext");
        assertEquals(id, ctx.get("connectionId").asText());
        assertEquals(1000, ctx.get("disconnectStatusCode").asInt());
        assertEquals("Connection Closed Normally", ctx.get("disconnectReason").asText());
        assertFalse(api.connectionIds().contains(id));
        assertThrows(GoneException.class, () -> management.postToConnection(b -> b.connectionId(id).data(text("x"))));
        assertThrows(GoneException.class, () -> management.deleteConnection(b -> b.connectionId(id)));
    }

    @Test
    void aHandlerMayCallConnectionsForItsOwnConnection() throws Exception {
        messages.answer = e -> {
            String id = e.at("/requestContext/connectionId").asText();
            management.postToConnection(b -> b.connectionId(id).data(text("pushed")));
            return "{\"statusCode\":200,\"body\":\"answered\"}";
        };
        start(Options.defaults());
        Client client = connect("");
        client.send("go");
        assertEquals("pushed", client.next());
        assertEquals("answered", client.next());
    }

    @Test
    void concurrentPostsArriveIntact() throws Exception {
        start(Options.defaults());
        Client client = connect("");
        String id = connectionId();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        open.add(threads::shutdownNow);
        Set<String> sent = new HashSet<>();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            for (int i = 0; i < 25; i++) {
                // every fourth message spans several 32 KB frames
                String message = t + ":" + i + ":" + "m".repeat(i % 4 == 0 ? 70_000 : 10);
                sent.add(message);
                done.add(threads.submit(() -> management.postToConnection(b -> b.connectionId(id).data(text(message)))));
            }
        }
        for (Future<?> f : done) f.get(30, TimeUnit.SECONDS);
        Set<String> received = new HashSet<>();
        for (int n = 0; n < sent.size(); n++) received.add(client.next());
        assertEquals(sent, received);
        assertEquals(200, api.stats().posts());
    }

    @Test
    void unsignedAndOffStageCallsAreForbidden() throws Exception {
        start(Options.defaults());
        connect("");
        String id = connectionId();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(
                URI.create(api.managementEndpoint() + "/@connections/" + id)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unsigned.statusCode());
        assertEquals("MissingAuthenticationTokenException", unsigned.headers().firstValue("x-amzn-ErrorType").orElse(""));

        URI otherStage = URI.create(api.managementEndpoint().toString().replace("/local", "/prod"));
        ApiGatewayManagementApiClient wrong = client(otherStage);
        var forbidden = assertThrows(software.amazon.awssdk.services.apigatewaymanagementapi.model.ForbiddenException.class,
                () -> wrong.getConnection(b -> b.connectionId(id)));
        assertEquals(403, forbidden.statusCode());
    }

    @Test
    void aTakenPortFailsStart() {
        start(Options.defaults());
        WebSocketApiServer second = new WebSocketApiServer(Options.defaults().withPort(api.webSocketUrl().getPort()), Map.of());
        assertThrows(IllegalStateException.class, second::start);
        second.close();
    }

    // ---- helpers ----

    private void start(Options options) {
        start(options, Map.of("$connect", connect, "$disconnect", disconnect, "$default", messages));
    }

    private void start(Options options, Map<String, RequestStreamHandler> routes) {
        Map<String, RequestStreamHandler> all = new LinkedHashMap<>(routes);
        all.putIfAbsent("$connect", connect);
        all.putIfAbsent("$disconnect", disconnect);
        api = new WebSocketApiServer(options, all).start();
        open.add(api);
        management = client(api.managementEndpoint());
    }

    private ApiGatewayManagementApiClient client(URI endpoint) {
        ApiGatewayManagementApiClient c = ApiGatewayManagementApiClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        open.add(c);
        return c;
    }

    private Client connect(String query) throws Exception {
        Client client = new Client();
        client.ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(api.webSocketUrl() + query), client).get(5, TimeUnit.SECONDS);
        open.add(client);
        return client;
    }

    private WebSocketHandshakeException handshakeFailure(String query) {
        CompletableFuture<WebSocket> ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(api.webSocketUrl() + query), new Client());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> ws.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(WebSocketHandshakeException.class, failed.getCause());
    }

    /** The only live connection's id (the handshake completes before $connect's event is read here). */
    private String connectionId() {
        awaitTrue(() -> api.connectionIds().size() == 1);
        return api.connectionIds().iterator().next();
    }

    private static SdkBytes text(String s) {
        return SdkBytes.fromString(s, StandardCharsets.UTF_8);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long until = System.currentTimeMillis() + 5000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > until) throw new AssertionError("condition not met in 5 s");
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static String answer(int status, String body) {
        return JSON.createObjectNode().put("statusCode", status).put("body", body).toString();
    }

    /** A route handler that records its events and answers with {@link #answer}. */
    static final class Recorder implements RequestStreamHandler {
        final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        volatile Function<JsonNode, String> answer;

        Recorder(Function<JsonNode, String> answer) {
            this.answer = answer;
        }

        @Override
        public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
            assertNotNull(context.getAwsRequestId());
            JsonNode event = JSON.readTree(in);
            events.add(event);
            String output = answer.apply(event);
            if (output != null) out.write(output.getBytes(StandardCharsets.UTF_8));
        }

        JsonNode next() throws InterruptedException {
            JsonNode event = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(event, "no event within 5 s");
            return event;
        }
    }

    record Closed(int code, String reason) {
    }

    /** A JDK WebSocket client collecting whole text messages. */
    static final class Client implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Closed> closing = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        private StringBuilder partial = new StringBuilder();
        WebSocket ws;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial = new StringBuilder();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closing.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable e) {
            error.complete(e);
        }

        void send(String text) throws Exception {
            ws.sendText(text, true).get(5, TimeUnit.SECONDS);
        }

        void sendInFrames(String text, int frameChars) throws Exception {
            for (int at = 0; at < text.length(); at += frameChars) {
                int end = Math.min(text.length(), at + frameChars);
                ws.sendText(text.substring(at, end), end == text.length()).get(5, TimeUnit.SECONDS);
            }
        }

        String next() throws InterruptedException {
            String text = texts.poll(5, TimeUnit.SECONDS);
            assertNotNull(text, "no message within 5 s");
            return text;
        }

        Closed closed() throws Exception {
            return closing.get(5, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            if (ws != null) ws.abort();
        }
    }

    /** A client writing frames by hand over a plain socket (masked, as clients must). */
    static final class RawClient implements AutoCloseable {
        private final java.net.Socket socket;
        private final InputStream in;
        private final OutputStream out;

        RawClient(URI url) throws IOException {
            socket = new java.net.Socket(url.getHost(), url.getPort());
            socket.setSoTimeout(5000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            out.write(("GET " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) throw new IOException("handshake cut: " + head);
                head.append((char) b);
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
        }

        void frame(int opcode, byte[] payload, boolean fin) throws IOException {
            java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
            frame.write((fin ? 0x80 : 0) | opcode);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else if (payload.length < 65536) {
                frame.write(0x80 | 126);
                frame.write(payload.length >> 8);
                frame.write(payload.length & 0xff);
            } else {
                frame.write(0x80 | 127);
                for (int shift = 56; shift >= 0; shift -= 8) frame.write((int) ((long) payload.length >> shift) & 0xff);
            }
            byte[] mask = {1, 2, 3, 4};
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) frame.write(payload[i] ^ mask[i % 4]);
            out.write(frame.toByteArray());
            out.flush();
        }

        /** Reads frames until the server's close frame and returns its status code. */
        int closeCode() throws IOException {
            while (true) {
                int first = in.read();
                int second = in.read();
                if (first < 0 || second < 0) throw new IOException("no close frame");
                long length = second & 0x7f;
                if (length == 126) length = (in.read() << 8) | in.read();
                else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) length = (length << 8) | in.read();
                }
                byte[] payload = in.readNBytes((int) length);
                if ((first & 0x0f) == 0x8) return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
