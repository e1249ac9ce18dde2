package dev.tgdesk.operator.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.domain.Json;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.ApiRequest;

import java.util.ArrayList;
import java.util.List;

/** A request's JSON object body with typed, optional fields; a wrong type is a 400 naming the field. */
final class JsonBody {

    private final JsonNode node;

    private JsonBody(JsonNode node) {
        this.node = node;
    }

    static JsonBody of(ApiRequest request) {
        JsonNode node;
        try {
            node = request.body().length == 0 ? null : Json.mapper().readTree(request.body());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("body", "not JSON");
        }
        if (node == null || !node.isObject()) throw ApiException.badRequest("body", "a JSON object is required");
        return new JsonBody(node);
    }

    String string(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiException.badRequest(field, "must be a string");
        return v.asText();
    }

    Boolean bool(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw ApiException.badRequest(field, "must be true or false");
        return v.asBoolean();
    }

    List<String> strings(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw ApiException.badRequest(field, "must be an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) throw ApiException.badRequest(field, "must be an array of strings");
            out.add(item.asText());
        }
        return out;
    }
}
