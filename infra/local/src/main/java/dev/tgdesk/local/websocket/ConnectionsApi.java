package dev.tgdesk.local.websocket;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.tgdesk.local.websocket.WebSocketApiServer.Connection;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/**
 * The {@code @connections} management API (service "ApiGatewayManagementApi", REST-JSON protocol) at
 * {@code /<stage>/@connections/{connectionId}}: POST sends data to the client, GET describes the connection,
 * DELETE closes it. Errors carry the {@code x-amzn-ErrorType} header the AWS SDKs map to their exception
 * classes (GoneException 410, PayloadTooLargeException 413, ForbiddenException 403).
 */
final class ConnectionsApi implements HttpHandler {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final WebSocketApiServer api;
    private final String prefix;

    ConnectionsApi(WebSocketApiServer api, String stage) {
        this.api = api;
        this.prefix = "/" + stage + "/@connections/";
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            if (!signed(exchange)) {
                // unsigned calls never reach the API (only hand-made requests lack a SigV4 signature)
                error(exchange, 403, "MissingAuthenticationTokenException", "{\"message\":\"Missing Authentication Token\"}");
                return;
            }
            if (!path.startsWith(prefix) || path.length() == prefix.length() || path.indexOf('/', prefix.length()) >= 0
                    || !(method.equals("POST") || method.equals("GET") || method.equals("DELETE"))) {
                error(exchange, 403, "ForbiddenException", "{\"message\":\"Forbidden\"}");
                return;
            }
            // the SDK percent-encodes the id's "="; "+" stays a plus sign in a path
            String id = URLDecoder.decode(path.substring(prefix.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
            switch (method) {
                case "POST" -> post(exchange, id);
                case "GET" -> get(exchange, id);
                default -> delete(exchange, id);
            }
        }
    }

    private void post(HttpExchange exchange, String id) throws IOException {
        byte[] data = exchange.getRequestBody().readNBytes(WebSocketApiServer.MAX_MESSAGE_BYTES + 1);
        if (data.length > WebSocketApiServer.MAX_MESSAGE_BYTES) {
            api.count("payloadTooLarge");
            error(exchange, 413, "PayloadTooLargeException",
                    "{\"message\":\"Data exceeds the maximum size of " + WebSocketApiServer.MAX_MESSAGE_BYTES + " bytes\"}");
            return;
        }
        Connection c = api.connection(id);
        if (c == null || !c.send(data)) {
            gone(exchange);
            return;
        }
        api.count("posts");
        send(exchange, 200, new byte[0]);
    }

    private void get(HttpExchange exchange, String id) throws IOException {
        Connection c = api.connection(id);
        if (c == null) {
            gone(exchange);
            return;
        }
        api.count("gets");
        String userAgent = c.origin.userAgent() == null ? "" : c.origin.userAgent();
        String body = "{\"connectedAt\":\"" + ISO_MILLIS.format(Instant.ofEpochMilli(c.origin.connectedAt()))
                + "\",\"identity\":{\"sourceIp\":\"" + escape(c.origin.sourceIp()) + "\",\"userAgent\":\""
                + escape(userAgent) + "\"},\"lastActiveAt\":\""
                + ISO_MILLIS.format(Instant.ofEpochMilli(c.lastActiveAt)) + "\"}";
        send(exchange, 200, body.getBytes(StandardCharsets.UTF_8));
    }

    private void delete(HttpExchange exchange, String id) throws IOException {
        Connection c = api.connection(id);
        if (c == null || !c.closeBy(WebSocketApiServer.ServerClose.DELETED)) {
            gone(exchange);
            return;
        }
        api.count("deletes");
        exchange.sendResponseHeaders(204, -1);
    }

    /** 410 with no body: what the service answers (the PHP SDK fails to parse it, the Java SDK v1 shows message null). */
    private void gone(HttpExchange exchange) throws IOException {
        api.count("gone");
        exchange.getResponseHeaders().set("x-amzn-ErrorType", "GoneException");
        send(exchange, 410, new byte[0]);
    }

    private static void error(HttpExchange exchange, int status, String type, String body) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** A SigV4 Authorization header or a presigned query; signatures themselves are not checked. */
    private static boolean signed(HttpExchange exchange) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.startsWith("AWS4-HMAC-SHA256")) return true;
        String query = exchange.getRequestURI().getRawQuery();
        return query != null && query.contains("X-Amz-Signature=");
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
