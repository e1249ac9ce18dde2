package dev.tgdesk.emulators.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.telegram.SetWebhookRequest;
import dev.tgdesk.telegram.TelegramApiException;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.telegram.TelegramErrorKind;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Update JSON as Telegram builds it, and getUpdates' long-poll semantics. */
class FakeTelegramUpdatesTest {

    private final ObjectMapper json = new ObjectMapper();
    private FakeTelegram telegram;
    private FakeBot bot;
    private TelegramClient client;
    private FakeUser alice;
    private FakeUser bob;

    @BeforeEach
    void setUp() {
        telegram = new FakeTelegram().start();
        bot = telegram.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
        client = new TelegramClient(HttpClient.newHttpClient(), json, telegram.baseUrl(), bot.token());
        alice = telegram.addUser(new FakeUser(7_100_000_001L, "Alice", "Smith", "alice", "en"));
        bob = telegram.addUser("Bob", null);
    }

    @AfterEach
    void tearDown() {
        telegram.close();
    }

    // ================================================================ update shapes

    @Test
    void startWithPayloadLooksLikeTelegrams() throws Exception {
        ObjectNode update = bot.userStarts(alice, "campaign-7");

        JsonNode expected = json.readTree("""
                {"update_id":100000001,
                 "message":{"message_id":1,
                   "from":{"id":7100000001,"is_bot":false,"first_name":"Alice","last_name":"Smith","username":"alice","language_code":"en"},
                   "chat":{"id":7100000001,"first_name":"Alice","last_name":"Smith","username":"alice","type":"private"},
                   "date":%d,
                   "text":"/start campaign-7",
                   "entities":[{"offset":0,"length":6,"type":"bot_command"}]}}
                """.formatted(update.at("/message/date").asLong()));
        assertEquals(expected.toString(), update.toString(), "same fields in the same order");
        assertTrue(Math.abs(update.at("/message/date").asLong() - System.currentTimeMillis() / 1000) < 5);
        assertEquals("update_id", update.fieldNames().next(), "update_id comes first");
        assertTrue(bot.hasStarted(alice));
    }

    @Test
    void idsCountUpPerBotAndPerChat() {
        bot.markStarted(alice);
        long first = bot.userSends(alice, "one").get("update_id").asLong();
        client.sendMessage(alice.id(), "bot reply");
        ObjectNode second = bot.userSends(alice, "two");
        ObjectNode bobs = bot.userSends(bob, "hi");

        assertEquals(first + 1, second.get("update_id").asLong());
        assertEquals(first + 2, bobs.get("update_id").asLong());
        assertEquals(3, second.at("/message/message_id").asLong(), "the bot's message took id 2");
        assertEquals(1, bobs.at("/message/message_id").asLong());
        assertFalse(bobs.at("/message/from").has("last_name"), "absent optional fields are omitted");
        assertTrue(bob.id() > 0xFFFF_FFFFL, "generated ids need 64 bits");
    }

    @Test
    void entitiesAreDetectedInPlainText() {
        JsonNode message = bot.userSends(alice, "Ping @support_team about /help@tgdesk_local_bot, see https://example.org/x.")
                .get("message");

        JsonNode entities = message.get("entities");
        assertEquals(3, entities.size());
        assertEquals("mention", entities.get(0).get("type").asText());
        assertEquals(5, entities.get(0).get("offset").asInt());
        assertEquals(13, entities.get(0).get("length").asInt());
        assertEquals("bot_command", entities.get(1).get("type").asText());
        assertEquals("/help@tgdesk_local_bot".length(), entities.get(1).get("length").asInt());
        assertEquals("url", entities.get(2).get("type").asText());
        assertEquals("https://example.org/x".length(), entities.get(2).get("length").asInt());
    }

    @Test
    void photosAndDocumentsCarryFileIds() {
        JsonNode photo = bot.userSendsPhoto(alice, "my receipt").get("message");
        JsonNode document = bot.userSendsDocument(alice, "invoice.pdf", "application/pdf", 48_213, null).get("message");

        assertEquals(4, photo.get("photo").size());
        JsonNode largest = photo.get("photo").get(3);
        assertTrue(largest.get("file_id").asText().startsWith("AgAC"));
        assertTrue(largest.get("file_unique_id").asText().length() > 8);
        assertTrue(largest.get("width").asInt() > photo.get("photo").get(0).get("width").asInt());
        assertEquals("my receipt", photo.get("caption").asText());
        assertFalse(photo.has("text"));
        assertEquals("invoice.pdf", document.at("/document/file_name").asText());
        assertEquals("application/pdf", document.at("/document/mime_type").asText());
        assertEquals(48_213, document.at("/document/file_size").asLong());
        assertTrue(document.at("/document/file_id").asText().startsWith("BQAC"));
        assertFalse(document.has("caption"));
    }

