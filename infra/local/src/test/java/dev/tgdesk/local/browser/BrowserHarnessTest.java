package dev.tgdesk.local.browser;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness itself, on a page of its own ({@code src/test/resources/browser/harness.html}) served by the JDK's
 * HTTP server: headless Chromium starts offline-safe, finds test ids, types, selects, screenshots at 1400×900, and
 * the XSS and error detection really detects (the page renders a payload with innerHTML on purpose).
 */
@Tag("browser")
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserHarnessTest {

    HttpServer server;
    Browser browser;
    Tab tab;
    String page;

    @BeforeAll
    void start() throws Exception {
        if (Browser.available().isEmpty()) return; // each test is then skipped by fresh()
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = BrowserHarnessTest.class.getResourceAsStream("/browser/harness.html")) {
                if (!exchange.getRequestURI().getPath().equals("/")) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] body = in.readAllBytes();
                exchange.getResponseHeaders().set("content-type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        page = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        browser = Browser.start("harness");
        tab = browser.tab();
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (server != null) server.stop(0);
    }

    @BeforeEach
    void fresh() {
        Browser.require();
        tab.open(page).clearProbe();
    }

    @Test
    void findsTypesSelectsAndScreenshots(@TempDir Path dir) throws Exception {
        assertEquals("Harness page", tab.text("title"));
        tab.type("input", "first line", Keys.SHIFT, Keys.ENTER, Keys.SHIFT);
        tab.keys("input", "second line", Keys.ENTER);
        assertEquals(List.of("first line\nsecond line"), tab.texts("@list @item"), "Shift+Enter is a newline, Enter sends");
        tab.select("choice", "ru").waitText("title", "Тестовая страница");
        tab.check("toggle", true);
        assertTrue(tab.present("toggle").isSelected());
        assertFalse(tab.visible("hidden"));
        assertEquals(1, tab.count("hidden"));

        BufferedImage png = ImageIO.read(tab.screenshot(dir.resolve("harness.png")).toFile());
        assertEquals(Browser.WIDTH, png.getWidth());
        assertEquals(Browser.HEIGHT, png.getHeight());
        assertTrue(tab.probe().isEmpty(), "nothing recorded: " + tab.probe());
    }

    @Test
    void textStaysText() {
        tab.type("input", Xss.IMG + Xss.SCRIPT).click("safe");
        tab.withText("@list @item", Xss.IMG + Xss.SCRIPT);
        Xss.assertInert(tab, "list");
    }

    @Test
    void markupRenderedAsHtmlIsDetected() {
        tab.type("input", Xss.IMG).click("unsafe");
        tab.until("the injected handler ran", () -> !tab.dialogs().isEmpty());
        assertEquals("alert: 1", tab.dialogs().getFirst().kind() + ": " + tab.dialogs().getFirst().message());
        AssertionError error = assertThrows(AssertionError.class, () -> Xss.assertInert(tab, "list"));
        assertTrue(error.getMessage().contains("alert: 1"), error.getMessage());
        assertTrue(error.getMessage().contains("<img src=\"x\">"), error.getMessage());

        // a script element inserted by innerHTML does not run, but is still caught in the container
        tab.open(page).clearProbe();
        tab.type("input", Xss.SCRIPT).click("unsafe");
        AssertionError script = assertThrows(AssertionError.class, () -> Xss.assertInert(tab, "list"));
        assertTrue(script.getMessage().contains("a script element"), script.getMessage());
        assertTrue(tab.dialogs().isEmpty(), "innerHTML scripts stay inert");
    }

    @Test
    void errorsRejectionsAndConsoleErrorsAreRecordedAcrossReloads() {
        tab.click("throw").click("reject").click("log-error");
        tab.until("three records", () -> tab.probe().size() >= 3);
        tab.reload();
        tab.$("title");
        List<Probe.Event> events = tab.probe();
        assertEquals(List.of("error", "rejection", "console.error"), events.stream().map(Probe.Event::kind).toList(), events.toString());
        assertTrue(events.get(0).message().contains("thrown on purpose"));
        assertTrue(events.get(1).message().contains("rejected on purpose"));
        assertEquals(2, tab.jsErrors().size());
        List<String> console = browser.consoleLog();
        assertTrue(console.stream().anyMatch(l -> l.startsWith("SEVERE") && l.contains("logged on purpose")), "Chrome's own log: " + console);
        tab.clearProbe();
        assertTrue(tab.probe().isEmpty());
    }

    @Test
    void offlineEmulationFailsRequests() {
        assertEquals("http 200", tab.js("return fetchStatus(location.href)"));
        tab.offline(true);
        try {
            assertEquals("failed", tab.js("return fetchStatus(location.href)"));
        } finally {
            tab.offline(false);
        }
        assertEquals("http 200", tab.js("return fetchStatus(location.href)"));
        tab.clearProbe(); // the failed fetch logged nothing we assert on
    }

    @Test
    void twoTabsShareStorageAndInterleave() {
        Tab second = browser.tabs().size() > 1 ? browser.tabs().get(1) : browser.newTab("second");
        second.open(page);
        tab.setLocalStorage("shared", "yes");
        assertEquals("yes", second.localStorage().get("shared"));
        second.type("input", "from the second tab").click("safe");
        tab.type("input", "from the first tab").click("safe");
        assertEquals(List.of("from the second tab"), second.texts("@list @item"));
        assertEquals(List.of("from the first tab"), tab.texts("@list @item"));
        BufferedImage png = screenshotOf(second);
        assertEquals(Browser.WIDTH, png.getWidth());
    }

    private static BufferedImage screenshotOf(Tab t) {
        try {
            Path file = java.nio.file.Files.createTempFile("tab", ".png");
            try {
                return ImageIO.read(t.screenshot(file).toFile());
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
