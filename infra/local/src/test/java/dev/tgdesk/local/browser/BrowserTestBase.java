package dev.tgdesk.local.browser;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.emulators.telegram.OutgoingMessage;
import dev.tgdesk.local.LocalConfig;
import dev.tgdesk.local.LocalRuntime;
import dev.tgdesk.local.LocalTestAccess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One local runner per test class (port 0, its own table/queue prefix, the fake Telegram, real time on) with the web
 * client at {@code /} and the simulated Telegram at {@code /telegram/}, and the browsers the class starts
 * ({@link #operator}: one, signed out, started before the first test).
 *
 * <p>After each test every tab must have recorded no uncaught error, unhandled rejection or alert/confirm/prompt
 * (call {@link #allowJsErrors()} in a test that provokes them on purpose); a failed test leaves screenshots and the
 * HTML of every tab under {@code target/browser-failures/<class>/}.
 *
 * <p>Skipped, with a message, when the machine has no Chromium and chromedriver; failed instead with
 * {@code TGDESK_REQUIRE_BROWSER=1} (CI).
 */
@Tag("browser")
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BrowserTestBase {

    /** Waits for the backend (Telegram, storage): generous, the UI waits are {@link Browser#WAIT}. */
    protected static final Duration BACKEND_WAIT = Duration.ofSeconds(15);
    private static final AtomicLong USER_IDS = new AtomicLong(8_100_000_000L + (System.nanoTime() % 100_000) * 1000);

    private Path stateDir;

    protected LocalRuntime local;
    protected Api api;
    protected String admin;
    /** The operator's browser; {@link #inbox} is its first tab. */
    protected Browser operator;
    protected InboxPage inbox;

    private final List<Browser> browsers = new ArrayList<>();
    private boolean jsErrorsAllowed;

    @RegisterExtension
    final AfterTestExecutionCallback failureScreenshots = context -> {
        if (context.getExecutionException().isEmpty()) return;
        Path dir = Path.of("target", "browser-failures", context.getRequiredTestClass().getSimpleName());
        for (Browser b : browsers) b.screenshotAll(dir, context.getRequiredTestMethod().getName());
    };

    @BeforeAll
    void startRuntimeAndBrowser() throws Exception {
        if (Browser.available().isEmpty()) return; // each test is then skipped by browserPresent()
        stateDir = java.nio.file.Files.createTempDirectory("tgdesk-browser-state-");
        local = LocalRuntime.start(LocalConfig.defaults().withPort(0).withStateDir(stateDir)
                .withResourcePrefix(LocalTestAccess.uniquePrefix("web")), LocalAws.shared());
        api = new Api(local.apiUrl());
        admin = api.login(LocalRuntime.DEFAULT_ADMIN_EMAIL, LocalRuntime.DEFAULT_ADMIN_PASSWORD);
        operator = browser("operator");
        inbox = new InboxPage(operator.tab(), uiUrl());
    }

    @BeforeEach
    void browserPresent() {
        Browser.require();
    }

    @AfterAll
    void stopAll() {
        for (Browser b : browsers) b.close();
        browsers.clear();
        if (local != null) local.close();
        if (stateDir != null) {
            try (var walk = java.nio.file.Files.walk(stateDir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException ignored) {
                // a temp dir left behind is harmless
            }
        }
    }

    @AfterEach
    void pagesStayedClean() {
        List<String> problems = new ArrayList<>();
        for (Browser b : browsers) {
            b.openAlert().ifPresent(text -> {
                problems.add(b.name() + ": a native dialog was left open: " + text);
                b.driver().switchTo().alert().dismiss();
            });
            for (Tab t : b.tabs()) {
                for (Probe.Event e : t.probe()) {
                    if (e.isDialog() || (e.isJsError() && !jsErrorsAllowed)) problems.add(t + ": " + e);
                }
                t.clearProbe();
            }
        }
        jsErrorsAllowed = false;
        if (!problems.isEmpty()) fail("the pages recorded:\n  " + String.join("\n  ", problems));
    }

    /** This test provokes uncaught errors on purpose (alerts still fail it). */
    protected void allowJsErrors() {
        jsErrorsAllowed = true;
    }

    // ---------------------------------------------------------------- where things are

    /** The operator web client. */
    protected URI uiUrl() {
        return local.apiUrl().resolve("/");
    }

    /** The simulated Telegram. */
    protected URI simulatorUrl() {
        return local.apiUrl().resolve("/telegram/");
    }

    /** The repository's root (where template.yaml is). */
    protected static Path repoRoot() {
        return TemplateResources.locateTemplate().toAbsolutePath().getParent();
    }

    // ---------------------------------------------------------------- helpers

    /** Another headless Chromium (its own profile), closed after the class. */
    protected Browser browser(String name) {
        Browser b = Browser.start(getClass().getSimpleName() + "-" + name);
        browsers.add(b);
        return b;
    }

    /** A simulated Telegram user created straight on the fake (not through the simulator page). */
    protected FakeUser user(String firstName, String lastName, String username) {
        return local.fakeTelegram().addUser(USER_IDS.incrementAndGet(), firstName, lastName, username, "en");
    }

    /** A unique suffix for names and texts, so tests sharing a runner never match each other's rows. */
    protected static String unique() {
        return Long.toString(USER_IDS.incrementAndGet() % 1_000_000, 36);
    }

    /** The text the client sees (markup applied, as Telegram renders it), or the caption. */
    protected static String seen(OutgoingMessage m) {
        var message = m.message();
        if (message == null) return m.text();
        return message.hasNonNull("text") ? message.get("text").asText() : message.path("caption").asText(null);
    }

    /** Waits until the bot sent a message to {@code chatId} that the client sees as {@code text}. */
    protected OutgoingMessage awaitSentTo(long chatId, String text) {
        return local.fakeBot().awaitSent(m -> m.chatId() == chatId && text.equals(seen(m)), BACKEND_WAIT);
    }

    /** GET /api/dialogs/{id} as the admin. */
    protected JsonNode dialog(String dialogId) throws Exception {
        return api.get("/api/dialogs/" + dialogId, admin);
    }

    /** Polls GET /api/dialogs/{id} until {@code condition} holds; fails with the last state. */
    protected JsonNode awaitDialog(String dialogId, String what, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + BACKEND_WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = dialog(dialogId);
            if (condition.test(last)) return last;
            Thread.sleep(100);
        }
        return fail("dialog " + dialogId + ": " + what + " never happened; last state " + last);
    }

    /** Polls the stored history (newest 100 entries) until an entry has this text (or caption); returns it. */
    protected JsonNode awaitHistory(String dialogId, String text) throws Exception {
        long deadline = System.nanoTime() + BACKEND_WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = api.get("/api/dialogs/" + dialogId + "/history?limit=100", admin);
            for (JsonNode e : last.path("items")) {
                if (text.equals(e.path("text").asText(null)) || text.equals(e.path("caption").asText(null))) return e;
            }
            Thread.sleep(100);
        }
        return fail("dialog " + dialogId + ": no entry \"" + text + "\" stored; history " + last);
    }
}
