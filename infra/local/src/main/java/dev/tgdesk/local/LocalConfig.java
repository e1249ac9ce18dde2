package dev.tgdesk.local;

import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.telegram.TelegramClient;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link LocalRuntime} needs to know: where to listen, the webhook secret, and how to reach Telegram.
 *
 * <p>{@link #fromEnvironment()} reads {@code LOCAL_PORT} (3000), {@code WEBHOOK_SECRET}
 * (local-dev-webhook-secret), {@code TELEGRAM_BOT_TOKEN} (unset: the in-repo fake Telegram),
 * {@code TELEGRAM_API_URL} (https://api.telegram.org; only used with a token), {@code FAKE_TELEGRAM_PORT}
 * (0 = any free port; only used without a token) and {@code LOCAL_STATE_DIR} (.local: where the
 * getUpdates offset is kept). Port 0 means "any free port" everywhere, which is what tests use.
 *
 * @param port             the local API Gateway / Lambda Invoke API port; 0 = any free port
 * @param webhookSecret    the {@code X-Telegram-Bot-Api-Secret-Token} the webhook accepts
 * @param telegramToken    a bot token to poll with getUpdates, or null to simulate Telegram with the fake
 * @param telegramApiUrl   the Bot API base URL used with a token
 * @param fakeTelegramPort the fake Telegram's port when there is no token; 0 = any free port
 * @param stateDir         where state that must survive a restart lives (the getUpdates offset)
 * @param resourcePrefix   prefix of the template's table and queue names on the emulators
 * @param pipeline         run the scenario and sender functions behind the inbound queue (false: the webhook
 *                         alone, leaving the inbound queue for a test to read)
 * @param webSocketPort    the local WebSocket API's port ({@code LOCAL_WS_PORT}, 3001; 0 = any free port); its
 *                         {@code @connections} endpoint listens on a free port next to it
 * @param realtime         run the WebSocket API and the push function behind the table's stream
 * @param webDir           the web client served at {@code /} ({@code LOCAL_WEB_DIR}); null: {@code web/} next to
 *                         template.yaml
 */
public record LocalConfig(int port, String webhookSecret, String telegramToken, URI telegramApiUrl,
                          int fakeTelegramPort, Path stateDir, String resourcePrefix, boolean pipeline,
                          int webSocketPort, boolean realtime, Path webDir) {

    public static final int DEFAULT_PORT = 3000;
    public static final int DEFAULT_WS_PORT = 3001;
    public static final String DEFAULT_SECRET = "local-dev-webhook-secret";
    public static final Path DEFAULT_STATE_DIR = Path.of(".local");

    public static final String PORT_ENV = "LOCAL_PORT";
    public static final String SECRET_ENV = "WEBHOOK_SECRET";
    public static final String TOKEN_ENV = "TELEGRAM_BOT_TOKEN";
    public static final String API_URL_ENV = TelegramClient.API_URL_ENV;
    public static final String FAKE_TELEGRAM_PORT_ENV = "FAKE_TELEGRAM_PORT";
    public static final String STATE_DIR_ENV = "LOCAL_STATE_DIR";
    public static final String WS_PORT_ENV = "LOCAL_WS_PORT";
    public static final String WEB_DIR_ENV = "LOCAL_WEB_DIR";

    public LocalConfig {
        checkPort(PORT_ENV, port);
        checkPort(FAKE_TELEGRAM_PORT_ENV, fakeTelegramPort);
        checkPort(WS_PORT_ENV, webSocketPort);
        if (webhookSecret == null || webhookSecret.isEmpty()) {
            throw new IllegalArgumentException(SECRET_ENV + " is empty: refusing to accept unauthenticated updates");
        }
        telegramToken = telegramToken == null || telegramToken.isBlank() ? null : telegramToken.strip();
        telegramApiUrl = telegramApiUrl == null ? TelegramClient.DEFAULT_API_URL : telegramApiUrl;
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(resourcePrefix, "resourcePrefix");
    }

    /** Port 3000, the default secret, the fake Telegram and the WebSocket API on any free port, state in {@code .local}. */
    public static LocalConfig defaults() {
        return new LocalConfig(DEFAULT_PORT, DEFAULT_SECRET, null, TelegramClient.DEFAULT_API_URL, 0,
                DEFAULT_STATE_DIR, TemplateResources.DEFAULT_PREFIX, true, 0, true, null);
    }

    public static LocalConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Blank variables count as unset, except {@code WEBHOOK_SECRET}: an empty secret is refused. */
    public static LocalConfig fromEnvironment(Map<String, String> env) {
        LocalConfig d = defaults();
        return new LocalConfig(
                intVar(env, PORT_ENV, d.port()),
                env.getOrDefault(SECRET_ENV, d.webhookSecret()), // set but empty is refused, not defaulted
                value(env, TOKEN_ENV, null),
                URI.create(value(env, API_URL_ENV, d.telegramApiUrl().toString())),
                intVar(env, FAKE_TELEGRAM_PORT_ENV, d.fakeTelegramPort()),
                Path.of(value(env, STATE_DIR_ENV, d.stateDir().toString())),
                d.resourcePrefix(), true, intVar(env, WS_PORT_ENV, DEFAULT_WS_PORT), true,
                value(env, WEB_DIR_ENV, null) == null ? null : Path.of(value(env, WEB_DIR_ENV, null)));
    }

    /** True with a token: getUpdates long polling; false: the in-repo fake Telegram. */
    public boolean pollsTelegram() {
        return telegramToken != null;
    }

    public LocalConfig withPort(int port) {
        return new LocalConfig(port, webhookSecret, telegramToken, telegramApiUrl, fakeTelegramPort, stateDir, resourcePrefix, pipeline, webSocketPort, realtime, webDir);
    }

    public LocalConfig withWebhookSecret(String secret) {
        return new LocalConfig(port, secret, telegramToken, telegramApiUrl, fakeTelegramPort, stateDir, resourcePrefix, pipeline, webSocketPort, realtime, webDir);
    }

    /** Poll this Bot API (a real one, or a {@code FakeTelegram} without webhook) with this token. */
    public LocalConfig withTelegram(String token, URI apiUrl) {
        return new LocalConfig(port, webhookSecret, token, apiUrl, fakeTelegramPort, stateDir, resourcePrefix, pipeline, webSocketPort, realtime, webDir);
    }

    /** No token: simulate Telegram with the in-repo fake. */
    public LocalConfig withFakeTelegram(int fakeTelegramPort) {
        return new LocalConfig(port, webhookSecret, null, telegramApiUrl, fakeTelegramPort, stateDir, resourcePrefix, pipeline, webSocketPort, realtime, webDir);
    }

    public LocalConfig withStateDir(Path stateDir) {
        return new LocalConfig(port, webhookSecret, telegramToken, telegramApiUrl, fakeTelegramPort, stateDir, resourcePrefix, pipeline, webSocketPort, realtime, webDir);
    }

    /** Tests pass their own prefix so their table and queue are theirs alone on a shared emulator. */
    public LocalConfig withResourcePrefix(String resourcePrefix) {
        return new LocalConfig(port, webhookSecret, telegramToken, telegramApiUrl, fakeTelegramPort, stateDir, resourcePrefix, pipeline, webSocketPort, realtime, webDir);
    }

    /** Only the webhook: nothing consumes the inbound queue (tests that read what the webhook enqueued). */
    public LocalConfig withoutPipeline() {
        return new LocalConfig(port, webhookSecret, telegramToken, telegramApiUrl, fakeTelegramPort, stateDir, resourcePrefix, false, webSocketPort, realtime, webDir);
    }

    public LocalConfig withWebSocketPort(int webSocketPort) {
        return new LocalConfig(port, webhookSecret, telegramToken, telegramApiUrl, fakeTelegramPort, stateDir, resourcePrefix, pipeline,
                webSocketPort, realtime, webDir);
    }

    /** No WebSocket API and no push function (tests that don't need them start quicker). */
    public LocalConfig withoutRealtime() {
        return new LocalConfig(port, webhookSecret, telegramToken, telegramApiUrl, fakeTelegramPort, stateDir, resourcePrefix, pipeline,
                webSocketPort, false, webDir);
    }

    /** Serve this folder as the web client at {@code /} instead of {@code web/} next to template.yaml. */
    public LocalConfig withWebDir(Path webDir) {
        return new LocalConfig(port, webhookSecret, telegramToken, telegramApiUrl, fakeTelegramPort, stateDir, resourcePrefix, pipeline,
                webSocketPort, realtime, webDir);
    }

    /** The web client's folder: {@link #webDir()}, else {@code web/} next to template.yaml. */
    public Path webRoot() {
        return webDir != null ? webDir : TemplateResources.locateTemplate().resolveSibling("web");
    }

    /** The token is a credential: never printed. */
    @Override
    public String toString() {
        return "LocalConfig[port=" + port + ", telegram=" + (pollsTelegram() ? "polling " + telegramApiUrl : "fake on port " + fakeTelegramPort)
                + ", stateDir=" + stateDir + ", resourcePrefix=" + resourcePrefix + "]";
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static int intVar(Map<String, String> env, String name, int fallback) {
        String v = value(env, name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number, not '" + v + "'");
        }
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 0..65535 (0 = any free port), not " + port);
        }
    }
}
