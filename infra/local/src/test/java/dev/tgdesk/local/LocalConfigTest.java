package dev.tgdesk.local;

import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.telegram.TelegramClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalConfigTest {

    static final String TOKEN = "5550009999:AAConfigTestToken_0123456789";

    @Test
    void emptyEnvironmentGivesTheDocumentedDefaults() {
        LocalConfig config = LocalConfig.fromEnvironment(Map.of());
        assertEquals(3000, config.port());
        assertEquals("local-dev-webhook-secret", config.webhookSecret());
        assertNull(config.telegramToken());
        assertFalse(config.pollsTelegram(), "no token: the fake Telegram");
        assertEquals(TelegramClient.DEFAULT_API_URL, config.telegramApiUrl());
        assertEquals(0, config.fakeTelegramPort());
        assertEquals(Path.of(".local"), config.stateDir());
        assertEquals(TemplateResources.DEFAULT_PREFIX, config.resourcePrefix());
        assertEquals(3001, config.webSocketPort());
        assertTrue(config.realtime());
        // defaults() leaves the WebSocket port free (tests); the runner's environment default is 3001
        assertEquals(LocalConfig.defaults().withWebSocketPort(3001), config);
    }

    @Test
    void everyVariableIsRead() {
        LocalConfig config = LocalConfig.fromEnvironment(Map.of(
                "LOCAL_PORT", "0",
                "WEBHOOK_SECRET", "s3cret",
                "TELEGRAM_BOT_TOKEN", TOKEN,
                "TELEGRAM_API_URL", "http://127.0.0.1:8081",
                "FAKE_TELEGRAM_PORT", "8082",
                "LOCAL_STATE_DIR", "/tmp/tgdesk-state"));
        assertEquals(0, config.port());
        assertEquals("s3cret", config.webhookSecret());
        assertEquals(TOKEN, config.telegramToken());
        assertTrue(config.pollsTelegram());
        assertEquals(URI.create("http://127.0.0.1:8081"), config.telegramApiUrl());
        assertEquals(8082, config.fakeTelegramPort());
        assertEquals(Path.of("/tmp/tgdesk-state"), config.stateDir());
    }

    @Test
    void blankTokenMeansTheFakeTelegram() {
        assertFalse(LocalConfig.fromEnvironment(Map.of("TELEGRAM_BOT_TOKEN", "  ")).pollsTelegram());
        assertFalse(LocalConfig.defaults().withTelegram(TOKEN, null).withFakeTelegram(0).pollsTelegram());
    }

    @Test
    void badValuesAreRefusedWithTheVariableName() {
        var notANumber = assertThrows(IllegalArgumentException.class,
                () -> LocalConfig.fromEnvironment(Map.of("LOCAL_PORT", "http")));
        assertTrue(notANumber.getMessage().contains("LOCAL_PORT"), notANumber.getMessage());
        var outOfRange = assertThrows(IllegalArgumentException.class,
                () -> LocalConfig.fromEnvironment(Map.of("FAKE_TELEGRAM_PORT", "70000")));
        assertTrue(outOfRange.getMessage().contains("FAKE_TELEGRAM_PORT"), outOfRange.getMessage());
        var emptySecret = assertThrows(IllegalArgumentException.class,
                () -> LocalConfig.fromEnvironment(Map.of("WEBHOOK_SECRET", "")));
        assertTrue(emptySecret.getMessage().contains("WEBHOOK_SECRET"), emptySecret.getMessage());
    }

    @Test
    void toStringNeverShowsTheToken() {
        String shown = LocalConfig.defaults().withTelegram(TOKEN, URI.create("http://127.0.0.1:1")).toString();
        assertFalse(shown.contains("AAConfigTestToken"), shown);
        assertTrue(shown.contains("polling"), shown);
    }
}
