package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The operator API over HTTP, as the web client calls it. */
record OperatorRest(HttpClient http, URI apiUrl) {

    String login(String email, String password) throws Exception {
        return call("POST", "/api/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", 200)
                .get("token").asText();
    }

    String ticket(String token) throws Exception {
        return call("POST", "/api/realtime/tickets", token, null, 201).get("ticket").asText();
    }

    JsonNode call(String method, String path, String token, String body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(apiUrl.resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        if (token != null) b.header("authorization", "Bearer " + token);
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), method + " " + path + " → " + response.body());
        return response.body().isEmpty() ? Stored.JSON.createObjectNode() : Stored.JSON.readTree(response.body());
    }
}
