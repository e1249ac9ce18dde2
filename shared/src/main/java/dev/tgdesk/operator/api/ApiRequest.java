package dev.tgdesk.operator.api;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One REST call as the operator API sees it, independent of API Gateway: method, path (without stage),
 * the path parameters the matching route captured, query parameters, headers (names lower-case) and the
 * raw body (already base64-decoded).
 */
public record ApiRequest(String method, String path, Map<String, String> pathParams, Map<String, String> query,
                         Map<String, String> headers, byte[] body) {

    public ApiRequest {
        method = method.toUpperCase(Locale.ROOT);
        pathParams = pathParams == null ? Map.of() : Map.copyOf(pathParams);
        query = query == null ? Map.of() : Map.copyOf(query);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    public String queryParam(String name) {
        String v = query.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    ApiRequest withPathParams(Map<String, String> params) {
        return new ApiRequest(method, path, params, query, headers, body);
    }
}
