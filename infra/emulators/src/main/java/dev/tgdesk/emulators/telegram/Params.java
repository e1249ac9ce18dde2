package dev.tgdesk.emulators.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A call's parameters, merged from the query string and the body (JSON or form-encoded), as the
 * Bot API accepts them. Form and query values are text; like Telegram, structured parameters
 * ({@code reply_markup}, {@code allowed_updates}) may then be JSON-serialized strings, and numbers
 * or booleans may arrive as text.
 */
final class Params {

    private final ObjectNode values;
    private final ObjectMapper json;

    Params(ObjectNode values, ObjectMapper json) {
        this.values = values;
        this.json = json;
    }

    static Params parse(String rawQuery, String contentType, byte[] body, ObjectMapper json) {
        ObjectNode values = json.createObjectNode();
        if (rawQuery != null) {
            putForm(values, rawQuery);
        }
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (body.length > 0) {
            if (type.startsWith("application/json")) {
                JsonNode tree;
                try {
                    tree = json.readTree(body);
                } catch (IOException e) {
                    throw ApiError.badRequest("can't parse JSON request body");
                }
                if (tree != null && tree.isObject()) {
                    values.setAll((ObjectNode) tree);
                }
            } else if (type.startsWith("multipart/form-data")) {
                // Only needed for file uploads, which the fake does not model.
                throw ApiError.badRequest("multipart/form-data is not supported by the fake Bot API");
            } else {
                putForm(values, new String(body, StandardCharsets.UTF_8));
            }
        }
        return new Params(values, json);
    }

    private static void putForm(ObjectNode values, String form) {
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.put(name, value);
        }
    }

    ObjectNode asJson() {
        return values.deepCopy();
    }

    /** The raw value, or null when absent or JSON null. */
    JsonNode raw(String name) {
        JsonNode v = values.get(name);
        return v == null || v.isNull() ? null : v;
    }

    /** Text of a scalar, or the JSON text of a structure; null when absent. */
    String string(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            return null;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    /** An integer given as a number or as text; null when absent or empty. */
    Long longValue(String name) {
        JsonNode v = raw(name);
        if (v == null || (v.isTextual() && v.asText().isBlank())) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isTextual() && v.asText().strip().matches("[-+]?\\d{1,19}")) {
            try {
                return Long.parseLong(v.asText().strip());
            } catch (NumberFormatException e) {
                // out of range, fall through
            }
        }
        throw ApiError.badRequest("invalid " + name + " specified");
    }

    long longValue(String name, long defaultValue) {
        Long v = longValue(name);
        return v == null ? defaultValue : v;
    }

    boolean bool(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            return v.asLong() != 0;
        }
        String text = v.asText().strip().toLowerCase(Locale.ROOT);
        return text.equals("true") || text.equals("1");
    }

    /** A structured value given as JSON or as JSON text; null when absent, empty or unparsable. */
    JsonNode structure(String name) {
        JsonNode v = raw(name);
        if (v == null || v.isContainerNode()) {
            return v;
        }
        if (v.isTextual() && !v.asText().isBlank()) {
            try {
                JsonNode parsed = json.readTree(v.asText());
                return parsed != null && parsed.isContainerNode() ? parsed : null;
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    /** A list of strings given as a JSON array or its text; null when absent. */
    List<String> stringList(String name) {
        if (raw(name) == null) {
            return null;
        }
        JsonNode v = structure(name);
        if (v == null || !v.isArray()) {
            throw ApiError.badRequest("can't parse " + name + " JSON array");
        }
        List<String> list = new ArrayList<>();
        v.forEach(item -> list.add(item.asText()));
        return list;
    }
}
