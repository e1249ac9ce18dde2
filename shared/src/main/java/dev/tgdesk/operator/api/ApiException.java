package dev.tgdesk.operator.api;

/**
 * An answer other than success, with a stable machine code, a message for people and, for validation
 * errors, the offending field. Body: {@code {"error": {"code": ..., "message": ..., "field": ...}}}; a document
 * checked as a whole (a scenario) lists every problem found in {@code "problems"}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;
    private final java.util.List<String> problems;

    public ApiException(int status, String code, String message, String field) {
        this(status, code, message, field, null);
    }

    private ApiException(int status, String code, String message, String field, java.util.List<String> problems) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
        this.problems = problems == null ? null : java.util.List.copyOf(problems);
    }

    /** 400 for a document with these problems (each with where it is), all reported at once. */
    public static ApiException invalidDocument(String field, String message, java.util.List<String> problems) {
        return new ApiException(400, "invalid", message, field, problems);
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, "invalid", message, field);
    }

    /** Missing, malformed, expired or revoked token. */
    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "sign in again", null);
    }

    /** Signed in, but this action is not allowed for the caller's role. */
    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message, null);
    }

    /** Unknown — or not visible to the caller: the same answer, so existence does not leak. */
    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found", null);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message, null);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "too_large", message, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    /** Every problem of an invalid document, or null. */
    public java.util.List<String> problems() {
        return problems;
    }

    public ApiResponse response() {
        var error = new java.util.LinkedHashMap<String, Object>();
        error.put("code", code);
        error.put("message", getMessage());
        if (field != null) error.put("field", field);
        if (problems != null) error.put("problems", problems);
        return ApiResponse.json(status, java.util.Map.of("error", error));
    }
}
