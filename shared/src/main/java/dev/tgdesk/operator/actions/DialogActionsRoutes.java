package dev.tgdesk.operator.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.ApiRequest;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.api.Router.Access;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The "actions" area of the operator API: thin endpoints over {@link DialogActions} (docs/operator-api.md). */
public final class DialogActionsRoutes implements Router.Routes {

    private static final String DIALOG = "/api/dialogs/{dialogId}";

    private final DialogActions actions;
    private final ObjectMapper json = Json.mapper();

    public DialogActionsRoutes(DialogActions actions) {
        this.actions = actions;
    }

    @Override
    public void register(Router router) {
        router.post(DIALOG + "/messages", Access.OPERATOR, (caller, req) -> {
            JsonNode body = body(req);
            return ApiResponse.created(actions.sendMessage(caller, id(req), text(body, "text"), buttons(body),
                    text(body, "client_id")));
        });
        router.post(DIALOG + "/files", Access.OPERATOR, (caller, req) -> ApiResponse.created(actions.sendFile(caller, id(req),
                req.queryParam("name"), req.header("content-type"), req.body(), req.queryParam("caption"))));
        router.get(DIALOG + "/files", Access.OPERATOR, (caller, req) -> ApiResponse.ok(Map.of("files", actions.files(caller, id(req)))));
        router.get(DIALOG + "/files/{seq}/{index}", Access.OPERATOR, (caller, req) -> {
            DialogActions.Download d = actions.download(caller, id(req), number(req.pathParam("seq"), "seq"),
                    (int) number(req.pathParam("index"), "index"));
            return ApiResponse.file(d.contentType(), d.fileName(), d.bytes());
        });
        router.post(DIALOG + "/notes", Access.OPERATOR, (caller, req) ->
                ApiResponse.created(actions.addNote(caller, id(req), text(body(req), "text"))));
        router.post(DIALOG + "/takeover", Access.OPERATOR, (caller, req) -> ApiResponse.ok(actions.takeover(caller, id(req))));
        router.post(DIALOG + "/giveback", Access.OPERATOR, (caller, req) -> ApiResponse.ok(actions.giveBack(caller, id(req))));
        router.put(DIALOG + "/assignment", Access.OPERATOR, (caller, req) -> {
            JsonNode body = body(req);
            return ApiResponse.ok(actions.assign(caller, id(req), body.has("manager"), idOrNull(body, "manager"),
                    body.has("team"), idOrNull(body, "team")));
        });
        router.get(DIALOG + "/contact", Access.OPERATOR, (caller, req) -> ApiResponse.ok(actions.contact(caller, id(req))));
        router.put(DIALOG + "/contact/fields", Access.OPERATOR, (caller, req) -> {
            JsonNode body = body(req);
            Map<String, String> values = new LinkedHashMap<>();
            for (var field : body.properties()) {
                JsonNode v = field.getValue();
                if (v.isNull()) values.put(field.getKey(), null);
                else if (v.isValueNode()) values.put(field.getKey(), v.asText());
                else throw ApiException.badRequest(field.getKey(), "a text, number, boolean or null");
            }
            return ApiResponse.ok(actions.setFields(caller, id(req), values));
        });
        router.post(DIALOG + "/contact/block", Access.OPERATOR, (caller, req) -> ApiResponse.ok(actions.block(caller, id(req), true)));
        router.post(DIALOG + "/contact/unblock", Access.OPERATOR, (caller, req) -> ApiResponse.ok(actions.block(caller, id(req), false)));
    }

    private static String id(ApiRequest req) {
        return req.pathParam("dialogId");
    }

    private JsonNode body(ApiRequest req) {
        if (req.body().length == 0) throw ApiException.badRequest("body", "a JSON object is expected");
        try {
            JsonNode node = json.readTree(req.body());
            if (node == null || !node.isObject()) throw ApiException.badRequest("body", "a JSON object is expected");
            return node;
        } catch (IOException e) {
            throw ApiException.badRequest("body", "not valid JSON");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiException.badRequest(field, "a string is expected");
        return v.asText();
    }

    private static String idOrNull(JsonNode body, String field) {
        String v = text(body, field);
        if (v != null && v.isBlank()) throw ApiException.badRequest(field, "an id or null");
        return v;
    }

    private static long number(String value, String field) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("file");
        }
    }

    private static List<List<DialogActions.Button>> buttons(JsonNode body) {
        JsonNode rows = body.get("buttons");
        if (rows == null || rows.isNull()) return List.of();
        if (!rows.isArray()) throw ApiException.badRequest("buttons", "rows of buttons: [[{text, url} | {text, data}]]");
        List<List<DialogActions.Button>> out = new ArrayList<>();
        for (JsonNode row : rows) {
            if (!row.isArray()) throw ApiException.badRequest("buttons", "rows of buttons: [[{text, url} | {text, data}]]");
            List<DialogActions.Button> r = new ArrayList<>();
            for (JsonNode b : row) {
                if (!b.isObject()) throw ApiException.badRequest("buttons", "a button is an object {text, url} or {text, data}");
                r.add(new DialogActions.Button(b.path("text").isTextual() ? b.get("text").asText() : null,
                        b.path("url").isTextual() ? b.get("url").asText() : null,
                        b.path("data").isTextual() ? b.get("data").asText() : null));
            }
            out.add(r);
        }
        return out;
    }
}
