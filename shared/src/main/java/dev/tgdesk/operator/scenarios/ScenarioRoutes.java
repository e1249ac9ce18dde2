package dev.tgdesk.operator.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.domain.Json;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.ApiRequest;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.api.Router.Access;

/**
 * The scenario admin endpoints (admins only): {@code GET /api/scenarios}, {@code POST /api/scenarios} (the body is
 * the document), {@code POST /api/scenarios/{scenarioId}/activate} ({@code {}} or {@code {"chat_id": -100…}},
 * optionally {@code "version"}). Parameters are checked here; the rules are in {@link ScenarioAdmin}.
 */
public final class ScenarioRoutes implements Router.Routes {

    private final ScenarioAdmin admin;

    public ScenarioRoutes(ScenarioAdmin admin) {
        this.admin = admin;
    }

    @Override
    public void register(Router router) {
        router.get("/api/scenarios", Access.ADMIN, (caller, req) -> ApiResponse.ok(admin.list(caller)));
        router.post("/api/scenarios", Access.ADMIN, (caller, req) -> ApiResponse.created(admin.upload(caller, req.body())));
        router.post("/api/scenarios/{scenarioId}/activate", Access.ADMIN, (caller, req) -> {
            JsonNode body = activationBody(req);
            return ApiResponse.ok(admin.activate(caller, req.pathParam("scenarioId"), version(body), chatId(body)));
        });
    }

    private static JsonNode activationBody(ApiRequest req) {
        if (req.body().length == 0 || req.bodyText().isBlank()) return Json.mapper().createObjectNode();
        JsonNode body;
        try {
            body = Json.mapper().readTree(req.body());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("body", "the body must be JSON: {} or {\"chat_id\": <group chat id>}");
        }
        if (body == null || !body.isObject()) throw ApiException.badRequest("body", "the body must be a JSON object");
        return body;
    }

    /** A group chat id (Telegram's are negative), or null for private chats. */
    private static Long chatId(JsonNode body) {
        JsonNode v = body.get("chat_id");
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() >= 0) {
            throw ApiException.badRequest("chat_id", "chat_id must be a group chat id (a negative whole number); leave it out for private chats");
        }
        return v.asLong();
    }

    private static Integer version(JsonNode body) {
        JsonNode v = body.get("version");
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw ApiException.badRequest("version", "version must be a whole number ≥ 1; leave it out for the latest");
        }
        return v.asInt();
    }
}
