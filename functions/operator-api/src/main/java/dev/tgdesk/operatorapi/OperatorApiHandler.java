package dev.tgdesk.operatorapi;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.domain.Json;
import dev.tgdesk.operator.api.ApiRequest;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * API Gateway HTTP API (payload 2.0) → {@link Router} → proxy response. Everything else is in shared/operator.
 * Errors inside endpoints are JSON answers; anything unexpected is a 500 without details (logged by class only).
 */
public final class OperatorApiHandler implements RequestStreamHandler {

    /** API Gateway refuses bodies over 10 MB and Lambda over 6 MB; we stop at this many bytes after decoding. */
    public static final int MAX_BODY_BYTES = 5 * 1024 * 1024;

    private final Router router;
    private final ObjectMapper json = Json.mapper();

    public OperatorApiHandler() {
        this(OperatorApiWiring.fromEnvironment());
    }

    public OperatorApiHandler(Router router) {
        this.router = router;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = json.readTree(input);
        ApiResponse response;
        try {
            response = handle(event);
        } catch (RuntimeException e) {
            System.err.println("{\"level\":\"ERROR\",\"message\":\"operator API call failed\",\"error\":\"" + e.getClass().getSimpleName() + "\"}");
            response = ApiResponse.json(500, Map.of("error", Map.of("code", "internal", "message", "something went wrong; try again")));
        }
        ObjectNode out = json.createObjectNode();
        out.put("statusCode", response.status());
        ObjectNode headers = out.putObject("headers");
        response.headers().forEach(headers::put);
        headers.put("cache-control", "no-store");
        if (response.binary()) {
            out.put("body", Base64.getEncoder().encodeToString(response.body()));
            out.put("isBase64Encoded", true);
        } else {
            out.put("body", new String(response.body(), StandardCharsets.UTF_8));
            out.put("isBase64Encoded", false);
        }
        json.writeValue(output, out);
    }

    ApiResponse handle(JsonNode event) {
        String method = event.path("requestContext").path("http").path("method").asText("GET");
        String path = event.path("rawPath").asText(event.path("requestContext").path("http").path("path").asText("/"));
        Map<String, String> headers = new HashMap<>();
        event.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText()));
        Map<String, String> query = new HashMap<>();
        event.path("queryStringParameters").fields().forEachRemaining(q -> query.put(q.getKey(), q.getValue().asText()));
        byte[] body = new byte[0];
        JsonNode raw = event.get("body");
        if (raw != null && !raw.isNull()) {
            String text = raw.asText();
            if (text.length() > MAX_BODY_BYTES * 4 / 3 + 4) {
                return new dev.tgdesk.operator.api.ApiException(413, "too_large", "the body is over " + MAX_BODY_BYTES + " bytes", null).response();
            }
            body = event.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
            if (body.length > MAX_BODY_BYTES) {
                return new dev.tgdesk.operator.api.ApiException(413, "too_large", "the body is over " + MAX_BODY_BYTES + " bytes", null).response();
            }
        }
        return router.handle(new ApiRequest(method, path, Map.of(), query, headers, body));
    }
}