    @Test
    void editsKeepIdAndDateAndAddEditDate() {
        ObjectNode original = bot.userSends(alice, "helo");

        JsonNode edited = bot.userEdits(alice, original, "hello").get("edited_message");

        assertEquals(original.at("/message/message_id"), edited.get("message_id"));
        assertEquals(original.at("/message/date"), edited.get("date"));
        assertTrue(edited.get("edit_date").asLong() >= edited.get("date").asLong());
        assertEquals("hello", edited.get("text").asText());
        assertThrows(IllegalArgumentException.class, () -> bot.userEdits(bob, original, "not mine"));
    }

    @Test
    void blockingAndUnblockingProduceMyChatMember() {
        bot.userStarts(alice);

        JsonNode blocked = bot.userBlocks(alice).get("my_chat_member");
        assertThrows(IllegalStateException.class, () -> bot.userSends(alice, "blocked users cannot write"));
        JsonNode unblocked = bot.userUnblocks(alice).get("my_chat_member");

        assertEquals(alice.id(), blocked.at("/chat/id").asLong());
        assertEquals("private", blocked.at("/chat/type").asText());
        assertEquals(alice.id(), blocked.at("/from/id").asLong());
        assertEquals("member", blocked.at("/old_chat_member/status").asText());
        assertEquals("kicked", blocked.at("/new_chat_member/status").asText());
        assertEquals(0, blocked.at("/new_chat_member/until_date").asLong());
        assertEquals(bot.id(), blocked.at("/new_chat_member/user/id").asLong());
        assertTrue(blocked.at("/new_chat_member/user/is_bot").asBoolean());
        assertEquals("kicked", unblocked.at("/old_chat_member/status").asText());
        assertEquals("member", unblocked.at("/new_chat_member/status").asText());
    }

    @Test
    void restartAfterBlockUnblocksFirst() {
        bot.userStarts(alice);
        bot.userBlocks(alice);

        bot.userStarts(alice);

        List<ObjectNode> pending = bot.pendingUpdates();
        assertTrue(pending.get(pending.size() - 2).has("my_chat_member"));
        assertEquals("/start", pending.getLast().at("/message/text").asText());
        assertFalse(bot.isBlockedBy(alice));
    }

    @Test
    void addingTheBotToAGroupProducesMemberUpdateAndServiceMessage() {
        FakeGroup group = telegram.addSupergroup("Support", "acme_support", alice, bob);

        List<ObjectNode> added = bot.addedToGroup(group, alice);
        ObjectNode inGroup = bot.userSends(bob, group, "hi bot");
        ObjectNode removed = bot.removedFromGroup(group, alice);

        JsonNode change = added.get(0).get("my_chat_member");
        assertEquals(group.id(), change.at("/chat/id").asLong());
        assertEquals("supergroup", change.at("/chat/type").asText());
        assertEquals("Support", change.at("/chat/title").asText());
        assertEquals("left", change.at("/old_chat_member/status").asText());
        assertEquals("member", change.at("/new_chat_member/status").asText());
        JsonNode service = added.get(1).get("message");
        assertEquals(bot.id(), service.at("/new_chat_members/0/id").asLong());
        assertEquals(bob.id(), inGroup.at("/message/from/id").asLong());
        assertEquals(group.id(), inGroup.at("/message/chat/id").asLong());
        assertEquals("kicked", removed.at("/my_chat_member/new_chat_member/status").asText());
        assertThrows(IllegalStateException.class, () -> bot.userSends(bob, group, "bot no longer sees this"));
    }

    @Test
    void topicMessagesReplyToTheTopicsCreationMessage() {
        FakeGroup forum = telegram.addForum("Operators", null, alice);
        bot.markMemberOf(forum);
        long topic = telegram.createTopic(forum, "Order #1");

        JsonNode message = bot.userSendsInTopic(alice, forum, topic, "taking this one").get("message");

        assertEquals(topic, message.get("message_thread_id").asLong());
        assertTrue(message.get("is_topic_message").asBoolean());
        assertTrue(message.at("/chat/is_forum").asBoolean());
        assertEquals(topic, message.at("/reply_to_message/message_id").asLong());
        assertEquals("Order #1", message.at("/reply_to_message/forum_topic_created/name").asText());
        assertTrue(message.get("message_id").asLong() > topic);
        assertThrows(IllegalStateException.class, () -> bot.userSendsInTopic(alice, forum, topic + 100, "x"));
    }

    @Test
    void channelsMakeTheBotAnAdministrator() {
        FakeGroup channel = telegram.addChannel("News", "acme_news");
        channel.addMember(alice);

        List<ObjectNode> added = bot.addedToGroup(channel, alice);

        assertEquals(1, added.size(), "no service message in channels");
        assertEquals("administrator", added.get(0).at("/my_chat_member/new_chat_member/status").asText());
        assertTrue(added.get(0).at("/my_chat_member/new_chat_member/can_post_messages").asBoolean());
        assertEquals("@acme_news", "@" + client.sendMessage("@acme_news", "hello").chat().username());
    }

