package dev.tgdesk.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tgdesk.emulators.apigateway.HttpApiEvents;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local stand-in for API Gateway: HTTP API routes turned into payload-2.0 events for the real
 * handlers, and Lambda's Invoke API ({@code POST /2015-03-31/functions/{name}/invocations}, as
 * {@code sam local start-lambda} offers) so the sample events in {@code events/} can be invoked as-is.
 */
final class ApiGatewayServer implements AutoCloseable {

    /** API Gateway HTTP APIs accept request bodies up to 10 MB. */
    static final int MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

    /** {@code method} may be {@code ANY}; a path ending in {@code /{proxy+}} matches everything below it. */
    record Route(String method, String path, String functionName) {
        String routeKey() {
            return method + " " + path;
        }

        static final String GREEDY = "/{proxy+}";

        /** The captured path parameters when the route matches, else null. */
        Map<String, String> match(String requestMethod, String requestPath) {
            if (!method.equals("ANY") && !method.equals(requestMethod)) return null;
            if (path.endsWith(GREEDY)) {
                String prefix = path.substring(0, path.length() - GREEDY.length());
                if (!requestPath.startsWith(prefix + "/") || requestPath.length() == prefix.length() + 1) return null;
                return Map.of("proxy", requestPath.substring(prefix.length() + 1));
            }
            return path.equals(requestPath) ? Map.of() : null;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpApiEvents events = new HttpApiEvents();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, RequestStreamHandler> functions = new LinkedHashMap<>();
    private final List<Route> routes;

    ApiGatewayServer(String host, int port, List<Route> routes, Map<String, RequestStreamHandler> functions) throws IOException {
        this.routes = routes;
        this.functions.putAll(functions);
        this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        this.executor = Executors.newFixedThreadPool(16);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        // the routes and the Invoke API win over every other context (the most specific prefix wins)
        server.createContext(INVOKE_PREFIX, this::dispatch);
        for (Route route : routes) {
            String context = route.path().endsWith(Route.GREEDY)
                    ? route.path().substring(0, route.path().length() - Route.GREEDY.length()) + "/" : route.path();
            server.createContext(context, this::dispatch);
        }
        server.start();
    }

    private static final String INVOKE_PREFIX = "/2015-03-31/functions/";

    /** Extra local-only endpoints (not part of the deployed API), e.g. the Telegram simulator. */
    void addContext(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    /**
     * Serves the GET and HEAD requests no route and no other context takes (the web client's files); without it, and
     * for other methods, such requests answer API Gateway's 404.
     */
    void setFallback(com.sun.net.httpserver.HttpHandler handler) {
        this.fallback = handler;
    }

    private volatile com.sun.net.httpserver.HttpHandler fallback;

    int port() {
        return server.getAddress().getPort();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        var other = fallback;
        // only reads fall through to the files: any other method on a path no route has stays API Gateway's 404
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (other != null && read && exchange.getHttpContext().getPath().equals("/") && !path.startsWith(INVOKE_PREFIX)
                && routes.stream().noneMatch(r -> r.match(method, path) != null)) {
            other.handle(exchange);
            return;
        }
        try (exchange) {
            byte[] body = exchange.getRequestBody().readNBytes(MAX_PAYLOAD_BYTES + 1);
            if (body.length > MAX_PAYLOAD_BYTES) {
                send(exchange, 413, "{\"message\":\"Request Entity Too Large\"}");
                return;
            }
            if (method.equals("POST") && path.startsWith(INVOKE_PREFIX) && path.endsWith("/invocations")) {
                String name = path.substring(INVOKE_PREFIX.length(), path.length() - "/invocations".length());
                invokeApi(exchange, name, body);
                return;
            }
            for (Route route : routes) {
                Map<String, String> params = route.match(method, path);
                if (params != null) {
                    httpApi(exchange, route, body, params);
                    return;
                }
            }
            // what API Gateway answers for a route that does not exist
            send(exchange, 404, "{\"message\":\"Not Found\"}");
        } catch (RuntimeException e) {
            System.err.println("local API Gateway: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void httpApi(HttpExchange exchange, Route route, byte[] body, Map<String, String> pathParameters) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        byte[] event = recordedEventFor(route, body);
        if (event == null) {
            event = json.writeValueAsBytes(events.request(method(exchange), route.routeKey(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), headers, body, exchange.getRemoteAddress().getAddress().getHostAddress(),
                    pathParameters));
        }
        byte[] output;
        try {
            output = invoke(route.functionName(), event);
        } catch (RuntimeException | IOException e) {
            // a function error: API Gateway answers 500 with this body
            send(exchange, 500, "{\"message\":\"Internal Server Error\"}");
            return;
        }
        HttpApiEvents.HttpResponse response = events.response(output);
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        send(exchange, response.status(), response.body());
    }

    /**
     * Local-only convenience: a body that is itself a recorded API Gateway event for this route (like
     * the files in {@code events/}) is handed to the function as that event, headers and all, so
     * {@code curl --data-binary @events/webhook-text.json …/telegram/webhook} replays it. Anything
     * else — every real Telegram update — is wrapped into a new event as API Gateway would.
     */
    private byte[] recordedEventFor(Route route, byte[] body) {
        if (body.length == 0 || body[0] != '{') return null;
        try {
            var node = json.readTree(body);
            boolean recorded = "2.0".equals(node.path("version").asText()) && node.has("requestContext")
                    && route.routeKey().equals(node.path("routeKey").asText());
            return recorded ? body : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String method(HttpExchange exchange) {
        return exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    }

    private void invokeApi(HttpExchange exchange, String name, byte[] payload) throws IOException {
        if (!functions.containsKey(name)) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", "ResourceNotFoundException");
            send(exchange, 404, "{\"Type\":\"User\",\"message\":\"Function not found: " + name.replace("\"", "") + "\"}");
            return;
        }
        try {
            byte[] output = invoke(name, payload);
            exchange.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
            send(exchange, 200, output);
        } catch (RuntimeException | IOException e) {
            // Lambda reports an unhandled function error with 200 and this header
            exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
            send(exchange, 200, "{\"errorMessage\":\"" + e.getClass().getSimpleName() + "\",\"errorType\":\""
                    + e.getClass().getName() + "\"}");
        }
    }

    private byte[] invoke(String functionName, byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        functions.get(functionName).handleRequest(new ByteArrayInputStream(event), out, null);
        return out.toByteArray();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (!exchange.getResponseHeaders().containsKey("content-type"))
            exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
