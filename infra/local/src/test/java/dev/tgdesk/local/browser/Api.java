package dev.tgdesk.local.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The operator API over HTTP, for setting up and checking what the browser tests do through the UI. */
public final class Api {

    public static final ObjectMapper JSON = Json.mapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI apiUrl;

    public Api(URI apiUrl) {
        this.apiUrl = apiUrl;
    }

    public String login(String email, String password) throws Exception {
        return call("POST", "/api/auth/login", null, Map.of("email", email, "password", password), 200).get("token").asText();
    }

    /** {@code body}: null, a JSON string, or anything Jackson writes (maps, records). */
    public JsonNode call(String method, String path, String token, Object body, int expected) throws Exception {
        String json = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(apiUrl.resolve(path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .header("content-type", "application/json");
        if (token != null) b.header("authorization", "Bearer " + token);
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), method + " " + path + " → " + response.body());
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    public JsonNode get(String path, String token) throws Exception {
        return call("GET", path, token, null, 200);
    }
}
