package dev.tgdesk.emulators.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.telegram.BotUser;
import dev.tgdesk.telegram.ChatId;
import dev.tgdesk.telegram.SendMessageRequest;
import dev.tgdesk.telegram.SentMessage;
import dev.tgdesk.telegram.TelegramApiException;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.telegram.TelegramErrorKind;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The fake's HTTP surface and sendMessage/getChat/answerCallbackQuery, driven by the real client. */
class FakeTelegramApiTest {

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
        alice = telegram.addUser(new FakeUser(7_100_000_001L, "Alice", "Smith", "alice", "en"));
    }

    @AfterEach
    void tearDown() {
        telegram.close();
    }

    // ================================================================ HTTP surface

    @Test
    void getMeDescribesTheBot() {
        BotUser me = client.getMe();

        assertEquals(123456789L, me.id());
        assertTrue(me.isBot());
        assertEquals("tgdesk_local_bot", me.username());
        assertEquals("Tgdesk local", me.firstName());
        assertEquals(true, me.canJoinGroups());
    }

    @Test
    void unknownTokenIsUnauthorized() throws Exception {
        HttpResponse<String> response = post("/bot999:AAnotARealToken/getMe", "application/json", "{}");

        assertEquals(401, response.statusCode());
        assertEquals(json.readTree("{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}"),
                json.readTree(response.body()));
    }

    @Test
    void unknownMethodIsNotFound() throws Exception {
        HttpResponse<String> response = post("/bot" + bot.token() + "/sendPaidMedia", "application/json", "{}");

        assertEquals(404, response.statusCode());
        assertEquals(json.readTree("{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}"),
                json.readTree(response.body()));
        assertEquals(404, post("/nonsense", "application/json", "{}").statusCode());
    }

    @Test
    void methodNamesAreCaseInsensitiveAndGetWorks() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(telegram.baseUrl() + "/bot" + bot.token() + "/GETME")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("tgdesk_local_bot", json.readTree(response.body()).at("/result/username").asText());
    }

    @Test
    void acceptsFormEncodedBodiesWithJsonSerializedStructures() throws Exception {
        bot.markStarted(alice);
        String markup = "{\"inline_keyboard\":[[{\"text\":\"Yes\",\"callback_data\":\"yes\"}]]}";
        String form = "chat_id=" + alice.id() + "&text=" + URLEncoder.encode("Hi & welcome", StandardCharsets.UTF_8)
                + "&reply_markup=" + URLEncoder.encode(markup, StandardCharsets.UTF_8);

        HttpResponse<String> response = post("/bot" + bot.token() + "/sendMessage",
                "application/x-www-form-urlencoded", form);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode result = json.readTree(response.body()).get("result");
        assertEquals("Hi & welcome", result.get("text").asText());
        assertEquals("yes", result.at("/reply_markup/inline_keyboard/0/0/callback_data").asText());
        assertEquals(java.util.List.of("yes"), bot.sentTo(alice.id()).get(0).callbackData());
    }

    @Test
    void acceptsQueryStringParameters() throws Exception {
        bot.markStarted(alice);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(telegram.baseUrl() + "/bot"
                + bot.token() + "/sendMessage?chat_id=" + alice.id() + "&text=hello")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("hello", bot.sentTo(alice.id()).get(0).text());
    }

    // ================================================================ sendMessage

    @Test
    void sendMessageReturnsATelegramMessageAndRecordsIt() throws Exception {
        bot.userStarts(alice); // message 1 in the chat
        ObjectNode markup = (ObjectNode) json.readTree(
                "{\"inline_keyboard\":[[{\"text\":\"Rate\",\"callback_data\":\"rate:5\"}]]}");

        SentMessage sent = client.sendMessage(SendMessageRequest.of(ChatId.of(alice.id()), "Hello, <b>Alice</b>")
                .withParseMode("HTML").withReplyMarkup(markup));

        assertEquals(2, sent.messageId(), "message ids count up per chat, user messages included");
        assertEquals(alice.id(), sent.chat().id());
        assertEquals("private", sent.chat().type());
        OutgoingMessage out = bot.awaitSent(m -> m.chatId() == alice.id(), Duration.ofSeconds(1));
        assertEquals("Hello, <b>Alice</b>", out.text());
        assertEquals("HTML", out.parseMode());
        assertEquals("Hello, Alice", out.message().get("text").asText(), "markup is removed like Telegram does");
        assertEquals(markup, out.replyMarkup());
        assertEquals(bot.id(), out.message().at("/from/id").asLong());
        assertTrue(out.message().at("/from/is_bot").asBoolean());
        assertEquals(out, telegram.sentTo(alice.id()).get(0));
    }

    @Test
    void sendMessageToAPublicGroupByUsername() {
        FakeGroup group = telegram.addSupergroup("Support", "acme_support", alice);
        bot.markMemberOf(group);

        SentMessage sent = client.sendMessage("@acme_support", "Hi all");

        assertEquals(group.id(), sent.chat().id());
        assertEquals("supergroup", sent.chat().type());
        assertTrue(group.id() < -1_000_000_000_000L);
    }

    @Test
    void sendingErrorsUseTelegramsTexts() {
        FakeUser stranger = telegram.addUser("Stranger", null);
        FakeUser blocker = telegram.addUser("Blocker", "blocker");
        bot.userStarts(blocker);
        bot.userBlocks(blocker);
        FakeUser gone = telegram.addUser("Gone", null);
        bot.markStarted(gone);
        telegram.deactivate(gone);
        FakeGroup notJoined = telegram.addSupergroup("Elsewhere", null, alice);
        FakeGroup kickedFrom = telegram.addGroup("Old team", alice);
        bot.addedToGroup(kickedFrom, alice);
        bot.removedFromGroup(kickedFrom, alice);
        FakeGroup channel = telegram.addChannel("News", "acme_news");
        bot.markStarted(alice);

        assertApiError(403, "Forbidden: bot can't initiate conversation with a user", TelegramErrorKind.CANT_INITIATE,
                () -> client.sendMessage(stranger.id(), "hi"));
        assertApiError(403, "Forbidden: bot was blocked by the user", TelegramErrorKind.BLOCKED_BY_USER,
                () -> client.sendMessage(blocker.id(), "hi"));
        assertApiError(403, "Forbidden: user is deactivated", TelegramErrorKind.USER_DEACTIVATED,
                () -> client.sendMessage(gone.id(), "hi"));
        assertApiError(400, "Bad Request: chat not found", TelegramErrorKind.CHAT_NOT_FOUND,
                () -> client.sendMessage(42L, "hi"));
        assertApiError(400, "Bad Request: chat not found", TelegramErrorKind.CHAT_NOT_FOUND,
                () -> client.sendMessage("@nobody_here", "hi"));
        assertApiError(403, "Forbidden: bot is not a member of the supergroup chat", TelegramErrorKind.NOT_MEMBER,
                () -> client.sendMessage(notJoined.id(), "hi"));
        assertApiError(403, "Forbidden: bot is not a member of the channel chat", TelegramErrorKind.NOT_MEMBER,
                () -> client.sendMessage("@acme_news", "hi"));
        assertApiError(403, "Forbidden: bot was kicked from the group chat", TelegramErrorKind.KICKED,
                () -> client.sendMessage(kickedFrom.id(), "hi"));
        assertApiError(403, "Forbidden: bot can't send messages to bots", TelegramErrorKind.FORBIDDEN,
                () -> client.sendMessage(bot.id(), "hi"));
        assertApiError(400, "Bad Request: message text is empty", TelegramErrorKind.BAD_REQUEST,
                () -> client.sendMessage(alice.id(), " \n "));
        assertApiError(400, "Bad Request: message text is empty", TelegramErrorKind.BAD_REQUEST,
                () -> client.sendMessage(SendMessageRequest.of(ChatId.of(alice.id()), "<b></b>").withParseMode("HTML")));
        assertApiError(400, "Bad Request: message is too long", TelegramErrorKind.TOO_LONG,
                () -> client.sendMessage(alice.id(), "x".repeat(4097)));
        assertApiError(400, "Bad Request: unsupported parse_mode", TelegramErrorKind.BAD_REQUEST,
                () -> client.sendMessage(SendMessageRequest.of(ChatId.of(alice.id()), "x").withParseMode("BBCode")));
        assertTrue(bot.sentMessages().isEmpty(), "failed sends are not recorded");
        assertTrue(channel.username().equals("acme_news"));
    }

    @Test
    void lengthLimitCountsVisibleCharacters() {
        bot.markStarted(alice);
        String visible = "y".repeat(4096);

        client.sendMessage(alice.id(), visible);
        client.sendMessage(SendMessageRequest.of(ChatId.of(alice.id()), "<b>" + visible + "</b>").withParseMode("HTML"));
        client.sendMessage(SendMessageRequest.of(ChatId.of(alice.id()), "*" + "z".repeat(4095) + "\\.*")
                .withParseMode("MarkdownV2"));

        assertEquals(3, bot.sentTo(alice.id()).size());
    }

    @Test
    void forumTopicsMustExist() {
        FakeGroup forum = telegram.addForum("Operators", null, alice);
        bot.markMemberOf(forum);
        long topic = telegram.createTopic(forum, "Ticket #1");

        SentMessage sent = client.sendMessage(SendMessageRequest.of(ChatId.of(forum.id()), "new ticket")
                .withMessageThreadId(topic));

        assertEquals(topic, sent.messageThreadId());
        assertEquals(topic, bot.sentTo(forum.id()).get(0).messageThreadId());
        assertApiError(400, "Bad Request: message thread not found", TelegramErrorKind.THREAD_NOT_FOUND,
                () -> client.sendMessage(SendMessageRequest.of(ChatId.of(forum.id()), "x").withMessageThreadId(999)));
    }

    @Test
    void sendingToAMigratedGroupPointsToTheSupergroup() {
        FakeGroup group = telegram.addGroup("Team", alice);
        bot.addedToGroup(group, alice);
        FakeGroup supergroup = telegram.migrateToSupergroup(group, alice);

        TelegramApiException e = assertThrows(TelegramApiException.class, () -> client.sendMessage(group.id(), "hi"));

        assertEquals(TelegramErrorKind.CHAT_MIGRATED, e.kind());
        assertEquals("Bad Request: group chat was upgraded to a supergroup chat", e.description());
        assertEquals(supergroup.id(), e.migrateToChatId());
        assertEquals(supergroup.id(), client.sendMessage(e.migrateToChatId(), "hi").chat().id());
        var pending = bot.pendingUpdates();
        JsonNode migrateTo = pending.get(pending.size() - 2).get("message");
        assertEquals(supergroup.id(), migrateTo.get("migrate_to_chat_id").asLong());
        assertEquals(group.id(), migrateTo.at("/chat/id").asLong());
        assertTrue(migrateTo.at("/chat/all_members_are_administrators").asBoolean());
        JsonNode migrateFrom = pending.getLast().get("message");
        assertEquals(group.id(), migrateFrom.get("migrate_from_chat_id").asLong());
        assertEquals(supergroup.id(), migrateFrom.at("/chat/id").asLong());
        assertEquals("GroupAnonymousBot", migrateFrom.at("/from/username").asText());
        assertEquals(supergroup.id(), migrateFrom.at("/sender_chat/id").asLong());
    }

    @Test
    void awaitSentWaitsAndReportsWhatWasSentOnTimeout() throws Exception {
        bot.markStarted(alice);
        Thread sender = Thread.ofPlatform().start(() -> {
            sleep(200);
            client.sendMessage(alice.id(), "later");
        });

        OutgoingMessage later = telegram.awaitSent(m -> m.text().equals("later"), Duration.ofSeconds(5));
        sender.join();

        assertEquals("later", later.text());
        IllegalStateException timeout = assertThrows(IllegalStateException.class,
                () -> bot.awaitSent(m -> m.text().equals("never"), Duration.ofMillis(100)));
        assertTrue(timeout.getMessage().contains("later"), timeout.getMessage());
    }

    // ================================================================ callbacks and getChat

    @Test
    void buttonPressesProduceCallbackQueriesThatCanBeAnsweredOnce() throws Exception {
        bot.userStarts(alice);
        client.sendMessage(SendMessageRequest.of(ChatId.of(alice.id()), "Rate us").withReplyMarkup(json.readTree(
                "{\"inline_keyboard\":[[{\"text\":\"👍\",\"callback_data\":\"rate:up\"},"
                        + "{\"text\":\"👎\",\"callback_data\":\"rate:down\"}]]}")));
        OutgoingMessage rateUs = bot.sentTo(alice.id()).get(0);

        ObjectNode update = bot.userPresses(alice, rateUs, "rate:up");

        JsonNode query = update.get("callback_query");
        assertTrue(query.get("id").isTextual());
        assertEquals(alice.id(), query.at("/from/id").asLong());
        assertEquals(rateUs.messageId(), query.at("/message/message_id").asLong());
        assertEquals("Rate us", query.at("/message/text").asText());
        assertEquals("rate:down", query.at("/message/reply_markup/inline_keyboard/0/1/callback_data").asText());
        assertTrue(query.get("chat_instance").isTextual());
        assertEquals("rate:up", query.get("data").asText());
        assertThrows(IllegalArgumentException.class, () -> bot.userPresses(alice, rateUs, "rate:sideways"));

        ObjectNode answer = json.createObjectNode().put("callback_query_id", query.get("id").asText())
                .put("text", "Thanks!");
        assertTrue(client.call("answerCallbackQuery", answer, Boolean.class));
        assertEquals("Thanks!", bot.callbackAnswers().get(0).text());
        assertApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid",
                TelegramErrorKind.BAD_REQUEST, () -> client.call("answerCallbackQuery", answer, Boolean.class));
    }

    @Test
    void getChatDescribesKnownChats() {
        bot.userStarts(alice);
        FakeGroup group = telegram.addSupergroup("Support", "acme_support", alice);
        FakeGroup secret = telegram.addSupergroup("Secret", null, alice);

        JsonNode privateChat = client.call("getChat", json.createObjectNode().put("chat_id", alice.id()), JsonNode.class);
        JsonNode publicGroup = client.call("getChat", json.createObjectNode().put("chat_id", "@acme_support"),
                JsonNode.class);

        assertEquals("private", privateChat.get("type").asText());
        assertEquals("Smith", privateChat.get("last_name").asText());
        assertEquals(group.id(), publicGroup.get("id").asLong());
        assertEquals("Support", publicGroup.get("title").asText());
        assertApiError(400, "Bad Request: chat not found", TelegramErrorKind.CHAT_NOT_FOUND,
                () -> client.call("getChat", json.createObjectNode().put("chat_id", secret.id()), JsonNode.class));
    }

    // ================================================================ helpers

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(telegram.baseUrl() + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void assertApiError(int code, String description, TelegramErrorKind kind, Executable call) {
        TelegramApiException e = assertThrows(TelegramApiException.class, call);
        assertEquals(code, e.errorCode(), e.getMessage());
        assertEquals(description, e.description());
        assertEquals(kind, e.kind(), e.getMessage());
        assertNull(e.retryAfterSeconds());
        assertFalse(e.isRetryable());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
