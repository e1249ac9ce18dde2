package dev.tgdesk.emulators.telegram;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A Bot API error answer: {@code {"ok":false,"error_code":…,"description":…,"parameters":…}}. */
final class ApiError extends RuntimeException {

    private final int code;
    private final ObjectNode parameters;

    ApiError(int code, String description, ObjectNode parameters) {
        super(description, null, false, false);
        this.code = code;
        this.parameters = parameters;
    }

    int code() {
        return code;
    }

    String description() {
        return getMessage();
    }

    /** {@code parameters}, or null when there are none. */
    ObjectNode parameters() {
        return parameters;
    }

    static ApiError badRequest(String what) {
        return new ApiError(400, "Bad Request: " + what, null);
    }

    static ApiError forbidden(String what) {
        return new ApiError(403, "Forbidden: " + what, null);
    }

    static ApiError unauthorized() {
        return new ApiError(401, "Unauthorized", null);
    }

    static ApiError notFound() {
        return new ApiError(404, "Not Found", null);
    }

    static ApiError conflict(String what) {
        return new ApiError(409, "Conflict: " + what, null);
    }

    static ApiError tooManyRequests(int retryAfterSeconds) {
        return new ApiError(429, "Too Many Requests: retry after " + retryAfterSeconds,
                JsonNodeFactory.instance.objectNode().put("retry_after", retryAfterSeconds));
    }

    static ApiError migrated(long newChatId) {
        return new ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                JsonNodeFactory.instance.objectNode().put("migrate_to_chat_id", newChatId));
    }
}
