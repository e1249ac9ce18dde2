package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.telegram.FakeUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator API as a user meets it: served by the local runner over HTTP (the local API Gateway route
 * ANY /api/{proxy+}), signed in with the local admin, real tokens, real storage, the fake Telegram.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorApiEndToEndTest {

    @TempDir
    static Path stateDir;

    LocalRuntime local;
    final HttpClient http = HttpClient.newHttpClient();
    String admin;

    @BeforeAll
    void start() throws Exception {
        local = LocalRuntime.start(LocalConfig.defaults().withPort(0).withStateDir(stateDir)
                .withResourcePrefix(Stored.uniquePrefix("api")), LocalAws.shared());
        admin = login(LocalRuntime.DEFAULT_ADMIN_EMAIL, LocalRuntime.DEFAULT_ADMIN_PASSWORD);
    }

    @AfterAll
    void stop() {
        if (local != null) local.close();
    }

    @Test
    void anAdminAndAnAgentWorkTheInbox() throws Exception {
        String support = call("POST", "/api/teams", admin, "{\"name\":\"Support\"}", 201).get("id").asText();
        String sales = call("POST", "/api/teams", admin, "{\"name\":\"Sales\"}", 201).get("id").asText();
        call("POST", "/api/operators", admin, "{\"email\":\"olga@example.com\",\"name\":\"Olga\",\"role\":\"agent\","
                + "\"password\":\"olga-password-1\",\"teams\":[\"" + support + "\"]}", 201);
        String agent = login("olga@example.com", "olga-password-1");

        // a client writes; the scenario greets; the dialog is in the unassigned pool, which agents see
        FakeUser ann = local.fakeTelegram().addUser(7_200_001L, "Ann", null, "ann_e2e", "en");
        local.fakeBot().userSends(ann, "Hello, I need help");
        String dialogId = awaitDialog(agent, ann.id());

        // assigned to another team: the agent no longer sees it (404, as if it did not exist)
        call("PUT", "/api/dialogs/" + dialogId + "/assignment", admin, "{\"team\":\"" + sales + "\"}", 200);
        call("GET", "/api/dialogs/" + dialogId, agent, null, 404);
        call("GET", "/api/dialogs/" + dialogId + "/history", agent, null, 404);
        // admin-only actions are refused to agents; a tampered token is refused to everyone
        call("POST", "/api/teams", agent, "{\"name\":\"Mine\"}", 403);
        assertTrue(call("GET", "/api/operators", agent, null, 200).toString().contains("Olga"), "agents read the operator list");
        call("GET", "/api/dialogs", agent.substring(0, agent.length() - 2) + "xx", null, 401);
        call("GET", "/api/dialogs", null, null, 401);

        // the admin takes over and answers as the bot; the client receives it from the bot
        call("POST", "/api/dialogs/" + dialogId + "/takeover", admin, null, 200);
        call("POST", "/api/dialogs/" + dialogId + "/messages", admin, "{\"text\":\"Hi Ann, <b>Olga</b> here\"}", 201);
        var reply = local.fakeTelegram().awaitSent(m -> m.chatId() == ann.id()
                && m.message().path("text").asText().equals("Hi Ann, <b>Olga</b> here"), Duration.ofSeconds(30));
        assertEquals(ann.id(), reply.chatId());
        call("POST", "/api/dialogs/" + dialogId + "/notes", admin, "{\"text\":\"VIP client\"}", 201);
        JsonNode history = call("GET", "/api/dialogs/" + dialogId + "/history", admin, null, 200);
        assertTrue(history.toString().contains("VIP client"), "the note is in the history");
        assertTrue(local.fakeBot().sentTo(ann.id()).stream().noneMatch(m -> m.text().contains("VIP")), "notes never reach Telegram");

        call("POST", "/api/dialogs/" + dialogId + "/close", admin, null, 200);
        JsonNode closed = call("GET", "/api/dialogs?status=closed", admin, null, 200);
        assertTrue(closed.toString().contains(dialogId));
    }

    // ---------------------------------------------------------------- helpers

    String login(String email, String password) throws Exception {
        return call("POST", "/api/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", 200)
                .get("token").asText();
    }

    String awaitDialog(String token, long chatId) {
        String[] found = new String[1];
        Stored.await("the dialog is listed", Duration.ofSeconds(30), () -> {
            try {
                for (JsonNode row : call("GET", "/api/dialogs", token, null, 200).path("items")) {
                    if (row.path("chat_id").asLong() == chatId) {
                        found[0] = row.path("dialog_id").asText();
                        return true;
                    }
                }
                return false;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return found[0];
    }

    JsonNode call(String method, String path, String token, String body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(local.apiUrl().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        if (token != null) b.header("authorization", "Bearer " + token);
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), method + " " + path + " → " + response.body());
        return response.body().isEmpty() ? Stored.JSON.createObjectNode() : Stored.JSON.readTree(response.body());
    }
}
