package dev.tgdesk.local.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One window of a {@link Browser}. Every method first switches the driver to this window, so tests can interleave
 * two tabs freely; elements it returns belong to this window (use them before touching another tab).
 *
 * <p>Queries are test ids or CSS with {@code @id} shorthands (see {@link TestIds}); the waiting ones wait up to
 * {@link Browser#WAIT} unless given a timeout.
 */
public final class Tab {

    private final Browser browser;
    private final String handle;
    private final String name;

    Tab(Browser browser, String handle, String name) {
        this.browser = browser;
        this.handle = handle;
        this.name = name;
    }

    public String name() {
        return name;
    }

    String handle() {
        return handle;
    }

    public Browser browser() {
        return browser;
    }

    private Tab on() {
        browser.activate(this);
        return this;
    }

    // ---------------------------------------------------------------- navigation

    public Tab open(URI url) {
        return open(url.toString());
    }

    public Tab open(String url) {
        on();
        browser.driver().get(url);
        return this;
    }

    public Tab reload() {
        on();
        browser.driver().navigate().refresh();
        return this;
    }

    public String url() {
        return on().browser.driver().getCurrentUrl();
    }

    public String html() {
        return on().browser.driver().getPageSource();
    }

    // ---------------------------------------------------------------- finding

    /** The first element matching, once it is displayed. */
    public WebElement $(String query) {
        return $(query, Browser.WAIT);
    }

    public WebElement $(String query, Duration timeout) {
        return until("visible " + query, timeout, () -> firstVisible(query));
    }

    /** The first displayed match now, or null (no wait). */
    public WebElement firstVisible(String query) {
        for (WebElement e : $$(query)) {
            if (e.isDisplayed()) return e;
        }
        return null;
    }

    /** The first element matching, once it exists (displayed or not: hidden inputs, closed panels). */
    public WebElement present(String query) {
        By by = By.cssSelector(TestIds.css(query));
        return until("present " + query, Browser.WAIT, () -> browser.driver().findElements(by).stream().findFirst().orElse(null));
    }

    /** All elements matching now (no wait). */
    public List<WebElement> $$(String query) {
        return on().browser.driver().findElements(By.cssSelector(TestIds.css(query)));
    }

    public int count(String query) {
        return $$(query).size();
    }

    /** Whether a displayed element matches now (no wait). */
    public boolean visible(String query) {
        try {
            return $$(query).stream().anyMatch(WebElement::isDisplayed);
        } catch (StaleElementReferenceException e) {
            return false;
        }
    }

    /** Waits until nothing displayed matches. */
    public void waitGone(String query) {
        waitGone(query, Browser.WAIT);
    }

    public void waitGone(String query, Duration timeout) {
        until("no visible " + query, timeout, () -> visible(query) ? null : Boolean.TRUE);
    }

    /** The displayed element matching {@code query} whose textContent equals {@code text}. */
    public WebElement withText(String query, String text) {
        return withText(query, text, Browser.WAIT);
    }

    public WebElement withText(String query, String text, Duration timeout) {
        return until(query + " with text " + quote(text), timeout, () -> {
            for (WebElement e : $$(query)) {
                if (text.equals(textOf(e).strip()) && e.isDisplayed()) return e;
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- acting

    /** Clicks the first displayed, enabled match (found again if the page re-rendered it meanwhile). */
    public Tab click(String query) {
        until("clickable " + query, Browser.WAIT, () -> {
            WebElement v = firstVisible(query);
            if (v == null || !v.isEnabled()) return null;
            v.click();
            return Boolean.TRUE;
        });
        return this;
    }

    /**
     * Clears the field and types {@code text} (use {@link Keys} values in {@code extra} for Enter, Tab, …); starts
     * over if the page re-rendered the field meanwhile.
     */
    public Tab type(String query, CharSequence text, CharSequence... extra) {
        until("typing into " + query, Browser.WAIT, () -> {
            WebElement e = firstVisible(query);
            if (e == null) return null;
            e.clear();
            e.sendKeys(text);
            if (extra.length > 0) e.sendKeys(extra);
            return Boolean.TRUE;
        });
        return this;
    }

    /** Sends keys without clearing first. */
    public Tab keys(String query, CharSequence... keys) {
        until("keys into " + query, Browser.WAIT, () -> {
            WebElement e = firstVisible(query);
            if (e == null) return null;
            e.sendKeys(keys);
            return Boolean.TRUE;
        });
        return this;
    }

    /** Chooses the option with this value in a {@code <select>} (waits for the option to exist). */
    public Tab select(String query, String value) {
        until("option " + quote(value) + " in " + query, Browser.WAIT, () -> {
            WebElement e = firstVisible(query);
            if (e == null) return null;
            Select select = new Select(e);
            if (select.getOptions().stream().noneMatch(o -> value.equals(o.getDomProperty("value")))) return null;
            select.selectByValue(value);
            return Boolean.TRUE;
        });
        return this;
    }

    /** Selects several options of a multi-select by value (the others are deselected). */
    public Tab selectAll(String query, List<String> values) {
        until("options " + values + " in " + query, Browser.WAIT, () -> {
            WebElement e = firstVisible(query);
            if (e == null) return null;
            Select select = new Select(e);
            List<String> have = select.getOptions().stream().map(o -> o.getDomProperty("value")).toList();
            if (!have.containsAll(values)) return null;
            select.deselectAll();
            for (String v : values) select.selectByValue(v);
            return Boolean.TRUE;
        });
        return this;
    }

    /** Sets a checkbox to {@code checked} by clicking it when it differs. */
    public Tab check(String query, boolean checked) {
        By by = By.cssSelector(TestIds.css(query));
        until(query + (checked ? " checked" : " unchecked"), Browser.WAIT, () -> {
            List<WebElement> found = browser.driver().findElements(by);
            if (found.isEmpty()) return null;
            WebElement box = found.getFirst();
            if (box.isSelected() == checked) return Boolean.TRUE;
            if (box.isDisplayed()) box.click();
            else browser.js("arguments[0].click()", box); // a styled toggle over a hidden checkbox
            return null;
        });
        return this;
    }

    /** Sets a file input (visible or not). */
    public Tab attach(String query, Path file) {
        present(query).sendKeys(file.toAbsolutePath().toString());
        return this;
    }

    // ---------------------------------------------------------------- reading

    /** The textContent of the first displayed match (stripped). */
    public String text(String query) {
        return until("text of " + query, Browser.WAIT, () -> {
            WebElement e = firstVisible(query);
            return e == null ? null : textOf(e).strip();
        });
    }

    /** The textContent of every match now, in document order (stripped). */
    public List<String> texts(String query) {
        return $$(query).stream().map(e -> textOf(e).strip()).toList();
    }

    public String attr(String query, String attribute) {
        By by = By.cssSelector(TestIds.css(query));
        return until("attribute " + attribute + " of " + query, Browser.WAIT, () -> {
            List<WebElement> found = browser.driver().findElements(by);
            return found.isEmpty() ? null : java.util.Optional.ofNullable(found.getFirst().getDomAttribute(attribute));
        }).orElse(null);
    }

    /** The live {@code value} of an input/select/textarea. */
    public String value(String query) {
        By by = By.cssSelector(TestIds.css(query));
        return until("value of " + query, Browser.WAIT, () -> {
            List<WebElement> found = browser.driver().findElements(by);
            return found.isEmpty() ? null : java.util.Optional.ofNullable(found.getFirst().getDomProperty("value"));
        }).orElse(null);
    }

    public String textOf(WebElement e) {
        on();
        Object t = browser.js("return arguments[0].textContent", e);
        return t == null ? "" : t.toString();
    }

    /** Waits until the first displayed match's textContent equals {@code expected}. */
    public Tab waitText(String query, String expected) {
        until(query + " text " + quote(expected), Browser.WAIT, () -> {
            WebElement e = firstVisible(query);
            return e != null && expected.equals(textOf(e).strip()) ? Boolean.TRUE : null;
        });
        return this;
    }

    /** Waits until an element matching {@code query} has the attribute with this value. */
    public Tab waitAttr(String query, String attribute, String expected) {
        until(query + " " + attribute + "=" + quote(expected), Browser.WAIT, () -> {
            for (WebElement e : $$(query)) {
                if (expected.equals(e.getDomAttribute(attribute))) return Boolean.TRUE;
            }
            return null;
        });
        return this;
    }

    /** Runs a script in this tab (its return value as Selenium maps it). */
    public Object js(String script, Object... args) {
        on();
        return browser.js(script, args);
    }

    /** The document's visible text. */
    public String bodyText() {
        Object t = js("return document.body ? document.body.innerText : ''");
        return t == null ? "" : t.toString();
    }

    /** This origin's localStorage. */
    @SuppressWarnings("unchecked")
    public Map<String, String> localStorage() {
        Object raw = js("const o = {}; for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i); o[k] = localStorage.getItem(k); } return o;");
        return raw instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, String>) m) : Map.of();
    }

    public Tab setLocalStorage(String key, String value) {
        js("localStorage.setItem(arguments[0], arguments[1])", key, value);
        return this;
    }

    // ---------------------------------------------------------------- the probe, screenshots, network

    /** Everything the {@link Probe} recorded in this tab so far (across reloads), oldest first. */
    public List<Probe.Event> probe() {
        return Probe.parse(js(Probe.READ));
    }

    /** Uncaught exceptions and unhandled rejections. */
    public List<Probe.Event> jsErrors() {
        return probe().stream().filter(Probe.Event::isJsError).toList();
    }

    /** alert/confirm/prompt calls. */
    public List<Probe.Event> dialogs() {
        return probe().stream().filter(Probe.Event::isDialog).toList();
    }

    public Tab clearProbe() {
        js(Probe.CLEAR);
        return this;
    }

    /** A PNG of the window's viewport ({@link Browser#WIDTH}×{@link Browser#HEIGHT}). */
    public Path screenshot(Path file) {
        on();
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.write(file, browser.screenshotBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Cuts this tab off the network ({@code true}) or restores it, with CDP's network emulation: requests and new
     * WebSocket handshakes fail at once as with no network, but a WebSocket that is already open stays open (Chromium
     * 150): drop it server-side too (LocalTestAccess.killWebSocket) for a real network loss.
     */
    public Tab offline(boolean offline) {
        on();
        browser.driver().executeCdpCommand("Network.enable", Map.of());
        browser.driver().executeCdpCommand("Network.emulateNetworkConditions", Map.of(
                "offline", offline, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
        return this;
    }

    // ---------------------------------------------------------------- waiting

    /** Polls {@code probe} (in this tab) until it returns non-null / true; fails with {@code what} and the timeout. */
    public <T> T until(String what, Duration timeout, Supplier<T> probe) {
        on();
        return new FluentWait<>(this).withTimeout(timeout).pollingEvery(Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class)
                .withMessage(() -> "in tab " + name + " (" + safeUrl() + ") waiting for " + what)
                .until((Function<Tab, T>) t -> {
                    t.on();
                    T v = probe.get();
                    return v instanceof Boolean b && !b ? null : v;
                });
    }

    public void until(String what, Supplier<Boolean> condition) {
        until(what, Browser.WAIT, condition);
    }

    private String safeUrl() {
        try {
            return browser.driver().getCurrentUrl();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    @Override
    public String toString() {
        return "Tab[" + browser.name() + "/" + name + "]";
    }
}
