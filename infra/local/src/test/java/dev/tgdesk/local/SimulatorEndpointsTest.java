package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.emulators.aws.LocalAws;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulated Telegram page's endpoints over HTTP, as the page calls them, against the whole local stack (the
 * shipped scenario runs in private chats): people are created, write, press buttons and send files; the bot's answers
 * — the scenario's and an operator's — show up in the conversation; what they sent reaches the inbox. Also the web
 * client's folder at {@code /} and the runner's summary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatorEndpointsTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;

    LocalRuntime local;
    OperatorRest rest;
    String admin;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        Path web = Files.createDirectories(tmp.resolve("web"));
        Files.writeString(web.resolve("index.html"), "<!doctype html><title>tgdesk inbox</title>");
        local = LocalRuntime.start(LocalConfig.defaults().withPort(0).withStateDir(tmp.resolve("state")).withoutRealtime()
                .withWebDir(web).withResourcePrefix(Stored.uniquePrefix("sim")), LocalAws.shared());
        rest = new OperatorRest(http, local.apiUrl());
        admin = rest.login(LocalRuntime.DEFAULT_ADMIN_EMAIL, LocalRuntime.DEFAULT_ADMIN_PASSWORD);
    }

    @AfterAll
    void stop() {
        if (local != null) local.close();
        http.close();
    }

    @Test
    void aUserWritesAndPressesButtonsAndSeesTheScenarioAndAnOperatorAnswer() throws Exception {
        JsonNode created = sim("POST", "/users", "{\"first_name\":\"Ann\",\"username\":\"ann_sim\",\"language_code\":\"en\"}", 201);
        long ann = created.path("user").path("id").asLong();
        assertEquals("Ann", created.path("user").path("first_name").asText());
        assertEquals(ann, created.path("chat").path("chat_id").asLong(), "a private chat has the user's id");
        assertEquals("private", created.path("chat").path("type").asText());
        JsonNode state = sim("GET", "/state", null, 200);
        assertEquals(local.fakeBot().username(), state.path("bot").path("username").asText());
        assertTrue(ids(state.path("users"), "id").contains(ann));
        assertTrue(ids(state.path("chats"), "chat_id").contains(ann));
        sim("POST", "/users", "{\"first_name\":\"Another Ann\",\"username\":\"ANN_SIM\"}", 409);
        sim("POST", "/users", "{\"first_name\":\"\"}", 400);
        sim("POST", "/users", "{\"first_name\":\"Bad\",\"username\":\"a b\"}", 400);

        JsonNode sent = sim("POST", "/chats/" + ann + "/messages", "{\"text\":\"/start\"}", 201);
        assertTrue(sent.path("update_id").asLong() > 0);
        JsonNode greeting = awaitMessage(ann, m -> m.path("from").asText().equals("bot")
                && m.path("text").asText().startsWith("Hi, Ann! Would you give us a little feedback"));
        JsonNode first = messages(ann, 0).get(0);
        assertEquals("user", first.path("from").asText());
        assertEquals("/start", first.path("text").asText());
        assertEquals(ann, first.path("sender").path("id").asLong());
        assertTrue(greeting.path("message_id").asLong() > first.path("message_id").asLong(), "Telegram's order: ids count up");
        assertEquals(List.of("q:greet:yes", "q:greet:no"), callbacks(greeting));

        sim("POST", "/chats/" + ann + "/press", "{\"message_id\":" + greeting.path("message_id").asLong()
                + ",\"data\":\"q:greet:yes\"}", 200);
        JsonNode rating = awaitMessage(ann, m -> m.path("text").asText().startsWith("How would you rate us"));
        sim("POST", "/chats/" + ann + "/press", "{\"message_id\":" + rating.path("message_id").asLong() + ",\"data\":\"q:nope\"}", 400);

        // only what changed after a revision comes back
        long rev = sim("GET", "/chats/" + ann + "/messages?after=0", null, 200).path("rev").asLong();
        assertEquals(0, messages(ann, rev).size());

        // an operator answers from the inbox: the user sees it as the bot's message
        String dialogId = awaitDialog(ann);
        rest.call("POST", "/api/dialogs/" + dialogId + "/takeover", admin, null, 200);
        rest.call("POST", "/api/dialogs/" + dialogId + "/messages", admin, "{\"text\":\"Hi Ann, Olga <b>here</b>\"}", 201);
        JsonNode reply = awaitMessage(ann, m -> m.path("text").asText().equals("Hi Ann, Olga <b>here</b>"));
        assertEquals("bot", reply.path("from").asText());

        // the user's message reaches the inbox history
        sim("POST", "/chats/" + ann + "/messages", "{\"text\":\"Thanks <script>x</script>\"}", 201);
        Stored.await("the message is in the history", WAIT, () -> historyTexts(dialogId).contains("Thanks <script>x</script>"));

        sim("POST", "/chats/" + ann + "/messages", "{\"text\":\"\"}", 400);
        sim("POST", "/chats/" + ann + "/messages", "{\"from\": 1, \"text\":\"not mine\"}", 400);
        sim("POST", "/chats/424242/messages", "{\"text\":\"hi\"}", 404);
        sim("GET", "/chats/424242/messages", null, 404);
        sim("DELETE", "/chats/" + ann + "/messages", null, 405);
        sim("GET", "/nope", null, 404);
    }

    @Test
    void aGroupWithMembersGetsTheBotAndItsMessagesReachTheInbox() throws Exception {
        long bob = sim("POST", "/users", "{\"first_name\":\"Bob\",\"language_code\":\"en\"}", 201).path("user").path("id").asLong();
        long vera = sim("POST", "/users", "{\"first_name\":\"Вера\",\"language_code\":\"ru\"}", 201).path("user").path("id").asLong();
        long outsider = sim("POST", "/users", "{\"first_name\":\"Olaf\"}", 201).path("user").path("id").asLong();
        JsonNode chat = sim("POST", "/groups", "{\"title\":\"Sim friends\",\"member_ids\":[" + bob + "," + vera + "]}", 201).path("chat");
        long group = chat.path("chat_id").asLong();
        assertTrue(group < 0);
        assertTrue(chat.path("bot_is_member").asBoolean());
        assertEquals(List.of(bob, vera), ids(chat.path("members"), "id"));
        assertTrue(ids(sim("GET", "/state", null, 200).path("chats"), "chat_id").contains(group));

        // Telegram's updates for the bot joining: the service message shows who added it
        JsonNode joined = awaitMessage(group, m -> m.path("from").asText().equals("service"));
        assertTrue(joined.path("service").asText().contains("@" + local.fakeBot().username()), joined.toString());

        sim("POST", "/chats/" + group + "/messages", "{\"from\":" + vera + ",\"text\":\"Привет, бот\"}", 201);
        JsonNode said = awaitMessage(group, m -> m.path("text").asText().equals("Привет, бот"));
        assertEquals("user", said.path("from").asText());
        assertEquals(vera, said.path("sender").path("id").asLong());
        sim("POST", "/chats/" + group + "/messages", "{\"text\":\"who am I?\"}", 400);
        sim("POST", "/chats/" + group + "/messages", "{\"from\":" + outsider + ",\"text\":\"let me in\"}", 409);

        // the bot saw it (privacy mode off): a group dialog in the inbox, and the group in the groups list
        Stored.await("the group dialog is listed", WAIT, () -> list("/api/dialogs?kind=group").toString().contains("Sim friends"));
        assertTrue(list("/api/groups").toString().contains("\"chat_id\":" + group));
        String dialogId = null;
        for (JsonNode row : list("/api/dialogs?kind=group").path("items")) if (row.path("chat_id").asLong() == group) dialogId = row.path("dialog_id").asText();
        assertNotNull(dialogId);
        String id = dialogId;
        Stored.await("the group message is in the history", WAIT, () -> historyTexts(id).contains("Привет, бот"));
    }

    @Test
    void photosAndDocumentsAreKeptSoTheBotCanDownloadThem() throws Exception {
        long cara = sim("POST", "/users", "{\"first_name\":\"Cara\"}", 201).path("user").path("id").asLong();
        byte[] png = picture(1000, 500);
        JsonNode sentPhoto = sim("POST", "/chats/" + cara + "/files", json().put("kind", "photo").put("file_name", "sunset.png")
                .put("mime_type", "image/png").put("caption", "the view").put("data", Base64.getEncoder().encodeToString(png)).toString(), 201);
        JsonNode photo = awaitMessage(cara, m -> m.path("message_id").asLong() == sentPhoto.path("message_id").asLong());
        assertEquals("the view", photo.path("caption").asText());
        assertEquals(1000, photo.path("photo").path("width").asInt(), "the largest size: the picture itself (≤ 1280)");
        assertEquals(500, photo.path("photo").path("height").asInt());
        byte[] shown = bytes(photo.path("photo").path("url").asText());
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(shown));
        assertEquals(1000, decoded.getWidth(), "a JPEG of that size");

        byte[] text = "name,score\nAnn,5\n".getBytes(StandardCharsets.UTF_8);
        JsonNode sentDoc = sim("POST", "/chats/" + cara + "/files", json().put("kind", "document").put("file_name", "scores.csv")
                .put("mime_type", "text/csv").put("data", Base64.getEncoder().encodeToString(text)).toString(), 201);
        JsonNode doc = awaitMessage(cara, m -> m.path("message_id").asLong() == sentDoc.path("message_id").asLong());
        assertEquals("scores.csv", doc.path("file").path("file_name").asText());
        assertEquals("text/csv", doc.path("file").path("mime_type").asText());
        assertEquals(text.length, doc.path("file").path("file_size").asInt());
        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(local.apiUrl().resolve(doc.path("file").path("url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(text, download.body());
        assertEquals("application/octet-stream", download.headers().firstValue("content-type").orElse(""), "never rendered as a page");
        assertTrue(download.headers().firstValue("content-disposition").orElse("").startsWith("attachment"));

        // the inbox: a photo entry and a document entry, and the operator API downloads the bytes through getFile
        String dialogId = awaitDialog(cara);
        Stored.await("both files are in the history", WAIT, () -> mediaEntries(dialogId).size() == 2);
        List<JsonNode> media = mediaEntries(dialogId);
        JsonNode photoEntry = media.stream().filter(e -> e.path("media").get(0).path("kind").asText().equals("photo")).findFirst().orElseThrow();
        assertEquals("the view", photoEntry.path("caption").asText());
        assertEquals(1000, photoEntry.path("media").get(0).path("width").asInt());
        HttpResponse<byte[]> fromApi = http.send(HttpRequest.newBuilder(local.apiUrl().resolve("/api/dialogs/" + dialogId + "/files/"
                + photoEntry.path("seq").asLong() + "/0")).header("authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, fromApi.statusCode());
        assertArrayEquals(shown, fromApi.body(), "the bot downloaded the same bytes");
        JsonNode docEntry = media.stream().filter(e -> e.path("media").get(0).path("kind").asText().equals("document")).findFirst().orElseThrow();
        assertEquals("scores.csv", docEntry.path("media").get(0).path("file_name").asText());

        sim("POST", "/chats/" + cara + "/files", json().put("kind", "photo").put("data", Base64.getEncoder().encodeToString(text)).toString(), 400);
        sim("POST", "/chats/" + cara + "/files", json().put("kind", "video").put("data", "AAAA").toString(), 400);
        sim("POST", "/chats/" + cara + "/files", json().put("kind", "document").put("data", "not base64!").toString(), 400);
        sim("GET", "/files/no-such-file", null, 404);
    }

    @Test
    void theWebClientIsServedAtTheRootAndTheSummarySaysWhere() throws Exception {
        HttpResponse<String> index = http.send(HttpRequest.newBuilder(local.apiUrl().resolve("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, index.statusCode());
        assertEquals("<!doctype html><title>tgdesk inbox</title>", index.body());
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("content-type").orElse(""));
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(local.apiUrl().resolve("/telegram/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("data-testid=\"sim-chat-select\""));
        assertEquals(401, http.send(HttpRequest.newBuilder(local.apiUrl().resolve("/api/dialogs")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "the API is still the API");

        var out = new ByteArrayOutputStream();
        LocalRunner.printSummary(local, new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("Inbox: http://127.0.0.1:" + local.apiPort() + "/  (admin@tgdesk.local / local-admin-password)"), printed);
        assertTrue(printed.contains("Simulated Telegram: http://127.0.0.1:" + local.apiPort() + "/telegram/"), printed);
    }

    // ---------------------------------------------------------------- helpers

    ObjectNode json() {
        return Stored.JSON.createObjectNode();
    }

    JsonNode sim(String method, String path, String body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(local.apiUrl().resolve(LocalRuntime.SIMULATOR_API_PATH + path.substring(1)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), method + " " + path + " → " + response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
        return Stored.JSON.readTree(response.body());
    }

    List<JsonNode> messages(long chatId, long after) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        sim("GET", "/chats/" + chatId + "/messages?after=" + after, null, 200).path("messages").forEach(out::add);
        return out;
    }

    /** Waits for a message of the conversation (long polls like a patient page would). */
    JsonNode awaitMessage(long chatId, Predicate<JsonNode> matching) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode page = sim("GET", "/chats/" + chatId + "/messages?after=0", null, 200);
            for (JsonNode m : page.path("messages")) if (matching.test(m)) return m;
            sim("GET", "/chats/" + chatId + "/messages?after=" + page.path("rev").asLong() + "&wait=2000", null, 200);
        }
        throw new AssertionError("no such message in chat " + chatId + ": " + messages(chatId, 0));
    }

    static List<String> callbacks(JsonNode message) {
        List<String> data = new ArrayList<>();
        for (JsonNode row : message.path("buttons")) for (JsonNode b : row) data.add(b.path("callback_data").asText());
        return data;
    }

    static List<Long> ids(JsonNode array, String field) {
        List<Long> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.path(field).asLong()));
        return ids;
    }

    byte[] bytes(String path) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(local.apiUrl().resolve(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("image/jpeg", r.headers().firstValue("content-type").orElse(""));
        return r.body();
    }

    JsonNode list(String path) {
        try {
            return rest.call("GET", path, admin, null, 200);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    String awaitDialog(long chatId) {
        String[] found = new String[1];
        Stored.await("the dialog of " + chatId + " is listed", WAIT, () -> {
            for (JsonNode row : list("/api/dialogs?limit=100").path("items")) {
                if (row.path("chat_id").asLong() == chatId) {
                    found[0] = row.path("dialog_id").asText();
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    List<String> historyTexts(String dialogId) {
        List<String> texts = new ArrayList<>();
        list("/api/dialogs/" + dialogId + "/history").path("items").forEach(e -> texts.add(e.path("text").asText()));
        return texts;
    }

    List<JsonNode> mediaEntries(String dialogId) {
        List<JsonNode> entries = new ArrayList<>();
        for (JsonNode e : list("/api/dialogs/" + dialogId + "/history").path("items")) {
            if (e.path("direction").asText().equals("in") && e.path("media").isArray() && !e.path("media").isEmpty()) entries.add(e);
        }
        return entries;
    }

    static byte[] picture(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(200, 80, 40, 255));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(0, 0, 255, 128));
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        assertFalse(out.size() == 0);
        return out.toByteArray();
    }
}
