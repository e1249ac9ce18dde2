package dev.tgdesk.emulators.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.telegram.TelegramApiException;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.telegram.TelegramErrorKind;
import dev.tgdesk.telegram.TelegramTransportException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flood limits (429 with retry_after, counters) and injected faults. */
class FakeTelegramLimitsAndFaultsTest {

    private final ObjectMapper json = new ObjectMapper();
    private FakeTelegram telegram;
    private FakeBot bot;
    private TelegramClient client;
    private FakeUser alice;

    @BeforeEach
    void setUp() {
        telegram = new FakeTelegram().start();
        bot = telegram.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
        client = new TelegramClient(HttpClient.newHttpClient(), json, telegram.baseUrl(), bot.token());
        alice = telegram.addUser("Alice", "alice");
        bot.markStarted(alice);
    }

    @AfterEach
    void tearDown() {
        telegram.close();
    }

    // ================================================================ flood limits

    @Test
    void aChatGetsABurstOfThreeThenOnePerSecond() throws Exception {
        for (int i = 0; i < 3; i++) {
            client.sendMessage(alice.id(), "burst " + i);
        }

        TelegramApiException e = assertThrows(TelegramApiException.class, () -> client.sendMessage(alice.id(), "4th"));

        assertEquals(429, e.errorCode());
        assertEquals(TelegramErrorKind.RATE_LIMITED, e.kind());
        assertEquals(1, e.retryAfterSeconds());
        assertEquals("Too Many Requests: retry after 1", e.description());
        assertTrue(e.isRetryable());
        Thread.sleep(1_050);
        client.sendMessage(alice.id(), "after waiting");

        BotStats stats = bot.stats();
        assertEquals(4, stats.messagesSent());
        assertEquals(1, stats.tooManyRequests());
        assertEquals(3, stats.maxPerChatPerSecond());
        assertEquals(4, bot.sentTo(alice.id()).size());
    }

    @Test
    void otherChatsAreNotAffectedByOneChatsLimit() {
        FakeUser bob = telegram.addUser("Bob", null);
        bot.markStarted(bob);
        for (int i = 0; i < 3; i++) {
            client.sendMessage(alice.id(), "a" + i);
        }

        client.sendMessage(bob.id(), "b");

        assertThrows(TelegramApiException.class, () -> client.sendMessage(alice.id(), "a3"));
    }

    @Test
    void aGroupGetsTwentyMessagesPerMinute() {
        bot.setRateLimits(RateLimits.TELEGRAM.withPerChat(100, 100));
        FakeGroup group = telegram.addSupergroup("Team", null, alice);
        bot.markMemberOf(group);
        for (int i = 0; i < 20; i++) {
            client.sendMessage(group.id(), "m" + i);
        }

        TelegramApiException e = assertThrows(TelegramApiException.class, () -> client.sendMessage(group.id(), "21st"));

        assertEquals(429, e.errorCode());
        // A sliding minute: the 21st message may go when the 1st leaves the window, ~60 s later.
        assertTrue(e.retryAfterSeconds() > 55 && e.retryAfterSeconds() <= 60, "retry after " + e.retryAfterSeconds());
        assertEquals(20, bot.stats().maxPerGroupPerMinute());
    }

    @Test
    void aBotGetsThirtyMessagesPerSecondOverall() {
        List<FakeUser> users = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            FakeUser user = telegram.addUser("User" + i, null);
            bot.markStarted(user);
            users.add(user);
        }
        for (int i = 0; i < 30; i++) {
            client.sendMessage(users.get(i).id(), "broadcast");
        }

        TelegramApiException e = assertThrows(TelegramApiException.class,
                () -> client.sendMessage(users.get(30).id(), "broadcast"));

        assertEquals(1, e.retryAfterSeconds());
        assertEquals(30, bot.stats().maxGlobalPerSecond());
        assertEquals(1, bot.stats().maxPerChatPerSecond());
    }

    @Test
    void limitsCanBeTurnedOffAndStatsReset() {
        bot.setRateLimits(RateLimits.NONE);
        for (int i = 0; i < 50; i++) {
            client.sendMessage(alice.id(), "fast " + i);
        }
        assertEquals(50, bot.stats().maxPerChatPerSecond());

        bot.resetStats();

        assertEquals(new BotStats(0, 0, 0, 0, 0), bot.stats());
    }

    // ================================================================ faults

    @Test
    void serverErrorsForTheNextCallsThenNormal() {
        bot.failNext("sendMessage", 2, Fault.internalServerError());

        for (int i = 0; i < 2; i++) {
            TelegramApiException e = assertThrows(TelegramApiException.class, () -> client.sendMessage(alice.id(), "x"));
            assertEquals(500, e.errorCode());
            assertEquals("Internal Server Error", e.description());
            assertEquals(TelegramErrorKind.SERVER, e.kind());
            assertTrue(e.isRetryable());
        }
        client.sendMessage(alice.id(), "x");

        assertEquals(1, bot.sentMessages().size(), "failed calls sent nothing");
        client.getMe(); // other methods were never affected
    }

    @Test
    void injectedTooManyRequestsCarriesRetryAfterAndIsCounted() {
        bot.failNext("SENDMESSAGE", 1, Fault.tooManyRequests(7));

        TelegramApiException e = assertThrows(TelegramApiException.class, () -> client.sendMessage(alice.id(), "x"));

        assertEquals(7, e.retryAfterSeconds());
        assertEquals("Too Many Requests: retry after 7", e.description());
        assertEquals(1, bot.stats().tooManyRequests());
    }

    @Test
    void htmlFromAProxyAndWildcardFaults() {
        bot.failNext("*", 1, Fault.badGatewayHtml());

        TelegramApiException e = assertThrows(TelegramApiException.class, client::getMe);

        assertEquals(502, e.errorCode());
        assertEquals(TelegramErrorKind.SERVER, e.kind());
        assertTrue(e.description().contains("502 Bad Gateway"), e.description());
        client.getMe();
    }

    @Test
    void delaysCauseClientTimeoutsWhileTheCallStillHappens() {
        bot.failNext("sendMessage", 1, Fault.delay(Duration.ofMillis(800)));
        TelegramClient impatient = client.withRequestTimeout(Duration.ofMillis(200));

        TelegramTransportException e = assertThrows(TelegramTransportException.class,
                () -> impatient.sendMessage(alice.id(), "slow"));

        assertEquals(TelegramTransportException.Reason.TIMEOUT, e.reason());
        assertEquals("slow", bot.awaitSent(m -> true, Duration.ofSeconds(5)).text(),
                "the message went out although the client gave up");
    }

    @Test
    void faultsAreConsumedInOrderAndCanBeCleared() {
        bot.failNext("sendMessage", 1, Fault.error(400, "Bad Request: custom"));
        bot.failNext("sendMessage", 1, Fault.internalServerError());
        bot.failNext("getMe", 5, Fault.internalServerError());

        assertEquals("Bad Request: custom",
                assertThrows(TelegramApiException.class, () -> client.sendMessage(alice.id(), "x")).description());
        assertEquals(500, assertThrows(TelegramApiException.class, () -> client.sendMessage(alice.id(), "x")).errorCode());
        bot.clearFaults();
        client.getMe();
    }
}
