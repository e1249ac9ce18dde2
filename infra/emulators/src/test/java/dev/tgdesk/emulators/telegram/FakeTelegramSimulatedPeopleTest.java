package dev.tgdesk.emulators.telegram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.telegram.TelegramClient;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the simulated Telegram page needs from the fake: photos and documents with real content in private chats and
 * groups (kept for getFile), presses on a message as it is after edits, the observer, and the lists of people and groups.
 */
class FakeTelegramSimulatedPeopleTest {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeTelegram telegram;
    private FakeBot bot;
    private TelegramClient client;
    private FakeUser alice;

    @BeforeEach
    void setUp() {
        telegram = new FakeTelegram(FakeTelegram.Options.defaults().withRateLimits(RateLimits.NONE)).start();
        bot = telegram.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
        client = new TelegramClient(http, json, telegram.baseUrl(), bot.token());
        alice = telegram.addUser("Alice", "alice");
    }

    @AfterEach
    void tearDown() {
        telegram.close();
    }

    @Test
    void aPhotoIsKeptInTheSizesTelegramMakes() throws Exception {
        JsonNode update = bot.userSendsPhoto(alice, null, png(2000, 1000), "wide");
        JsonNode photo = update.path("message").path("photo");
        List<String> sizes = new ArrayList<>();
        photo.forEach(p -> sizes.add(p.path("width").asInt() + "x" + p.path("height").asInt()));
        assertEquals(List.of("90x45", "320x160", "800x400", "1280x640"), sizes, "smallest first, the largest capped at 1280");
        assertEquals("wide", update.path("message").path("caption").asText());
        for (JsonNode size : photo) {
            String fileId = size.path("file_id").asText();
            JsonNode file = client.call("getFile", json.createObjectNode().put("file_id", fileId), JsonNode.class);
            assertEquals(size.path("file_size").asLong(), file.path("file_size").asLong());
            assertEquals(size.path("file_unique_id").asText(), file.path("file_unique_id").asText());
            assertTrue(file.path("file_path").asText().startsWith("photos/"), file.toString());
            byte[] bytes = download(file.path("file_path").asText());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            assertEquals(size.path("width").asInt(), image.getWidth(), "a JPEG of that size");
        }
        List<String> small = new ArrayList<>();
        bot.userSendsPhoto(alice, null, png(60, 40), null).path("message").path("photo")
                .forEach(p -> small.add(p.path("width").asInt() + "x" + p.path("height").asInt()));
        assertEquals(List.of("60x40"), small, "a small picture is kept as it is");
        assertThrows(IllegalArgumentException.class, () -> bot.userSendsPhoto(alice, null, "not a picture".getBytes(), null));
    }

    @Test
    void documentsWithContentGoToPrivateChatsAndGroups() throws Exception {
        FakeUser bob = telegram.addUser("Bob", null);
        FakeGroup group = telegram.addSupergroup("Team", null, alice, bob);
        bot.markMemberOf(group);
        byte[] content = "a,b\n1,2\n".getBytes();
        JsonNode inGroup = bot.userSendsDocument(bob, group, "t.csv", "text/csv", content, "numbers");
        JsonNode doc = inGroup.path("message").path("document");
        assertEquals(group.id(), inGroup.path("message").path("chat").path("id").asLong());
        assertEquals("t.csv", doc.path("file_name").asText());
        assertEquals("text/csv", doc.path("mime_type").asText());
        assertEquals(content.length, doc.path("file_size").asInt());
        JsonNode file = client.call("getFile", json.createObjectNode().put("file_id", doc.path("file_id").asText()), JsonNode.class);
        assertArrayEquals(content, download(file.path("file_path").asText()));
        JsonNode groupPhoto = bot.userSendsPhoto(alice, group, png(100, 100), null);
        assertEquals(group.id(), groupPhoto.path("message").path("chat").path("id").asLong());

        FakeUser stranger = telegram.addUser("Carl", null);
        assertThrows(IllegalStateException.class, () -> bot.userSendsDocument(stranger, group, "x", null, content, null));
        assertThrows(IllegalArgumentException.class, () -> bot.userSendsDocument(alice, null, "empty", null, new byte[0], null));
        JsonNode nameless = bot.userSendsDocument(alice, null, null, null, content, null).path("message").path("document");
        assertTrue(!nameless.has("file_name") && !nameless.has("mime_type"), nameless.toString());
    }

