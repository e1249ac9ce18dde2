package dev.tgdesk.local.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.opentest4j.TestAbortedException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One headless Chromium driven by the machine's chromedriver: never downloaded, never looked up online.
 *
 * <p>Both executables are passed explicitly ({@link ChromeDriverService.Builder#usingDriverExecutable} and
 * {@link ChromeOptions#setBinary}), so Selenium's {@code DriverFinder} stops at "path specified in Service class"
 * and never runs Selenium Manager (the only part of Selenium that would download a driver or a browser); the
 * surefire configuration also sets {@code SE_OFFLINE=true} for it, should it ever run. Chromium itself starts with
 * a fresh profile and its background networking (component updates, sync, …) switched off.
 *
 * <p>Where: {@code CHROMIUM_BIN} / {@code CHROMEDRIVER_BIN} (or the system properties {@code tgdesk.chromium} /
 * {@code tgdesk.chromedriver}), else {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (Debian's
 * {@code chromium} and {@code chromium-driver} packages), else {@code chromium}, {@code chromium-browser},
 * {@code google-chrome} and {@code chromedriver} on the PATH. Without them the browser tests are skipped with
 * {@link #MISSING}, or fail when {@code TGDESK_REQUIRE_BROWSER=1} (CI sets it and installs both packages).
 *
 * <p>A browser has one or more {@link Tab tabs} (windows of the same profile: same origin, same storage); use two
 * {@code Browser}s for two independent people. Every tab records uncaught errors, {@code console.error} and
 * {@code alert/confirm/prompt} calls from the first script of every document on (see {@link Probe}).
 */
public final class Browser implements AutoCloseable {

    public static final String REQUIRE_ENV = "TGDESK_REQUIRE_BROWSER";
    public static final String MISSING = "no Chromium + chromedriver found (install Debian's chromium and chromium-driver:"
            + " apt-get install chromium chromium-driver, or set CHROMIUM_BIN and CHROMEDRIVER_BIN); browser tests skipped";
    public static final int WIDTH = 1400;
    public static final int HEIGHT = 900;
    /** The default wait of {@link Tab}'s helpers. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    /** The executables found on this machine. */
    public record Executables(Path chromium, Path chromedriver) {
    }

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;
    private final List<Tab> tabs = new ArrayList<>();
    private final String name;
    private Tab current;

    private Browser(String name, ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.name = name;
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    // ---------------------------------------------------------------- finding and starting

    /** The executables, or empty when this machine has none. */
    public static Optional<Executables> find() {
        Path chromium = configured("CHROMIUM_BIN", "tgdesk.chromium",
                "/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
        Path driver = configured("CHROMEDRIVER_BIN", "tgdesk.chromedriver", "/usr/bin/chromedriver", "chromedriver");
        return chromium == null || driver == null ? Optional.empty() : Optional.of(new Executables(chromium, driver));
    }

    /**
     * The executables; when missing, aborts the calling test (JUnit: skipped, with {@link #MISSING}) or, with
     * {@code TGDESK_REQUIRE_BROWSER=1}, fails it. Call it from {@code @BeforeEach} (too) so that every skipped test
     * is reported as skipped with the message; from {@code @BeforeAll} alone JUnit skips the class silently.
     */
    public static Executables require() {
        return available().orElseThrow(() -> new TestAbortedException(MISSING));
    }

    /**
     * The executables, or empty (said once on stderr) when missing; with {@code TGDESK_REQUIRE_BROWSER=1} a missing
     * browser throws instead.
     */
    public static Optional<Executables> available() {
        Optional<Executables> found = find();
        if (found.isEmpty()) {
            if ("1".equals(System.getenv(REQUIRE_ENV))) {
                throw new IllegalStateException(MISSING.replace("; browser tests skipped", "") + " and " + REQUIRE_ENV + "=1");
            }
            if (!toldMissing) {
                toldMissing = true;
                System.err.println("[WARNING] " + MISSING);
            }
        }
        return found;
    }

    private static volatile boolean toldMissing;

    private static Path configured(String env, String property, String... candidates) {
        String explicit = System.getProperty(property, System.getenv(env));
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit.strip());
            return Files.isExecutable(p) ? p : null;
        }
        for (String c : candidates) {
            if (c.startsWith("/")) {
                if (Files.isExecutable(Path.of(c))) return Path.of(c);
                continue;
            }
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path p = Path.of(dir, c);
                if (Files.isExecutable(p)) return p;
            }
        }
        return null;
    }

    /** Starts a headless Chromium (1400×900, fresh profile) with one tab on about:blank. */
    public static Browser start(String name) {
        Executables exe = require();
        silenceSeleniumWarnings();
        Path profile;
        Path logs = Path.of("target", "browser-logs");
        try {
            profile = Files.createTempDirectory("tgdesk-chromium-");
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(exe.chromium().toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + WIDTH + "," + HEIGHT,
                "--lang=en-US", "--force-device-scale-factor=1");
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(exe.chromedriver().toFile())
                .usingAnyFreePort()
                .withLogFile(logs.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-chromedriver.log").toFile())
                .build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
        Browser browser = new Browser(name, service, driver, profile);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        browser.adopt(driver.getWindowHandle(), "tab-1");
        return browser;
    }

    private static void silenceSeleniumWarnings() {
        // "Unable to find CDP implementation matching …": we only use executeCdpCommand, which needs none
        Logger.getLogger("org.openqa.selenium.devtools").setLevel(Level.SEVERE);
        Logger.getLogger("org.openqa.selenium.chromium").setLevel(Level.SEVERE);
    }

    private Tab adopt(String handle, String tabName) {
        Tab tab = new Tab(this, handle, tabName);
        tabs.add(tab);
        current = tab;
        // the probe runs before any script of every later document in this tab, frames included
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", Probe.SCRIPT));
        // headless windows keep room for (invisible) browser chrome: make the page itself exactly WIDTH×HEIGHT
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", WIDTH, "height", HEIGHT, "deviceScaleFactor", 1, "mobile", false));
        return tab;
    }

    // ---------------------------------------------------------------- tabs

    public String name() {
        return name;
    }

    /** The first tab. */
    public Tab tab() {
        return tabs.getFirst();
    }

    /** Another window of this browser (same profile and storage), opened on about:blank. */
    public Tab newTab(String tabName) {
        driver.switchTo().newWindow(WindowType.WINDOW);
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(WIDTH, HEIGHT));
        return adopt(driver.getWindowHandle(), tabName);
    }

    public List<Tab> tabs() {
        return List.copyOf(tabs);
    }

    /** The underlying driver (switched to whichever tab was used last). */
    public ChromeDriver driver() {
        return driver;
    }

    void activate(Tab tab) {
        if (current != tab) {
            driver.switchTo().window(tab.handle());
            current = tab;
        }
    }

    /** Chrome's own console log (network failures, CSP, …) since the last call, across tabs; empty if unsupported. */
    public List<String> consoleLog() {
        try {
            List<String> out = new ArrayList<>();
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                out.add(e.getLevel() + " " + e.getMessage());
            }
            return out;
        } catch (WebDriverException | UnsupportedOperationException e) {
            return List.of();
        }
    }

    /** Whether a native alert/confirm/prompt is open in the current tab (the probe normally swallows alerts). */
    public Optional<String> openAlert() {
        try {
            return Optional.of(driver.switchTo().alert().getText());
        } catch (NoAlertPresentException e) {
            return Optional.empty();
        }
    }

    /** Saves a PNG of every tab under {@code dir} as {@code <prefix>-<tab>.png}; best effort (for failures). */
    public void screenshotAll(Path dir, String prefix) {
        for (Tab t : tabs) {
            try {
                t.screenshot(dir.resolve(prefix + "-" + name + "-" + t.name() + ".png"));
                Files.writeString(dir.resolve(prefix + "-" + name + "-" + t.name() + ".html"), t.html());
            } catch (RuntimeException | IOException ignored) {
                // a failure screenshot must not hide the failure
            }
        }
    }

    byte[] screenshotBytes() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    By byTestId(String testId) {
        return By.cssSelector(TestIds.css(testId));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } catch (RuntimeException ignored) {
            // the browser may already be gone
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    @Override
    public String toString() {
        return "Browser[" + name + ", tabs=" + tabs.stream().map(Tab::name).toList() + "]";
    }
}
