package dev.tgdesk.local.browser;

import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.util.List;

/** The simulated Telegram (/telegram/) as the tests drive it, by the data-testid contract only. */
public final class SimulatorPage {

    private final Tab tab;
    private final URI url;

    public SimulatorPage(Tab tab, URI url) {
        this.tab = tab;
        this.url = url;
    }

    public Tab tab() {
        return tab;
    }

    public SimulatorPage open() {
        tab.open(url);
        tab.$("sim-user-create");
        return this;
    }

    /**
     * Creates a user and returns their chat id: the value of {@code sim-chat-select}'s option for them (the one whose
     * label contains {@code name}), which is then selected.
     */
    public long createUser(String name, String username, String language) {
        tab.type("sim-user-name", name);
        tab.type("sim-user-username", username);
        tab.select("sim-user-lang", language);
        tab.click("sim-user-create");
        return selectChat(name, "@" + username);
    }

    /** Selects the chat whose option label contains one of {@code labels}; returns its chat id. */
    public long selectChat(String... labels) {
        String value = tab.until("a chat " + List.of(labels) + " in sim-chat-select", Browser.WAIT, () -> {
            WebElement select = tab.firstVisible("sim-chat-select");
            if (select == null) return null;
            for (WebElement o : new Select(select).getOptions()) {
                String text = tab.textOf(o);
                for (String label : labels) {
                    if (text.contains(label)) return o.getDomProperty("value");
                }
            }
            return null;
        });
        if (!value.equals(tab.value("sim-chat-select"))) tab.select("sim-chat-select", value);
        tab.$("sim-input");
        return Long.parseLong(value);
    }

    /** Creates a group of these users (their chat ids = user ids); returns the group's chat id. */
    public long createGroup(String title, List<Long> memberIds) {
        tab.type("sim-group-title", title);
        tab.selectAll("sim-group-members", memberIds.stream().map(String::valueOf).toList());
        tab.click("sim-group-create");
        return selectChat(title);
    }

    /** In a group chat: who writes next. */
    public SimulatorPage sender(long userId) {
        tab.select("sim-sender-select", Long.toString(userId));
        return this;
    }

    /** Sends a text in the selected chat and waits until it shows as the user's message. */
    public SimulatorPage send(String text) {
        tab.type("sim-input", text);
        tab.click("sim-send");
        awaitMessage("user", text);
        return this;
    }

    /** Waits for a message from "user" or "bot" with this text. */
    public WebElement awaitMessage(String from, String text) {
        return tab.until("a " + from + " message \"" + text + "\" in the simulator", Browser.WAIT, () -> {
            for (WebElement m : tab.$$("@sim-messages @sim-message[data-from='" + from + "']")) {
                List<WebElement> t = m.findElements(org.openqa.selenium.By.cssSelector(TestIds.css("sim-text")));
                if (!t.isEmpty() && tab.textOf(t.getFirst()).strip().equals(text)) return m;
            }
            return null;
        });
    }
}
