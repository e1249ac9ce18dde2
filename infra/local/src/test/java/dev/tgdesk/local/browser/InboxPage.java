package dev.tgdesk.local.browser;

import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The operator web client (web/index.html) as the tests drive it, by the data-testid contract only. Everything that
 * assumes more than the contract says (what appears after an action) is here, to adjust in one place.
 */
public final class InboxPage {

    private final Tab tab;
    private final URI url;

    public InboxPage(Tab tab, URI url) {
        this.tab = tab;
        this.url = url;
    }

    public Tab tab() {
        return tab;
    }

    // ---------------------------------------------------------------- session

    /** Opens the client and waits until it shows either the login form or the signed-in top bar. */
    public InboxPage open() {
        tab.open(url);
        return awaitLoaded();
    }

    public InboxPage awaitLoaded() {
        tab.until("the login form or the signed-in top bar", () -> tab.visible("login-email") || tab.visible("logout"));
        return this;
    }

    public boolean signedIn() {
        return tab.visible("logout");
    }

    /** Opens the client and signs in (unless already signed in), then waits for the inbox and a live connection. */
    public InboxPage signIn(String email, String password) {
        open();
        if (!signedIn()) {
            submitLogin(email, password);
        }
        tab.$("logout");
        tab.$("dialog-list");
        return awaitConnection("online");
    }

    /** Fills and submits the login form (no waiting for the outcome). */
    public InboxPage submitLogin(String email, String password) {
        tab.type("login-email", email);
        tab.type("login-password", password);
        tab.click("login-submit");
        return this;
    }

    public InboxPage signOut() {
        tab.click("logout");
        return awaitLoginForm();
    }

    public InboxPage awaitLoginForm() {
        tab.$("login-email");
        tab.$("login-submit");
        return this;
    }

    /** {@code conn-status}'s data-state: online, connecting or offline. */
    public String connection() {
        return tab.attr("conn-status", "data-state");
    }

    public InboxPage awaitConnection(String state) {
        return awaitConnection(state, Browser.WAIT);
    }

    public InboxPage awaitConnection(String state, Duration timeout) {
        tab.until("conn-status " + state, timeout, () -> state.equals(connection()));
        return this;
    }

    public InboxPage awaitConnectionNot(String state) {
        tab.until("conn-status not " + state, () -> !state.equals(connection()));
        return this;
    }

    // ---------------------------------------------------------------- the list

    public static String row(long chatId) {
        return "@dialog-row[data-chat-id='" + chatId + "']";
    }

    public InboxPage section(String nav) {
        tab.click(nav);
        tab.$("dialog-list");
        return this;
    }

    public WebElement awaitRow(long chatId, Duration timeout) {
        return tab.$(row(chatId), timeout);
    }

    public boolean hasRow(long chatId) {
        return tab.visible(row(chatId));
    }

    public InboxPage filterStatus(String status) {
        tab.select("filter-status", status);
        return this;
    }

    /** Clicks the chat's row and waits for its dialog view; returns the dialog id. */
    public String openDialog(long chatId) {
        String dialogId = tab.until("clicking the row of chat " + chatId, Browser.WAIT, () -> {
            WebElement row = tab.firstVisible(row(chatId));
            if (row == null) return null;
            String id = row.getDomAttribute("data-dialog-id");
            row.click();
            return id;
        });
        tab.waitAttr("dialog-view", "data-dialog-id", dialogId);
        tab.$("history");
        return dialogId;
    }

    // ---------------------------------------------------------------- the history

    /** One rendered history entry. */
    public record Entry(long seq, String direction, String type, String status, String text) {
    }

    private static final String ENTRIES = """
            return Array.from(document.querySelectorAll('[data-testid="history"] [data-testid="entry"]')).map(e => {
              const t = e.querySelector('[data-testid="entry-text"]');
              return { seq: e.getAttribute('data-seq') || '-1', direction: e.getAttribute('data-direction') || '',
                       type: e.getAttribute('data-type') || '', status: e.getAttribute('data-status') || '',
                       text: t ? t.textContent : '' };
            });
            """;

    /** The history's entries in document order. */
    public List<Entry> entries() {
        Object raw = tab.js(ENTRIES);
        if (!(raw instanceof List<?> list)) return List.of();
        return list.stream().map(o -> (Map<?, ?>) o).map(m -> new Entry(Long.parseLong(String.valueOf(m.get("seq"))),
                String.valueOf(m.get("direction")), String.valueOf(m.get("type")), String.valueOf(m.get("status")),
                String.valueOf(m.get("text")).strip())).toList();
    }

    public List<Entry> entries(String text) {
        return entries().stream().filter(e -> e.text().equals(text)).toList();
    }

    /** Waits for an entry with this text (and direction, when not null). */
    public Entry awaitEntry(String text, String direction) {
        return tab.until("a history entry " + (direction == null ? "" : direction + " ") + "\"" + text + "\"", Browser.WAIT,
                () -> entries(text).stream().filter(e -> direction == null || direction.equals(e.direction())).findFirst().orElse(null));
    }

    // ---------------------------------------------------------------- acting on the open dialog

    /** Types into the composer and presses Enter (note mode as it is). */
    public InboxPage typeAndEnter(String text) {
        tab.type("composer-input", text, Keys.ENTER);
        return this;
    }

    /** Sends a reply to the client (note mode off). */
    public InboxPage reply(String text) {
        tab.check("composer-mode", false);
        return typeAndEnter(text);
    }

    /** Adds an internal note (note mode on, then off again). */
    public InboxPage note(String text) {
        tab.check("composer-mode", true);
        typeAndEnter(text);
        awaitEntry(text, "internal");
        tab.check("composer-mode", false);
        return this;
    }

    public InboxPage takeOver() {
        tab.click("btn-takeover");
        tab.$("btn-giveback");
        return this;
    }

    public InboxPage closeDialog() {
        tab.click("btn-close");
        confirmIfAsked();
        tab.$("btn-reopen");
        return this;
    }

    /** Clicks confirm-ok when a confirmation dialog shows up within a moment. */
    public InboxPage confirmIfAsked() {
        try {
            tab.$("confirm-dialog", Duration.ofMillis(1500));
        } catch (org.openqa.selenium.TimeoutException notAsked) {
            return this;
        }
        tab.click("confirm-ok");
        tab.waitGone("confirm-dialog");
        return this;
    }
}
