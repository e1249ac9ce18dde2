package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeGroup;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.emulators.telegram.OutgoingMessage;
import dev.tgdesk.storage.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The issue's "done when": the local runner with the fake Telegram, the shipped Customer opinion scenario,
 * simulated users going through it both ways — webhook → inbound queue → scenario function → outbound queue →
 * sender → fake Telegram, every hop real — and what got stored about each send.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomerOpinionEndToEndTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path stateDir;

    LocalRuntime local;
    Stored stored;
    FakeBot bot;
    FakeGroup team;

    @BeforeAll
    void start() {
        local = LocalRuntime.start(LocalConfig.defaults().withPort(0).withStateDir(stateDir)
                .withResourcePrefix(Stored.uniquePrefix("co")), LocalAws.shared());
        stored = new Stored(local);
        bot = local.fakeBot();
        team = local.fakeTelegram().groupByUsername(LocalRuntime.TEAM_CHAT_USERNAME);
    }

    @AfterAll
    void stop() {
        if (stored != null) stored.close();
        if (local != null) local.close();
    }

    @Test
    void yesAnswersAreStoredAsContactFieldsAndEverySendIsRecorded() {
        FakeUser ann = local.fakeTelegram().addUser(7_100_001L, "Ann", "Lee", "ann_lee", "en");
        bot.userStarts(ann);
        OutgoingMessage greeting = awaitText(ann.id(), "Hi, Ann! Would you give us a little feedback");
        press(ann, greeting, "Yes");
        OutgoingMessage rating = awaitText(ann.id(), "How would you rate us");
        press(ann, rating, "5");
        awaitText(ann.id(), "Thank you! What could we do better?");
        bot.userSends(ann, "Quick answers <b>please</b>");
        awaitText(ann.id(), "Thank you for your feedback, Ann!");

        Map<String, AttributeValue> contact = stored.item(Keys.contact(stored.botId, ann.id()), Keys.PROFILE_SK);
        assertEquals("5", contact.get("cf_feedback_rating").s());
        assertEquals("Quick answers <b>please</b>", contact.get("cf_feedback_comment").s());

        String dialogId = stored.activeDialogId(ann.id());
        List<Map<String, AttributeValue>> out = awaitAllOutgoingSettled(dialogId, 4);
        Set<Long> sentIds = bot.sentTo(ann.id()).stream().map(OutgoingMessage::messageId).collect(Collectors.toSet());
        for (Map<String, AttributeValue> entry : out) {
            assertEquals("sent", entry.get("status").s(), () -> "entry " + entry.get("sk").s());
            assertTrue(sentIds.contains(Long.parseLong(entry.get("telegramMessageId").n())), "recorded id is the one Telegram gave");
        }
        assertEquals(4, bot.sentTo(ann.id()).size(), "each message sent once");
        // the button presses were answered (the client's spinner stops)
        assertTrue(bot.callbackAnswers().size() >= 2);
    }

    @Test
    void noWritesTheTemplatedMessageToTheTeamChatAndHandsOver() {
        FakeUser bob = local.fakeTelegram().addUser(7_100_002L, "Bob", null, "bobby", "en");
        bot.userStarts(bob);
        press(bob, awaitText(bob.id(), "Hi, Bob!"), "No");
        awaitText(bob.id(), "We'll be glad to see you again!");
        OutgoingMessage toTeam = local.fakeTelegram().awaitSent(m -> m.chatId() == team.id()
                && m.text().startsWith("Bob (@bobby) declined the survey"), WAIT);
        assertEquals("Bob (@bobby) declined the survey — is everything ok?", toTeam.text());

        String dialogId = stored.activeDialogId(bob.id());
        String teamChat = "@" + LocalRuntime.TEAM_CHAT_USERNAME;
        Map<String, AttributeValue> teamEntry = awaitEntry(dialogId, e -> teamChat.equals(e.get("chatId").s())
                && !"queued".equals(e.get("status").s()) && !"sending".equals(e.get("status").s()));
        assertEquals("sent", teamEntry.get("status").s());
        assertEquals(toTeam.messageId(), Long.parseLong(teamEntry.get("telegramMessageId").n()));
        // the dialog is now the operators'
        Stored.await("dialog handed to operators", WAIT, () -> stored.dialog(dialogId).containsKey("handler"));
        assertEquals("operator", stored.dialog(dialogId).get("handler").s());
    }

    @Test
    void russianSpeakersGetRussianTexts() {
        FakeUser olga = local.fakeTelegram().addUser(7_100_003L, "Ольга", null, "olga", "ru");
        bot.userStarts(olga);
        OutgoingMessage greeting = awaitText(olga.id(), "Здравствуйте, Ольга!");
        press(olga, greeting, "Нет");
        awaitText(olga.id(), "Будем рады видеть вас снова!");
    }

    @Test
    void aRefusalOfTheTeamChatIsRecordedOnTheMessageAndInTheRunLog() {
        // the bot is removed from the team chat: Telegram answers the scenario's post with 403
        FakeUser carol = local.fakeTelegram().addUser(7_100_004L, "Carol", null, "carol", "en");
        FakeUser admin = local.fakeTelegram().addUser("Admin", "team_admin");
        team.addMember(admin);
        bot.removedFromGroup(team, admin);
        try {
            bot.userStarts(carol);
            press(carol, awaitText(carol.id(), "Hi, Carol!"), "No");
            awaitText(carol.id(), "We'll be glad to see you again!");
            String dialogId = stored.activeDialogId(carol.id());
            Map<String, AttributeValue> failed = awaitEntry(dialogId, e -> "failed".equals(e.get("status").s()));
            assertEquals("@" + LocalRuntime.TEAM_CHAT_USERNAME, failed.get("chatId").s());
            Map<String, AttributeValue> failure = failed.get("failure").m();
            assertEquals("KICKED", failure.get("kind").s());
            assertEquals(403, Integer.parseInt(failure.get("errorCode").n()));
            assertTrue(failure.get("description").s().contains("bot was kicked from the supergroup chat"), failure.toString());
            Stored.await("run log shows the refusal", WAIT, () -> runLog(dialogId).stream()
                    .anyMatch(line -> line.startsWith("error") && line.contains("bot was kicked")), () -> "log: " + runLog(dialogId));
        } finally {
            bot.markMemberOf(team);
        }
    }

    @Test
    void theReadmeWalkthroughOverHttp() throws Exception {
        JsonNode started = post("{\"first_name\":\"Dan\",\"username\":\"dan\",\"language_code\":\"en\",\"text\":\"/start\"}");
        long dan = started.get("user_id").asLong();
        Stored.await("greeting", WAIT, () -> get(LocalRuntime.SENT_PATH + "?chat_id=" + dan).size() == 1);
        post("{\"user_id\":" + dan + ",\"press\":\"q:greet:no\"}");
        Stored.await("the team message is recorded as sent", WAIT, () -> {
            for (JsonNode e : get(LocalRuntime.HISTORY_PATH + "?chat_id=" + dan).path("entries")) {
                if (("@" + LocalRuntime.TEAM_CHAT_USERNAME).equals(e.path("to").asText()) && "sent".equals(e.path("status").asText())
                        && e.path("telegram_message_id").asLong() > 0) return true;
            }
            return false;
        }, () -> get(LocalRuntime.HISTORY_PATH + "?chat_id=" + dan).toString());
        JsonNode history = get(LocalRuntime.HISTORY_PATH + "?chat_id=" + dan);
        assertEquals("operator", history.path("handler").asText());
        assertTrue(history.path("run_log").size() > 0);
    }

    // ---------------------------------------------------------------- helpers

    final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    JsonNode post(String body) throws Exception {
        var response = http.send(java.net.http.HttpRequest.newBuilder(local.apiUrl().resolve(LocalRuntime.SIMULATE_PATH))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Stored.JSON.readTree(response.body());
    }

    JsonNode get(String pathAndQuery) {
        try {
            var response = http.send(java.net.http.HttpRequest.newBuilder(local.apiUrl().resolve(pathAndQuery)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return Stored.JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    OutgoingMessage awaitText(long chatId, String prefix) {
        try {
            return local.fakeTelegram().awaitSent(m -> m.chatId() == chatId && m.message().path("text").asText("").startsWith(prefix), WAIT);
        } catch (RuntimeException e) {
            String dialogId = stored.activeDialogId(chatId);
            throw new AssertionError("no \"" + prefix + "\" to " + chatId + "; run log: "
                    + (dialogId == null ? "no dialog" : runLog(dialogId)), e);
        }
    }

    void press(FakeUser user, OutgoingMessage message, String buttonText) {
        for (JsonNode row : message.replyMarkup().path("inline_keyboard")) {
            for (JsonNode button : row) {
                if (button.path("text").asText().equals(buttonText)) {
                    bot.userPresses(user, message, button.get("callback_data").asText());
                    return;
                }
            }
        }
        throw new AssertionError("no button " + buttonText + " in " + message.replyMarkup());
    }

    List<Map<String, AttributeValue>> outgoing(String dialogId) {
        return stored.entries(dialogId).stream().filter(e -> "out".equals(e.get("direction").s())).toList();
    }

    List<Map<String, AttributeValue>> awaitAllOutgoingSettled(String dialogId, int count) {
        Stored.await(count + " outgoing entries settled", WAIT, () -> {
            var out = outgoing(dialogId);
            return out.size() >= count && out.stream().allMatch(e -> Set.of("sent", "failed").contains(e.get("status").s()));
        }, () -> "outgoing: " + outgoing(dialogId).stream().map(e -> e.get("status").s()).toList());
        return outgoing(dialogId);
    }

    Map<String, AttributeValue> awaitEntry(String dialogId, java.util.function.Predicate<Map<String, AttributeValue>> matching) {
        Stored.await("an entry matching", WAIT, () -> outgoing(dialogId).stream().anyMatch(matching),
                () -> "outgoing: " + outgoing(dialogId).stream().map(e -> e.get("chatId").s() + "=" + e.get("status").s()).toList());
        return outgoing(dialogId).stream().filter(matching).findFirst().orElseThrow();
    }

    List<String> runLog(String dialogId) {
        return stored.dynamoDb.query(q -> q.tableName(stored.table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :l)")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.dialog(stored.botId, dialogId)),
                                ":l", AttributeValue.fromS("LOG#")))).items().stream()
                .flatMap(item -> item.get("lines").l().stream())
                .map(line -> line.m().get("level").s() + ": " + line.m().get("text").s())
                .toList();
    }
}
