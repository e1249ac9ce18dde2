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
import dev.tgdesk.observability.Log;
import dev.tgdesk.observability.Priming;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
 * SnapStart priming: {@link #prime()}.
 */
public final class OperatorApiHandler implements RequestStreamHandler, Resource {

    /** API Gateway refuses bodies over 10 MB and Lambda over 6 MB; we stop at this many bytes after decoding. */
    public static final int MAX_BODY_BYTES = 5 * 1024 * 1024;

    /** The outbound queue priming sends a refused batch to (null: that step is skipped). */
    public record PrimingTargets(SqsClient sqs, String outboundQueueUrl) {
    }

    private final Router router;
    private final PrimingTargets priming;
    private final ObjectMapper json = Json.mapper();

    public OperatorApiHandler() {
        this(OperatorApiWiring.fromEnvironment());
        Core.getGlobalContext().register(this);
    }

    private OperatorApiHandler(OperatorApiWiring.Wired wired) {
        this(wired.router(), new PrimingTargets(wired.sqs(), wired.outboundQueueUrl()));
    }

    public OperatorApiHandler(Router router) {
        this(router, null);
    }

    public OperatorApiHandler(Router router, PrimingTargets priming) {
        this.router = router;
        this.priming = priming;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = json.readTree(input);
        ApiResponse response;
        try {
            response = handle(event);
        } catch (RuntimeException e) {
            Log.error("operator API call failed", e);
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

    // ---- SnapStart priming --------------------------------------------------------------------------------------

    /**
     * Runs before the snapshot, through {@link #handleRequest} with API Gateway's payload 2.0 events: (1)
     * {@code GET /api/me} without a token → 401 (routing, the error answer); (2) {@code GET /api/dialogs} with a forged
     * token → 401 (token parsing and the HMAC check); (3) {@code POST /api/auth/login} for an email no operator has →
     * 401 after the email lookup ({@code GetItem}) and one full password hash, so PBKDF2 is compiled by C2 in the
     * snapshot (sign-in's cost is the hash: docs/performance.md); (4) a {@code SendMessageBatch} to the outbound FIFO
     * queue without a message group, which SQS refuses. Nothing is written.
     */
    public Priming.Report prime() {
        Priming p = Priming.of("operator-api")
                .step("me-without-token", () -> Priming.expect(call("GET", "/api/me", null, null) == 401, "401 without a token"))
                .step("forged-token", () -> Priming.expect(call("GET", "/api/dialogs", "Bearer snapstart.priming.token", null) == 401,
                        "401 for a forged token"))
                .step("login-unknown-email", () -> Priming.expect(call("POST", "/api/auth/login", null,
                        "{\"email\":\"snapstart-priming@invalid.example\",\"password\":\"not a password of anyone\"}") == 401,
                        "401 for an unknown email"));
        if (priming != null && priming.sqs() != null) {
            p.step("sqs-refused-send", () -> {
                try {
                    var r = priming.sqs().sendMessageBatch(b -> b.queueUrl(priming.outboundQueueUrl())
                            .entries(e -> e.id("0").messageBody("{\"bot_id\":\"0\",\"type\":\"snapstart-priming\"}")));
                    Priming.expect(r.successful().isEmpty(), "the outbound queue refuses a message without a group id");
                } catch (SqsException refused) {
                    // expected: a FIFO queue needs a message group id
                }
            });
        }
        return p.run();
    }

    private int call(String method, String path, String authorization, String body) throws IOException {
        var event = json.createObjectNode().put("version", "2.0").put("routeKey", "ANY /api/{proxy+}").put("rawPath", path)
                .put("rawQueryString", "");
        var headers = event.putObject("headers").put("content-type", "application/json").put("host", "priming");
        if (authorization != null) headers.put("authorization", authorization);
        event.putObject("requestContext").putObject("http").put("method", method).put("path", path);
        if (body != null) event.put("body", body).put("isBase64Encoded", false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handleRequest(new ByteArrayInputStream(json.writeValueAsBytes(event)), out, null);
        return json.readTree(out.toByteArray()).path("statusCode").asInt();
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
    }
}