    // ================================================================ getUpdates

    @Test
    void getUpdatesKeepsUpdatesUntilAnOffsetConfirmsThem() {
        ObjectNode first = bot.userSends(alice, "1");
        bot.userSends(alice, "2");
        bot.userSends(bob, "3");

        List<JsonNode> all = client.getUpdates(0, 100, 0, null);
        List<JsonNode> again = client.getUpdates(0, 2, 0, null);
        long firstId = first.get("update_id").asLong();
        List<JsonNode> afterFirst = client.getUpdates(firstId + 1, 100, 0, null);
        List<JsonNode> lastOnly = client.getUpdates(-1, 100, 0, null);

        assertEquals(3, all.size());
        assertEquals(first.toString(), all.get(0).toString());
        assertEquals(2, again.size(), "unconfirmed updates are returned again, limited");
        assertEquals(2, afterFirst.size());
        assertEquals(firstId + 1, afterFirst.get(0).get("update_id").asLong());
        assertEquals(1, lastOnly.size());
        assertEquals("3", lastOnly.get(0).at("/message/text").asText());
        assertEquals(1, bot.pendingUpdateCount(), "a negative offset forgets all earlier updates");
    }

    @Test
    void longPollReturnsAsSoonAsAnUpdateArrives() throws Exception {
        CompletableFuture<List<JsonNode>> poll = CompletableFuture.supplyAsync(() -> client.getUpdates(0, 100, 10, null));
        Thread.sleep(300);
        assertFalse(poll.isDone(), "nothing to return yet");

        long start = System.nanoTime();
        bot.userSends(alice, "wake up");
        List<JsonNode> updates = poll.get(5, TimeUnit.SECONDS);

        assertEquals(1, updates.size());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void longPollTimesOutWithAnEmptyList() {
        long start = System.nanoTime();

        List<JsonNode> updates = client.getUpdates(0, 100, 1, null);

        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(updates.isEmpty());
        assertTrue(elapsedMillis >= 900 && elapsedMillis < 3000, "took " + elapsedMillis + " ms");
    }

    @Test
    void aSecondPollerEndsTheFirstWithConflict() throws Exception {
        CompletableFuture<List<JsonNode>> first = CompletableFuture.supplyAsync(() -> client.getUpdates(0, 100, 10, null));
        Thread.sleep(300);

        List<JsonNode> second = client.getUpdates(0, 100, 0, null);

        CompletionException e = assertThrows(CompletionException.class, first::join);
        TelegramApiException conflict = (TelegramApiException) e.getCause();
        assertEquals(409, conflict.errorCode());
        assertEquals("Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                conflict.description());
        assertEquals(TelegramErrorKind.CONFLICT, conflict.kind());
        assertTrue(second.isEmpty());
    }

    @Test
    void getUpdatesConflictsWithAWebhook() {
        client.setWebhook(SetWebhookRequest.of("http://127.0.0.1:9/hook", "secret"));

        TelegramApiException e = assertThrows(TelegramApiException.class, () -> client.getUpdates(0, 100, 0, null));

        assertEquals(409, e.errorCode());
        assertEquals("Conflict: can't use getUpdates method while webhook is active; "
                + "use deleteWebhook to delete the webhook first", e.description());
        client.deleteWebhook(false);
        assertTrue(client.getUpdates(0, 100, 0, null).isEmpty());
    }

    @Test
    void allowedUpdatesFilterNewUpdates() {
        bot.userStarts(alice);
        client.getUpdates(0, 100, 0, List.of("callback_query"));
        client.getUpdates(bot.pendingUpdates().getLast().get("update_id").asLong() + 1, 100, 0, null);

        bot.userSends(alice, "ignored: not a callback_query");
        assertEquals(0, bot.pendingUpdateCount());

        client.getUpdates(0, 100, 0, List.of()); // empty list = back to the default set
        bot.userSends(alice, "kept");
        assertEquals(1, bot.pendingUpdateCount());
        assertEquals("kept", client.getUpdates(0, 100, 0, null).get(0).at("/message/text").asText());
    }

    @Test
    void webhookAndPollingShareTheBacklog() {
        bot.userSends(alice, "queued while polling");
        client.setWebhook(SetWebhookRequest.of("http://127.0.0.1:9/unreachable", "secret"));
        assertEquals(1, client.getWebhookInfo().pendingUpdateCount());

        client.deleteWebhook(false);
        assertEquals(1, client.getUpdates(0, 100, 0, null).size());

        client.deleteWebhook(true);
        assertEquals(0, bot.pendingUpdateCount(), "drop_pending_updates clears the backlog");
    }
}