    @Test
    void aPressGoesToTheMessageAsItIsNow() {
        bot.markStarted(alice);
        ObjectNode p = json.createObjectNode().put("chat_id", alice.id()).put("text", "Pay?");
        p.putObject("reply_markup").putArray("inline_keyboard").addArray().addObject().put("text", "Yes").put("callback_data", "y");
        long id = client.call("sendMessage", p, JsonNode.class).get("message_id").asLong();

        JsonNode press = bot.userPresses(alice, alice.id(), id, "y").path("callback_query");
        assertEquals("y", press.path("data").asText());
        assertEquals(id, press.path("message").path("message_id").asLong());
        assertEquals(alice.id(), press.path("from").path("id").asLong());

        ObjectNode edit = json.createObjectNode().put("chat_id", alice.id()).put("message_id", id).put("text", "Paid, thanks");
        client.call("editMessageText", edit, JsonNode.class);
        assertThrows(IllegalArgumentException.class, () -> bot.userPresses(alice, alice.id(), id, "y"), "the button is gone");
        assertThrows(IllegalArgumentException.class, () -> bot.userPresses(alice, alice.id(), id + 50, "y"), "no such message");
        FakeUser bob = telegram.addUser("Bob", null);
        assertThrows(IllegalArgumentException.class, () -> bot.userPresses(bob, alice.id(), id, "y"), "not Bob's chat");
    }

    @Test
    void anObserverSeesUpdatesSendsAndEditsAsTheyHappen() {
        List<String> seen = new ArrayList<>();
        telegram.observe(new FakeTelegram.Observer() {
            @Override
            public void update(FakeBot b, ObjectNode update) {
                seen.add("update " + update.path("update_id").asLong() + " " + update.path("message").path("text").asText());
            }

            @Override
            public void sent(OutgoingMessage m) {
                seen.add("sent " + m.messageId() + " " + m.text());
            }

            @Override
            public void edited(MessageEdit e, ObjectNode message) {
                seen.add("edited " + e.messageId() + " " + message.path("text").asText());
            }
        });
        long updateId = bot.userStarts(alice).path("update_id").asLong();
        long id = client.call("sendMessage", json.createObjectNode().put("chat_id", alice.id()).put("text", "Hi"), JsonNode.class)
                .get("message_id").asLong();
        client.call("editMessageText", json.createObjectNode().put("chat_id", alice.id()).put("message_id", id).put("text", "Hello"),
                JsonNode.class);
        assertEquals(List.of("update " + updateId + " /start", "sent " + id + " Hi", "edited " + id + " Hello"), seen);
        assertEquals("Hello", telegram.botMessage(bot.id(), alice.id(), id).path("text").asText());
    }

    @Test
    void peopleAndGroupsAreListed() {
        FakeUser bob = telegram.addUser("Bob", null);
        FakeGroup first = telegram.addGroup("First", alice);
        FakeGroup second = telegram.addSupergroup("Second", null, bob);
        assertEquals(List.of(alice, bob), telegram.users());
        assertEquals(List.of(first, second), telegram.groups(), "in the order they were made");
        FakeGroup migrated = telegram.migrateToSupergroup(first, alice);
        assertEquals(List.of(first, second, migrated), telegram.groups());
    }

    private byte[] download(String filePath) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(telegram.baseUrl() + "/file/bot" + bot.token() + "/" + filePath))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static byte[] png(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
