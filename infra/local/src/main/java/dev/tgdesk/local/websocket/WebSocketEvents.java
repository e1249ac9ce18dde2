package dev.tgdesk.local.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The events API Gateway WebSocket APIs hand to a Lambda proxy integration, and the integration's answer read
 * back. Field names and their order follow events recorded from the real service (CONNECT, MESSAGE and
 * DISCONNECT samples in aws-powertools/powertools-lambda-python {@code tests/events/apiGatewayWebSocketApi*.json}).
 */
final class WebSocketEvents {

    static final String CONNECT = "$connect";
    static final String DISCONNECT = "$disconnect";
    static final String DEFAULT = "$default";

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ObjectMapper json = new ObjectMapper();
    private final String stage;
    private final String apiId;

    WebSocketEvents(String stage, String apiId) {
        this.stage = stage;
        this.apiId = apiId;
    }

    /** What the route's integration answered: {@code {statusCode, body?, headers?}}. */
    record Result(int statusCode, String body, Map<String, String> headers) {
        boolean ok() {
            return statusCode >= 200 && statusCode < 300;
        }
    }

    /** What identifies one connection in every event. */
    record Origin(String connectionId, long connectedAt, String sourceIp, String userAgent, String domainName) {
    }

    /**
     * API Gateway's ids (connection, request, message) are 16 characters: 11 bytes in URL-safe base64 with
     * its one padding "=", e.g. {@code "BFHPhfCWIAMCKlQ="} or {@code "JC1dgf9yoAMCK-g="}.
     */
    static String newId() {
        byte[] bytes = new byte[11];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().encodeToString(bytes);
    }

    /**
     * @param headers the upgrade request's headers, names as the client sent them
     * @param rawQuery the query string, undecoded, or null
     */
    ObjectNode connect(Origin origin, Map<String, String> headers, String rawQuery, int port) {
        ObjectNode event = json.createObjectNode();
        Map<String, String> all = new LinkedHashMap<>(headers);
        // what API Gateway's front adds to the client's headers
        all.putIfAbsent("X-Amzn-Trace-Id", traceId());
        all.putIfAbsent("X-Forwarded-For", origin.sourceIp());
        all.putIfAbsent("X-Forwarded-Port", Integer.toString(port));
        all.putIfAbsent("X-Forwarded-Proto", "http");
        putHeaders(event, all);
        if (rawQuery != null && !rawQuery.isEmpty()) {
            // as REST-style proxy events: the last value of a repeated name, and all of them in the multi-value map
            ObjectNode single = event.putObject("queryStringParameters");
            ObjectNode multi = event.putObject("multiValueQueryStringParameters");
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                single.put(name, value);
                (multi.has(name) ? (ArrayNode) multi.get(name) : multi.putArray(name)).add(value);
            }
        }
        ObjectNode ctx = event.putObject("requestContext");
        ctx.put("routeKey", CONNECT);
        ctx.put("eventType", "CONNECT");
        common(ctx, origin, newId());
        event.put("isBase64Encoded", false);
        return event;
    }

    /** @param requestId also what an error message to the client names */
    ObjectNode message(Origin origin, String routeKey, String body, String requestId) {
        ObjectNode event = json.createObjectNode();
        ObjectNode ctx = event.putObject("requestContext");
        ctx.put("routeKey", routeKey);
        ctx.put("messageId", newId());
        ctx.put("eventType", "MESSAGE");
        common(ctx, origin, requestId);
        event.put("body", body);
        event.put("isBase64Encoded", false);
        return event;
    }

    ObjectNode disconnect(Origin origin, int statusCode, String reason) {
        ObjectNode event = json.createObjectNode();
        // the real event carries these four headers, three of them empty
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", origin.domainName());
        headers.put("x-api-key", "");
        headers.put("X-Forwarded-For", "");
        headers.put("x-restapi", "");
        putHeaders(event, headers);
        ObjectNode ctx = event.putObject("requestContext");
        ctx.put("routeKey", DISCONNECT);
        ctx.put("disconnectStatusCode", statusCode);
        ctx.put("eventType", "DISCONNECT");
        String requestId = newId();
        ctx.put("extendedRequestId", requestId);
        long now = System.currentTimeMillis();
        ctx.put("requestTime", REQUEST_TIME.format(Instant.ofEpochMilli(now)));
        ctx.put("messageDirection", "IN");
        ctx.put("disconnectReason", reason == null ? "" : reason);
        rest(ctx, origin, requestId, now);
        event.put("isBase64Encoded", false);
        return event;
    }

    /** The fields every requestContext has after routeKey/eventType, in the service's order. */
    private void common(ObjectNode ctx, Origin origin, String requestId) {
        long now = System.currentTimeMillis();
        ctx.put("extendedRequestId", requestId);
        ctx.put("requestTime", REQUEST_TIME.format(Instant.ofEpochMilli(now)));
        ctx.put("messageDirection", "IN");
        rest(ctx, origin, requestId, now);
    }

    private void rest(ObjectNode ctx, Origin origin, String requestId, long now) {
        ctx.put("stage", stage);
        ctx.put("connectedAt", origin.connectedAt());
        ctx.put("requestTimeEpoch", now);
        ObjectNode identity = ctx.putObject("identity");
        identity.put("sourceIp", origin.sourceIp());
        // present when the client sent a User-Agent (recorded events from header-less clients lack it)
        if (origin.userAgent() != null) identity.put("userAgent", origin.userAgent());
        ctx.put("requestId", requestId);
        ctx.put("domainName", origin.domainName());
        ctx.put("connectionId", origin.connectionId());
        ctx.put("apiId", apiId);
    }

    private static void putHeaders(ObjectNode event, Map<String, String> headers) {
        ObjectNode single = event.putObject("headers");
        ObjectNode multi = event.putObject("multiValueHeaders");
        headers.forEach((name, value) -> {
            single.put(name, value);
            multi.putArray(name).add(value);
        });
    }

    /**
     * Reads a proxy integration's output. Empty output (or JSON {@code null}) counts as a plain 200; output
     * that is not a JSON object is an integration failure, as for API Gateway.
     */
    Result result(byte[] output) throws IOException {
        if (output.length == 0) return new Result(200, null, Map.of());
        JsonNode node = json.readTree(output);
        if (node == null || node.isNull()) return new Result(200, null, Map.of());
        if (!node.isObject()) throw new IOException("malformed Lambda proxy response");
        Map<String, String> headers = new LinkedHashMap<>();
        node.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        JsonNode body = node.get("body");
        String text = body == null || body.isNull() ? null : body.isTextual() ? body.asText() : body.toString();
        return new Result(node.path("statusCode").asInt(200), text, headers);
    }

    byte[] bytes(ObjectNode event) throws IOException {
        return json.writeValueAsBytes(event);
    }

    /** The route for a text message under the selection expression {@code $request.body.action}, or null. */
    String routeFor(String body, java.util.Set<String> routeKeys) {
        String trimmed = body.stripLeading();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode action = json.readTree(body).get("action");
                if (action != null && action.isTextual() && !action.asText().startsWith("$")
                        && routeKeys.contains(action.asText())) {
                    return action.asText();
                }
            } catch (IOException notJson) {
                // falls through to $default, as API Gateway does for a body it cannot evaluate
            }
        }
        return routeKeys.contains(DEFAULT) ? DEFAULT : null;
    }

    private static String traceId() {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + HexFormat.of().formatHex(random);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
