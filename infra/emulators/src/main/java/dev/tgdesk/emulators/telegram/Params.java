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

    /** A file part of a {@code multipart/form-data} call. */
    record Upload(String fileName, String contentType, byte[] content) {
    }

    private final ObjectNode values;
    private final ObjectMapper json;
    private final java.util.Map<String, Upload> uploads;

    Params(ObjectNode values, ObjectMapper json) {
        this(values, json, java.util.Map.of());
    }

    Params(ObjectNode values, ObjectMapper json, java.util.Map<String, Upload> uploads) {
        this.values = values;
        this.json = json;
        this.uploads = uploads;
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
                java.util.Map<String, Upload> uploads = new java.util.HashMap<>();
                putMultipart(values, uploads, contentType, body);
                return new Params(values, json, uploads);
            } else {
                putForm(values, new String(body, StandardCharsets.UTF_8));
            }
        }
        return new Params(values, json);
    }

    /**
     * {@code multipart/form-data} as Telegram reads it: parts without a file name are parameters (text), parts
     * with one are uploaded files, referred to by their part name directly or as {@code attach://<name>}.
     */
    private static void putMultipart(ObjectNode values, java.util.Map<String, Upload> uploads, String contentType, byte[] body) {
        java.util.regex.Matcher b = java.util.regex.Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        if (!b.find()) {
            throw ApiError.badRequest("can't parse multipart/form-data: no boundary");
        }
        // ISO-8859-1 maps every byte to one char and back, so indexes work on the raw bytes
        String raw = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + b.group(1);
        int at = raw.indexOf(delimiter);
        while (at >= 0) {
            int start = at + delimiter.length();
            if (raw.startsWith("--", start)) {
                break; // the closing delimiter
            }
            start = raw.indexOf("\r\n", start) + 2;
            int headersEnd = raw.indexOf("\r\n\r\n", start);
            int next = raw.indexOf("\r\n" + delimiter, headersEnd);
            if (headersEnd < 0 || next < 0) {
                throw ApiError.badRequest("can't parse multipart/form-data");
            }
            String headers = raw.substring(start, headersEnd);
            byte[] content = raw.substring(headersEnd + 4, next).getBytes(StandardCharsets.ISO_8859_1);
            String name = headerParam(headers, "name");
            String fileName = headerParam(headers, "filename");
            java.util.regex.Matcher type = java.util.regex.Pattern.compile("(?im)^content-type:\\s*(.+)$").matcher(headers);
            if (name != null) {
                if (fileName != null) {
                    uploads.put(name, new Upload(new String(fileName.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
                            type.find() ? type.group(1).strip() : "application/octet-stream", content));
                } else {
                    values.put(name, new String(content, StandardCharsets.UTF_8));
                }
            }
            at = next + 2;
        }
    }

    private static String headerParam(String headers, String param) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)[; ]" + param + "=\"([^\"]*)\"").matcher(headers);
        return m.find() ? m.group(1) : null;
    }

    /** The file uploaded for a parameter: its own part, or the part its value names as {@code attach://<name>}. */
    Upload upload(String name) {
        String value = string(name);
        if (value != null && value.startsWith("attach://")) {
            return uploads.get(value.substring("attach://".length()));
        }
        return value == null ? uploads.get(name) : null;
    }

    /** Replaces a parameter's value (an uploaded file becomes its new file_id). */
    void put(String name, String value) {
        values.put(name, value);
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
