package dev.tgdesk.local.websocket;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.tgdesk.emulators.lambda.LocalLambdaContext;
import dev.tgdesk.local.websocket.WebSocketEvents.Origin;
import dev.tgdesk.local.websocket.WebSocketEvents.Result;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.ContinuousFrame;
import org.java_websocket.framing.DataFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.TextFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.HandshakeImpl1Server;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.protocols.Protocol;
import org.java_websocket.server.WebSocketServer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A local stand-in for an API Gateway WebSocket API with Lambda proxy integrations: clients connect to
 * {@link #webSocketUrl()}, each route's real {@link RequestStreamHandler} gets the event API Gateway would
 * build, and the real {@code ApiGatewayManagementApiClient} posts to connections through
 * {@link #managementEndpoint()} (the {@code @connections} API, on a second port of its own).
 *
 * <pre>{@code
 * try (var api = new WebSocketApiServer(Options.defaults().withPort(0),
 *         Map.of("$connect", connect, "$disconnect", disconnect, "$default", messages)).start()) {
 *     // clients: api.webSocketUrl(); handlers: endpointOverride(api.managementEndpoint())
 * }
 * }</pre>
 *
 * <p>What is emulated, and where it differs from AWS, is written down in {@code infra/local/WEBSOCKET.md}.
 */
public final class WebSocketApiServer implements AutoCloseable {

    /** API Gateway's WebSocket frame size quota: bigger frames close the connection with 1009. */
    static final int MAX_FRAME_BYTES = 32 * 1024;
    /** API Gateway's message payload quota (incoming messages and {@code @connections} posts). */
    static final int MAX_MESSAGE_BYTES = 128 * 1024;
    /** API Gateway's integration timeout, given to handlers as their remaining time. */
    private static final long INTEGRATION_TIMEOUT_MS = 29_000;

    public record Options(String host, int port, String stage, String apiId, Duration idleTimeout,
                          Duration maxConnectionDuration, Set<String> routesWithResponse) {
        public Options {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(apiId, "apiId");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(maxConnectionDuration, "maxConnectionDuration");
            routesWithResponse = Set.copyOf(routesWithResponse);
            if (stage.isEmpty() || stage.contains("/")) throw new IllegalArgumentException("stage: " + stage);
        }

        public static Options defaults() {
            return new Options("127.0.0.1", 0, "local", "localwsapi", Duration.ofMinutes(10), Duration.ofHours(2),
                    Set.of(WebSocketEvents.DEFAULT));
        }

        public Options withHost(String host) {
            return new Options(host, port, stage, apiId, idleTimeout, maxConnectionDuration, routesWithResponse);
        }

        public Options withPort(int port) {
            return new Options(host, port, stage, apiId, idleTimeout, maxConnectionDuration, routesWithResponse);
        }

        public Options withStage(String stage) {
            return new Options(host, port, stage, apiId, idleTimeout, maxConnectionDuration, routesWithResponse);
        }

        public Options withApiId(String apiId) {
            return new Options(host, port, stage, apiId, idleTimeout, maxConnectionDuration, routesWithResponse);
        }

        public Options withIdleTimeout(Duration idleTimeout) {
            return new Options(host, port, stage, apiId, idleTimeout, maxConnectionDuration, routesWithResponse);
        }

        public Options withMaxConnectionDuration(Duration maxConnectionDuration) {
            return new Options(host, port, stage, apiId, idleTimeout, maxConnectionDuration, routesWithResponse);
        }

        public Options withRoutesWithResponse(Set<String> routesWithResponse) {
            return new Options(host, port, stage, apiId, idleTimeout, maxConnectionDuration, routesWithResponse);
        }
    }

    /** Counters since start. */
    public record Stats(long connectsAccepted, long connectsRefused, long messagesIn, long routeResponses,
                        long errorFrames, long disconnectsInvoked, long handlerErrors, long posts, long gets,
                        long deletes, long gone, long payloadTooLarge, long kills, long idleTimeouts,
                        long maxDurationCloses, long oversizeCloses, long binaryCloses, int live) {
    }

    /** Why the server closed a connection; decides the close code and the $disconnect event's fields. */
    enum ServerClose {
        IDLE(CloseFrame.GOING_AWAY, "Going away"),
        MAX_DURATION(CloseFrame.GOING_AWAY, "Going away"),
        // what a $disconnect after DeleteConnection reports (seen in aws/chalice#2060)
        DELETED(CloseFrame.NORMAL, "Connection Closed Normally");

        final int code;
        final String reason;

        ServerClose(int code, String reason) {
            this.code = code;
            this.reason = reason;
        }
    }

    /** One client connection, from its $connect on. */
    final class Connection {
        final Origin origin;
        final WebSocket socket;
        // handler invocations for this connection, one at a time and in arrival order
        final ExecutorService lane = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("ws-lane").factory());
        volatile long lastActiveAt;
        volatile boolean open;
        volatile boolean killed;
        final AtomicReference<ServerClose> serverClose = new AtomicReference<>();

        Connection(Origin origin, WebSocket socket) {
            this.origin = origin;
            this.socket = socket;
            this.lastActiveAt = origin.connectedAt();
        }

        String id() {
            return origin.connectionId();
        }

        void touch() {
            lastActiveAt = System.currentTimeMillis();
        }

        /**
         * Sends data as a text message, split into frames of at most 32 KB as API Gateway does. All frames go
         * out in one call, so concurrent senders never interleave their fragments.
         */
        boolean send(byte[] utf8) {
            List<Framedata> frames = new ArrayList<>();
            int offset = 0;
            do {
                int length = Math.min(MAX_FRAME_BYTES, utf8.length - offset);
                DataFrame frame = offset == 0 ? new TextFrame() : new ContinuousFrame();
                frame.setPayload(ByteBuffer.wrap(utf8, offset, length).slice());
                offset += length;
                frame.setFin(offset >= utf8.length);
                frames.add(frame);
            } while (offset < utf8.length);
            try {
                socket.sendFrame(frames);
                touch();
                return true;
            } catch (WebsocketNotConnectedException e) {
                return false;
            }
        }

        /** Closes the connection from the server side; $disconnect follows. False if already closing. */
        boolean closeBy(ServerClose why) {
            if (!serverClose.compareAndSet(null, why)) return false;
            live.remove(id(), this);
            socket.close(why.code, why.reason);
            return true;
        }
    }

    private final Options options;
    private final Map<String, RequestStreamHandler> routes;
    private final WebSocketEvents events;
    private final Map<String, Connection> live = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Server server;
    private final HttpServer management;
    private final ExecutorService managementThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ws-timeouts").factory());
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicReference<Exception> startFailure = new AtomicReference<>();
    private volatile boolean closing;

    /**
     * @param routes route key ({@code $connect}, {@code $disconnect}, {@code $default}, or custom keys selected
     *               by {@code $request.body.action}) → that route's Lambda handler; every route is optional
     */
    public WebSocketApiServer(Options options, Map<String, RequestStreamHandler> routes) {
        this.options = Objects.requireNonNull(options, "options");
        this.routes = Map.copyOf(routes);
        this.events = new WebSocketEvents(options.stage(), options.apiId());
        this.server = new Server(new InetSocketAddress(options.host(), options.port()));
        try {
            this.management = HttpServer.create(new InetSocketAddress(options.host(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        management.setExecutor(managementThreads);
        management.createContext("/", new ConnectionsApi(this, options.stage()));
    }

    public WebSocketApiServer start() {
        server.start();
        try {
            if (!started.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("WebSocket server did not start");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (startFailure.get() != null) {
            close();
            throw new IllegalStateException("WebSocket server could not start on " + options.host() + ":"
                    + options.port(), startFailure.get());
        }
        management.start();
        long shortest = Math.min(options.idleTimeout().toMillis(), options.maxConnectionDuration().toMillis());
        long period = Math.clamp(shortest / 10, 10, 1000);
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
        return this;
    }

    /** {@code ws://host:port/<stage>}; clients may add a query string. */
    public URI webSocketUrl() {
        return URI.create("ws://" + urlHost() + ":" + server.getPort() + "/" + options.stage());
    }

    /** {@code http://host:port2/<stage>}, what {@code ApiGatewayManagementApiClient.endpointOverride} takes. */
    public URI managementEndpoint() {
        return URI.create("http://" + urlHost() + ":" + management.getAddress().getPort() + "/" + options.stage());
    }

    public Set<String> connectionIds() {
        return Set.copyOf(live.keySet());
    }

    /**
     * Simulates a network loss: drops the TCP connection without a close frame and without invoking
     * $disconnect (API Gateway's $disconnect is best effort); afterwards {@code @connections} answers 410.
     */
    public void kill(String connectionId) {
        Connection c = live.remove(connectionId);
        if (c == null) return;
        c.killed = true;
        count("kills");
        c.socket.closeConnection(CloseFrame.ABNORMAL_CLOSE, "killed");
    }

    public Stats stats() {
        return new Stats(n("connectsAccepted"), n("connectsRefused"), n("messagesIn"), n("routeResponses"),
                n("errorFrames"), n("disconnectsInvoked"), n("handlerErrors"), n("posts"), n("gets"), n("deletes"),
                n("gone"), n("payloadTooLarge"), n("kills"), n("idleTimeouts"), n("maxDurationCloses"),
                n("oversizeCloses"), n("binaryCloses"), live.size());
    }

    /** Stops both ports. Open connections are closed with 1001 and, as the API itself goes away, no $disconnect runs. */
    @Override
    public void close() {
        closing = true;
        sweeper.shutdownNow();
        try {
            server.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        management.stop(0);
        managementThreads.shutdownNow();
        live.values().forEach(c -> c.lane.shutdownNow());
        live.clear();
    }

    // ---- used by ConnectionsApi ----

    Connection connection(String id) {
        return live.get(id);
    }

    void count(String counter) {
        counters.computeIfAbsent(counter, k -> new AtomicLong()).incrementAndGet();
    }

    // ---- internals ----

    private long n(String counter) {
        AtomicLong value = counters.get(counter);
        return value == null ? 0 : value.get();
    }

    private String urlHost() {
        String host = options.host();
        if (host.equals("0.0.0.0") || host.equals("::")) return "127.0.0.1";
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private void sweep() {
        long now = System.currentTimeMillis();
        for (Connection c : live.values()) {
            // idle means no data message either way (pings do not count): what API Gateway's quota describes
            if (now - c.lastActiveAt >= options.idleTimeout().toMillis()) {
                if (c.closeBy(ServerClose.IDLE)) count("idleTimeouts");
            } else if (now - c.origin.connectedAt() >= options.maxConnectionDuration().toMillis()) {
                if (c.closeBy(ServerClose.MAX_DURATION)) count("maxDurationCloses");
            }
        }
    }

    /**
     * Runs a route's handler. Null when it failed: threw anything (caught whatever it is, so a broken handler
     * never takes the server down) or answered something that is no proxy response.
     */
    private Result invoke(String routeKey, ObjectNode event) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String functionName = "websocket-" + routeKey.replace("$", "");
            routes.get(routeKey).handleRequest(new ByteArrayInputStream(events.bytes(event)), out,
                    new LocalLambdaContext(functionName, System.currentTimeMillis() + INTEGRATION_TIMEOUT_MS, 512));
            return events.result(out.toByteArray());
        } catch (Exception | Error e) {
            count("handlerErrors");
            // what Lambda would log for it (never the event: it carries message bodies)
            StackTraceElement[] at = e.getStackTrace();
            System.err.println("local WebSocket API: " + routeKey + " handler failed: " + e
                    + (at.length > 0 ? " at " + at[0] : ""));
            return null;
        }
    }

    /** A text message: route it, invoke the route's handler, send the route response if the route has one. */
    private void onText(Connection c, String body) {
        String routeKey = events.routeFor(body, routes.keySet());
        String requestId = WebSocketEvents.newId();
        if (routeKey == null) {
            sendError(c, "Forbidden", requestId); // no matching route and no $default
            return;
        }
        Result result = invoke(routeKey, events.message(c.origin, routeKey, body, requestId));
        if (result == null) {
            sendError(c, "Internal server error", requestId);
            return;
        }
        // the route response carries the body whatever the status code
        if (options.routesWithResponse().contains(routeKey) && result.body() != null) {
            if (c.send(result.body().getBytes(StandardCharsets.UTF_8))) count("routeResponses");
        }
    }

    /** The message API Gateway sends a client when its message could not be handled, byte for byte. */
    private void sendError(Connection c, String message, String requestId) {
        String frame = "{\"message\": \"" + message + "\", \"connectionId\":\"" + c.id() + "\", \"requestId\":\""
                + requestId + "\"}";
        if (c.send(frame.getBytes(StandardCharsets.UTF_8))) count("errorFrames");
    }

    private void onClosed(Connection c, int code, String reason, boolean remote) {
        live.remove(c.id(), c);
        if (c.killed || closing) {
            c.lane.shutdown();
            return;
        }
        ServerClose why = c.serverClose.get();
        int statusCode = why != null ? why.code : code;
        String text = why != null ? why.reason
                // what API Gateway reports when the client's close frame had no status code
                : code == CloseFrame.NOCODE ? "Client-side close frame status not set" : reason;
        if (code == CloseFrame.TOOBIG && !remote) count("oversizeCloses");
        if (routes.containsKey(WebSocketEvents.DISCONNECT)) {
            c.lane.execute(() -> {
                count("disconnectsInvoked");
                invoke(WebSocketEvents.DISCONNECT, events.disconnect(c.origin, statusCode, text)); // answer goes nowhere
            });
        }
        c.lane.shutdown();
    }

    /** Refuses an upgrade with the given HTTP answer (Java-WebSocket itself only knows 404 and 500). */
    private static InvalidDataException refuse(WebSocket conn, int status, Map<String, String> headers, String body) {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status))
                .append("\r\n");
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("connection")) {
                head.append(name).append(": ").append(value).append("\r\n");
            }
        });
        head.append("Content-Length: ").append(content.length).append("\r\nConnection: close\r\n\r\n");
        ByteBuffer response = ByteBuffer.allocate(head.length() + content.length);
        response.put(head.toString().getBytes(StandardCharsets.ISO_8859_1)).put(content).flip();
        // queued ahead of the library's own "404" answer, which the client never reads past Connection: close
        ((WebSocketImpl) conn).outQueue.add(response);
        return new InvalidDataException(CloseFrame.POLICY_VALIDATION, "refused with " + status);
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error";
        };
    }

    /**
     * RFC 6455 as API Gateway applies it: frames above 32 KB and messages above 128 KB close the connection
     * with 1009 (the library's own limit covers the message, this the single frame).
     */
    private static final class ApiGatewayDraft extends Draft_6455 {
        /** The client's close frame had no status code (the library reads that as 1000). */
        volatile boolean closeWithoutStatus;

        ApiGatewayDraft() {
            super(List.of(), List.of(new Protocol("")), MAX_MESSAGE_BYTES);
        }

        @Override
        public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
            int start = buffer.position();
            List<Framedata> frames = super.translateFrame(buffer);
            int end = buffer.position();
            // an empty close frame from a client is 6 bytes: FIN+close, mask bit with length 0, the mask
            if (!frames.isEmpty() && frames.getLast().getOpcode() == Opcode.CLOSING && end - start >= 6
                    && buffer.get(end - 6) == (byte) 0x88 && buffer.get(end - 5) == (byte) 0x80) {
                closeWithoutStatus = true;
            }
            return frames;
        }

        @Override
        public void processFrame(WebSocketImpl socket, Framedata frame) throws InvalidDataException {
            Opcode op = frame.getOpcode();
            boolean data = op == Opcode.TEXT || op == Opcode.BINARY || op == Opcode.CONTINUOUS;
            if (data && frame.getPayloadData().remaining() > MAX_FRAME_BYTES) {
                throw new LimitExceededException("Frame size limit reached", MAX_FRAME_BYTES);
            }
            super.processFrame(socket, frame);
        }

        @Override
        public Draft copyInstance() {
            return new ApiGatewayDraft();
        }
    }

    /** The Java-WebSocket side: handshake ($connect), frames, close. */
    private final class Server extends WebSocketServer {

        Server(InetSocketAddress address) {
            // a few decoder threads: a slow $connect handler holds one of them during its handshake
            super(address, Math.max(4, Runtime.getRuntime().availableProcessors()), List.of(new ApiGatewayDraft()));
            setReuseAddr(true);
            setDaemon(true);
            // API Gateway sends no pings of its own; the library's default would close quiet clients after 60 s
            setConnectionLostTimeout(0);
        }

        @Override
        public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
                                                                           ClientHandshake request)
                throws InvalidDataException {
            String resource = request.getResourceDescriptor();
            int q = resource.indexOf('?');
            String path = q < 0 ? resource : resource.substring(0, q);
            String query = q < 0 ? null : resource.substring(q + 1);
            if (!path.equals("/" + options.stage()) && !path.equals("/" + options.stage() + "/")) {
                count("connectsRefused");
                throw refuse(conn, 403, Map.of("Content-Type", "application/json"), "{\"message\":\"Forbidden\"}");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (Iterator<String> it = request.iterateHttpFields(); it.hasNext(); ) {
                String name = it.next();
                headers.put(name, request.getFieldValue(name));
            }
            String host = request.getFieldValue("Host");
            String userAgent = request.hasFieldValue("User-Agent") ? request.getFieldValue("User-Agent") : null;
            Origin origin = new Origin(WebSocketEvents.newId(), System.currentTimeMillis(),
                    conn.getRemoteSocketAddress().getAddress().getHostAddress(), userAgent,
                    host.isEmpty() ? urlHost() + ":" + getPort() : host);
            ServerHandshakeBuilder response = new HandshakeImpl1Server();
            if (routes.containsKey(WebSocketEvents.CONNECT)) {
                Result result = invoke(WebSocketEvents.CONNECT, events.connect(origin, headers, query, getPort()));
                if (result == null) {
                    // an integration failure answers the upgrade with 502
                    count("connectsRefused");
                    throw refuse(conn, 502, Map.of("Content-Type", "application/json"),
                            "{\"message\": \"Internal server error\"}");
                }
                if (!result.ok()) {
                    count("connectsRefused");
                    throw refuse(conn, result.statusCode(), result.headers(), result.body());
                }
                // e.g. Sec-WebSocket-Protocol chosen by the handler
                result.headers().forEach(response::put);
            }
            conn.setAttachment(new Connection(origin, conn));
            return response;
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            Connection c = conn.getAttachment();
            if (closing) {
                conn.close(CloseFrame.GOING_AWAY);
                return;
            }
            c.open = true;
            live.put(c.id(), c);
            count("connectsAccepted");
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            Connection c = conn.getAttachment();
            if (c == null || !c.open || c.serverClose.get() != null) return;
            c.touch();
            count("messagesIn");
            try {
                c.lane.execute(() -> onText(c, message));
            } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
                // the connection closed while this message was decoded
            }
        }

        @Override
        public void onMessage(WebSocket conn, ByteBuffer message) {
            // API Gateway rejects binary frames and disconnects the client with 1003
            count("binaryCloses");
            conn.close(CloseFrame.REFUSE, "Binary frames are not supported");
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            Connection c = conn.getAttachment();
            if (c == null || !c.open) return;
            boolean noStatus = remote && conn.getDraft() instanceof ApiGatewayDraft d && d.closeWithoutStatus;
            onClosed(c, noStatus ? CloseFrame.NOCODE : code, reason, remote);
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
            if (conn == null) {
                // the server socket itself, e.g. the port is taken
                startFailure.compareAndSet(null, ex);
                started.countDown();
            }
        }

        @Override
        public void onStart() {
            started.countDown();
        }
    }
}
