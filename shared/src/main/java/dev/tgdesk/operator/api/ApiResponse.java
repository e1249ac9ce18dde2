package dev.tgdesk.operator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What an endpoint answers: status, headers, body bytes (binary bodies are base64-encoded by the handler). */
public record ApiResponse(int status, Map<String, String> headers, byte[] body, boolean binary) {

    private static final ObjectMapper JSON = Json.mapper();

    public static ApiResponse json(int status, Object value) {
        return new ApiResponse(status, Map.of("content-type", "application/json"),
                Json.write(JSON, value).getBytes(StandardCharsets.UTF_8), false);
    }

    public static ApiResponse ok(Object value) {
        return json(200, value);
    }

    public static ApiResponse created(Object value) {
        return json(201, value);
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, Map.of(), new byte[0], false);
    }

    public static ApiResponse file(String contentType, String fileName, byte[] bytes) {
        String safeName = fileName == null ? "file" : fileName.replaceAll("[\"\\\\\\r\\n]", "_");
        return new ApiResponse(200, Map.of("content-type", contentType == null ? "application/octet-stream" : contentType,
                "content-disposition", "attachment; filename=\"" + safeName + "\"",
                "x-content-type-options", "nosniff"), bytes, true);
    }
}
