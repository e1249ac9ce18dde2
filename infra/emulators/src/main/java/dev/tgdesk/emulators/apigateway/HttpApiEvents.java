package dev.tgdesk.emulators.apigateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the event API Gateway HTTP APIs hand to Lambda (payload format 2.0) and reads the function's
 * answer back into an HTTP response, so the real handlers run locally exactly as behind API Gateway.
 * Shapes follow the AWS documentation "Working with AWS Lambda proxy integrations for HTTP APIs".
 */
public final class HttpApiEvents {

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final ObjectMapper json = new ObjectMapper();

    public record HttpResponse(int status, Map<String, String> headers, byte[] body) {
    }

    /**
     * @param headers request headers; API Gateway lower-cases their names, and so does this
     */
    public ObjectNode request(String method, String routeKey, String path, String rawQuery, Map<String, String> headers,
                              byte[] body, String sourceIp) {
        return request(method, routeKey, path, rawQuery, headers, body, sourceIp, Map.of());
    }

    /**
     * @param pathParameters what the route's {@code {name}} / {@code {proxy+}} captured (omitted when empty, as
     *                       API Gateway does)
     */
    public ObjectNode request(String method, String routeKey, String path, String rawQuery, Map<String, String> headers,
                              byte[] body, String sourceIp, Map<String, String> pathParameters) {
        long now = System.currentTimeMillis();
        ObjectNode event = json.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", routeKey);
        event.put("rawPath", path);
        event.put("rawQueryString", rawQuery == null ? "" : rawQuery);
        ObjectNode h = event.putObject("headers");
        headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
        if (rawQuery != null && !rawQuery.isEmpty()) {
            // decoded; repeated names joined with commas, as API Gateway does
            ObjectNode q = event.putObject("queryStringParameters");
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                q.put(name, q.has(name) ? q.get(name).asText() + "," + value : value);
            }
        }
        if (pathParameters != null && !pathParameters.isEmpty()) {
            ObjectNode p = event.putObject("pathParameters");
            pathParameters.forEach(p::put);
        }
        ObjectNode ctx = event.putObject("requestContext");
        ctx.put("accountId", "000000000000");
        ctx.put("apiId", "local");
        ctx.put("domainName", headers.getOrDefault("host", "localhost"));
        ctx.put("domainPrefix", "local");
        ObjectNode http = ctx.putObject("http");
        http.put("method", method);
        http.put("path", path);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", sourceIp == null ? "127.0.0.1" : sourceIp);
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        ctx.put("requestId", UUID.randomUUID().toString());
        ctx.put("routeKey", routeKey);
        ctx.put("stage", "$default");
        ctx.put("time", REQUEST_TIME.format(Instant.ofEpochMilli(now)));
        ctx.put("timeEpoch", now);
        if (body != null && body.length > 0) {
            boolean text = isText(headers.get("content-type"));
            event.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", !text);
        } else {
            event.put("isBase64Encoded", false);
        }
        return event;
    }

    /** The function's result: a proxy response object, or (format 2.0 allows it) any other JSON as a 200 body. */
    public HttpResponse response(byte[] functionOutput) {
        try {
            JsonNode out = json.readTree(functionOutput);
            if (out == null || !out.isObject() || !out.has("statusCode")) {
                return new HttpResponse(200, Map.of("content-type", "application/json"), functionOutput);
            }
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            out.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
            String body = out.path("body").asText("");
            byte[] bytes = out.path("isBase64Encoded").asBoolean(false)
                    ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
            return new HttpResponse(out.get("statusCode").asInt(), headers, bytes);
        } catch (java.io.IOException e) {
            // API Gateway answers 500 {"message":"Internal Server Error"} when the integration output is unusable
            return new HttpResponse(500, Map.of("content-type", "application/json"),
                    "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static boolean isText(String contentType) {
        if (contentType == null) return true;
        String ct = contentType.toLowerCase(Locale.ROOT);
        return ct.startsWith("text/") || ct.contains("json") || ct.contains("xml") || ct.contains("x-www-form-urlencoded");
    }
}
