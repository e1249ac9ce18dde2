package dev.tgdesk.emulators.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.telegram.TelegramApiException;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.telegram.TelegramTransportException;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Media by file_id, captions, edits, reply_markup and HTML validation, thread ids, latency and lost requests. */
class FakeTelegramMediaAndEditsTest {

    static final String PHOTO = "AgACAgIAAxkBAAIBZ2Zx9kQ3photoFileIdLooksLikeThis";

    private final ObjectMapper json = new ObjectMapper();
    private FakeTelegram telegram;
    private FakeBot bot;
    private TelegramClient client;
    private FakeUser alice;

    @BeforeEach
    void setUp() {
        telegram = new FakeTelegram(FakeTelegram.Options.defaults().withRateLimits(RateLimits.NONE)).start();
        bot = telegram.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
        client = new TelegramClient(HttpClient.newHttpClient(), json, telegram.baseUrl(), bot.token());
        alice = telegram.addUser("Alice", "alice");
        bot.markStarted(alice);
    }

    @AfterEach
    void tearDown() {
        telegram.close();
    }

    private JsonNode call(String method, ObjectNode params) {
        return client.call(method, params, JsonNode.class);
    }

    private ObjectNode params() {
        return json.createObjectNode().put("chat_id", alice.id());
    }

    private String failure(String method, ObjectNode params) {
        return assertThrows(TelegramApiException.class, () -> call(method, params)).description();
    }

    @Test
    void mediaByFileIdWithCaption() {
        JsonNode sent = call("sendPhoto", params().put("photo", PHOTO).put("caption", "<b>Menu</b>").put("parse_mode", "HTML"));
        assertEquals(PHOTO, sent.get("photo").get(0).get("file_id").asText());
        assertEquals("Menu", sent.get("caption").asText());
        OutgoingMessage recorded = telegram.sentTo(alice.id()).get(0);
        assertEquals("photo", recorded.mediaKind());
        assertEquals("<b>Menu</b>", recorded.text());

        JsonNode note = call("sendVideoNote", params().put("video_note", "DQACAgIAAxkBAAIBaGZx9kQ3videoNote"));
        assertEquals("video_note", telegram.sentTo(alice.id()).get(1).mediaKind());
        assertTrue(note.has("video_note"));

        assertEquals("Bad Request: wrong file identifier/HTTP URL specified",
                failure("sendDocument", params().put("document", "not a file")));
        assertEquals("Bad Request: message caption is too long",
                failure("sendVideo", params().put("video", PHOTO).put("caption", "x".repeat(1025))));
        assertEquals(2, telegram.sentTo(alice.id()).size());
    }

    @Test
    void htmlIsParsedLikeTelegram() {
        call("sendMessage", params().put("text", "a &amp; <i>b</i> &unknown; <a href=\"https://x.y\">c</a>").put("parse_mode", "HTML"));
        assertEquals("a & b &unknown; c", telegram.sentTo(alice.id()).get(0).message().get("text").asText());
        assertEquals("Bad Request: can't parse entities: Unsupported start tag \"foo\" at byte offset 2",
                failure("sendMessage", params().put("text", "é<foo>").put("parse_mode", "HTML")));
        assertEquals("Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
                failure("sendMessage", params().put("text", "<b>bold").put("parse_mode", "HTML")));
        assertTrue(failure("sendMessage", params().put("text", "<b>x</i>").put("parse_mode", "HTML"))
                .startsWith("Bad Request: can't parse entities: Unmatched end tag at byte offset 4"));
        // the limit counts characters after parsing
        call("sendMessage", params().put("text", "&lt;".repeat(4096)).put("parse_mode", "HTML"));
        assertEquals("Bad Request: message is too long",
                failure("sendMessage", params().put("text", "<b>" + "y".repeat(4097) + "</b>").put("parse_mode", "HTML")));
    }

    @Test
    void buttonDataAndThreadsAreValidated() {
        ObjectNode p = params().put("text", "pick");
        p.putObject("reply_markup").putArray("inline_keyboard").addArray().addObject().put("text", "x").put("callback_data", "d".repeat(65));
        assertEquals("Bad Request: BUTTON_DATA_INVALID", failure("sendMessage", p));
        assertEquals("Bad Request: message thread not found",
                failure("sendMessage", params().put("text", "t").put("message_thread_id", 5)));
        FakeGroup forum = telegram.addForum("Support", null, alice);
        bot.markMemberOf(forum);
        long topic = telegram.createTopic(forum, "Billing");
        JsonNode inTopic = call("sendMessage", json.createObjectNode().put("chat_id", forum.id()).put("text", "t").put("message_thread_id", topic));
        assertEquals(topic, inTopic.get("message_thread_id").asLong());
        assertEquals("Bad Request: message thread not found", failure("sendMessage",
                json.createObjectNode().put("chat_id", forum.id()).put("text", "t").put("message_thread_id", topic + 100)));
        FakeUser stranger = telegram.addUser("Bob", null);
        assertEquals("Forbidden: bot can't initiate conversation with a user",
                failure("sendMessage", json.createObjectNode().put("chat_id", stranger.id()).put("text", "hi")));
        FakeGroup other = telegram.addSupergroup("Other", null, alice);
        assertEquals("Forbidden: bot is not a member of the supergroup chat",
                failure("sendMessage", json.createObjectNode().put("chat_id", other.id()).put("text", "hi")));
    }

    @Test
    void editsChangeTheMessageOrSayNotModified() {
        ObjectNode p = params().put("text", "Pay?");
        p.putObject("reply_markup").putArray("inline_keyboard").addArray().addObject().put("text", "Yes").put("callback_data", "y");
        long id = call("sendMessage", p).get("message_id").asLong();

        JsonNode edited = call("editMessageText", params().put("message_id", id).put("text", "Paid"));
        assertEquals("Paid", edited.get("text").asText());
        assertNull(edited.get("reply_markup"));
        assertTrue(edited.has("edit_date"));
        assertEquals("Bad Request: message is not modified: specified new message content and reply markup are exactly "
                + "the same as a current content and reply markup of the message",
                failure("editMessageText", params().put("message_id", id).put("text", "Paid")));
        ObjectNode markup = params().put("message_id", id);
        markup.putObject("reply_markup").putArray("inline_keyboard").addArray().addObject().put("text", "Undo").put("callback_data", "u");
        call("editMessageReplyMarkup", markup);
        assertEquals("Bad Request: message to edit not found",
                failure("editMessageText", params().put("message_id", id + 50).put("text", "x")));
        assertEquals(2, telegram.edits().size());
        assertEquals("editMessageReplyMarkup", telegram.edits().get(1).method());
    }

    @Test
    void latencyAndLostRequests() {
        try (FakeTelegram slow = new FakeTelegram(FakeTelegram.Options.defaults().withLatency(Duration.ofMillis(200))).start()) {
            FakeBot b = slow.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
            TelegramClient c = new TelegramClient(HttpClient.newHttpClient(), json, slow.baseUrl(), b.token())
                    .withRequestTimeout(Duration.ofMillis(500));
            long started = System.nanoTime();
            c.getMe();
            assertTrue(System.nanoTime() - started >= Duration.ofMillis(190).toNanos());
            FakeUser u = slow.addUser("U", null);
            b.markStarted(u);
            b.failNext("sendMessage", 1, Fault.lost(Duration.ofSeconds(1)));
            assertThrows(TelegramTransportException.class, () -> c.sendMessage(u.id(), "lost"));
            c.sendMessage(u.id(), "arrives");
            assertEquals(1, slow.sentTo(u.id()).size());
        }
    }
}
