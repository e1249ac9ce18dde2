package dev.tgdesk.local.browser;

import dev.tgdesk.emulators.telegram.FakeGroup;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.emulators.telegram.OutgoingMessage;
import dev.tgdesk.local.LocalRuntime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's day in the browser, against the real backend: a client writes from the simulated Telegram, the
 * dialog appears in the inbox, the operator takes over, replies (the client gets it from the bot), notes (the client
 * gets nothing), assigns a team and closes; and a reply in a group chat.
 */
class InboxWalkBrowserTest extends BrowserTestBase {

    /** From the client's "send" to the dialog's row in the open inbox. */
    static final Duration NEW_DIALOG_WITHIN = Duration.ofMillis(Long.getLong("tgdesk.browser.newDialogWithinMs", 1000));

    SimulatorPage simulator;

    SimulatorPage simulator() {
        if (simulator == null) simulator = new SimulatorPage(operator.newTab("simulator"), simulatorUrl());
        return simulator;
    }

    @Test
    void aClientWritesAndTheOperatorTakesOverRepliesNotesAssignsAndCloses() throws Exception {
        String u = unique();
        String teamName = "Walk team " + u;
        String teamId = api.call("POST", "/api/teams", admin, Map.of("name", teamName), 201).get("id").asText();
        // another open dialog: the open list must keep showing it while the walked one leaves
        FakeUser other = user("Olive", null, "olive_" + u);
        local.fakeBot().userSends(other, "Still open " + u);

        inbox.signIn(LocalRuntime.DEFAULT_ADMIN_EMAIL, LocalRuntime.DEFAULT_ADMIN_PASSWORD);
        inbox.awaitRow(other.id(), Duration.ofSeconds(15));

        // the client writes in the simulated Telegram
        SimulatorPage sim = simulator().open();
        String name = "Walker " + u;
        long chatId = sim.createUser(name, "walker_" + u, "en");
        String hello = "Hello, I need help with order " + u;
        sim.tab().type("sim-input", hello);
        long clicked = System.nanoTime();
        sim.tab().click("sim-send");

        // the dialog shows up in the open inbox by itself
        inbox.awaitRow(chatId, Duration.ofSeconds(15));
        Duration took = Duration.ofNanos(System.nanoTime() - clicked);
        System.out.println("[browser] the new dialog's row appeared " + took.toMillis() + " ms after the client's send");
        assertTrue(took.compareTo(NEW_DIALOG_WITHIN) <= 0, "the new dialog appeared after " + took.toMillis() + " ms");
        sim.awaitMessage("user", hello);
        assertTrue(inbox.tab().text(InboxPage.row(chatId) + " @row-title").contains(name));

        String dialogId = inbox.openDialog(chatId);
        inbox.awaitEntry(hello, "in");
        assertTrue(inbox.tab().text("dialog-title").contains(name), inbox.tab().text("dialog-title"));

        // takeover, then a reply the client receives from the bot
        inbox.takeOver();
        awaitDialog(dialogId, "the operator took over", d -> d.path("dialog").path("handler").asText().equals("operator"));
        String reply = "Hi " + name + ", this is the operator. Looking into order " + u;
        inbox.reply(reply);
        OutgoingMessage sent = awaitSentTo(chatId, reply);
        assertEquals(reply, seen(sent));
        inbox.awaitEntry(reply, "out");
        inbox.tab().until("the reply is marked sent", () -> inbox.entries(reply).stream().anyMatch(e -> e.status().equals("sent")));
        sim.awaitMessage("bot", reply);

        // a note: in the history, never in Telegram
        int sentBefore = local.fakeBot().sentTo(chatId).size();
        String note = "VIP client, handle with care " + u;
        inbox.note(note);
        awaitHistory(dialogId, note);
        Thread.sleep(1000); // a send would have reached the fake by now (the reply took far less)
        assertEquals(sentBefore, local.fakeBot().sentTo(chatId).size(), "nothing new was sent: " + local.fakeBot().sentTo(chatId));
        assertTrue(local.fakeBot().sentTo(chatId).stream().noneMatch(m -> String.valueOf(seen(m)).contains(note)));
        assertEquals("internal", inbox.entries(note).getFirst().direction());

        // assign the team
        inbox.tab().select("assign-team", teamId);
        awaitDialog(dialogId, "assigned to " + teamName, d -> d.path("dialog").path("team").asText().equals(teamId));
        inbox.tab().until("the assignees show the team", () -> inbox.tab().text("assignees").contains(teamName));

        // end it: it leaves the open list and is listed under closed
        inbox.closeDialog();
        awaitDialog(dialogId, "closed", d -> d.path("dialog").path("status").asText().equals("closed"));
        inbox.filterStatus("closed");
        inbox.awaitRow(chatId, Browser.WAIT);
        assertFalse(inbox.hasRow(other.id()), "the closed list shows no open dialog");
        inbox.filterStatus("open");
        inbox.awaitRow(other.id(), Browser.WAIT);
        inbox.tab().waitGone(InboxPage.row(chatId));
    }

    @Test
    void theOperatorRepliesInAGroupChat() throws Exception {
        String u = unique();
        FakeUser gina = user("Gina", null, "gina_" + u);
        FakeUser boris = user("Boris", null, "boris_" + u);
        FakeGroup group = local.fakeTelegram().addGroup("Partners " + u, gina, boris);
        local.fakeBot().addedToGroup(group, gina);

        inbox.signIn(LocalRuntime.DEFAULT_ADMIN_EMAIL, LocalRuntime.DEFAULT_ADMIN_PASSWORD);
        inbox.section("nav-groups");
        String question = "Who can help us with the invoice " + u + "?";
        local.fakeBot().userSends(boris, group, question);

        inbox.awaitRow(group.id(), Duration.ofSeconds(15));
        String rowText = inbox.tab().text(InboxPage.row(group.id()));
        assertTrue(rowText.contains("Partners " + u), rowText);
        inbox.openDialog(group.id());
        inbox.awaitEntry(question, "in");
        if (inbox.tab().visible("btn-takeover")) inbox.takeOver();
        String reply = "Boris, I will send it today " + u;
        inbox.reply(reply);
        OutgoingMessage sent = awaitSentTo(group.id(), reply);
        assertEquals(group.id(), sent.chatId());
        inbox.awaitEntry(reply, "out");
        assertTrue(local.fakeBot().sentTo(gina.id()).stream().noneMatch(m -> reply.equals(seen(m))), "only the group got it");
    }
}
