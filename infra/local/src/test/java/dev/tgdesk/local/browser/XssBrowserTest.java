package dev.tgdesk.local.browser;

import dev.tgdesk.emulators.telegram.FakeGroup;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.local.LocalRuntime;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything a Telegram user controls (names, username, texts, captions, file names, group titles) and what an
 * operator types is shown as text: no alert, no error, no element made from it (see {@link Xss#assertInert};
 * {@link BrowserHarnessTest#markupRenderedAsHtmlIsDetected()} proves that check catches innerHTML rendering).
 */
class XssBrowserTest extends BrowserTestBase {

    static final String[] CONTAINERS = {"dialog-list", "dialog-view", "history", "dialog-title", "contact-panel", "files-list"};

    @Test
    void markupFromAClientIsShownAsText() throws Exception {
        String u = unique();
        // first name, last name and username all carry markup (Telegram would never allow it in a username: we do not rely on that)
        FakeUser mallory = user(Xss.IMG, Xss.SCRIPT, "m" + u + Xss.IMG);
        String caption = Xss.IMG + " caption " + u;
        String fileName = Xss.IMG + Xss.SCRIPT + ".pdf";
        local.fakeBot().userSends(mallory, Xss.IMG);
        local.fakeBot().userSends(mallory, Xss.SCRIPT);
        local.fakeBot().userSendsPhoto(mallory, caption);
        local.fakeBot().userSendsDocument(mallory, fileName, "application/pdf", "%PDF-1.4 harmless".getBytes(StandardCharsets.UTF_8),
                Xss.SCRIPT + " document " + u);

        inbox.signIn(LocalRuntime.DEFAULT_ADMIN_EMAIL, LocalRuntime.DEFAULT_ADMIN_PASSWORD);
        inbox.awaitRow(mallory.id(), Duration.ofSeconds(15));
        assertTrue(inbox.tab().text(InboxPage.row(mallory.id()) + " @row-title").contains(Xss.IMG),
                "the row's title is the literal name: " + inbox.tab().text(InboxPage.row(mallory.id()) + " @row-title"));
        Xss.assertInert(inbox.tab(), CONTAINERS);

        String dialogId = inbox.openDialog(mallory.id());
        assertEquals(Xss.IMG, inbox.awaitEntry(Xss.IMG, "in").text());
        assertEquals(Xss.SCRIPT, inbox.awaitEntry(Xss.SCRIPT, "in").text());
        inbox.awaitEntry(caption, "in");
        inbox.awaitEntry(Xss.SCRIPT + " document " + u, "in");
        awaitHistory(dialogId, Xss.SCRIPT + " document " + u);
        inbox.tab().until("the file name shown as text", () -> inbox.tab().bodyText().contains(fileName));
        inbox.tab().until("the contact's name shown as text", () -> inbox.tab().text("contact-name").contains(Xss.IMG));
        assertTrue(inbox.tab().text("contact-name").contains(Xss.SCRIPT), inbox.tab().text("contact-name"));
        assertTrue(inbox.tab().text("contact-username").contains("m" + u + Xss.IMG), inbox.tab().text("contact-username"));
        assertTrue(inbox.tab().text("dialog-title").contains(Xss.IMG), inbox.tab().text("dialog-title"));
        Xss.assertInert(inbox.tab(), CONTAINERS);

        // what the operator types is text too, in the history and on the wire
        inbox.takeOver();
        inbox.reply(Xss.IMG);
        awaitSentTo(mallory.id(), Xss.IMG); // the client sees it literally too
        inbox.awaitEntry(Xss.IMG, "out");
        inbox.note(Xss.SCRIPT);
        Xss.assertInert(inbox.tab(), CONTAINERS);

        // and after a reload, rendered from the REST history instead of live events
        inbox.tab().reload();
        inbox.awaitLoaded();
        inbox.openDialog(mallory.id());
        inbox.awaitEntry(Xss.SCRIPT, "internal");
        assertEquals(2, inbox.entries(Xss.IMG).size(), "the client's and the operator's: " + inbox.entries());
        // bot messages go out as HTML with the name escaped: shown as the client sees them, not as entities
        assertTrue(inbox.entries().stream().noneMatch(e -> e.text().contains("&lt;") || e.text().contains("&gt;") || e.text().contains("&amp;")),
                "no escaped markup shown: " + inbox.entries());
        Xss.assertInert(inbox.tab(), CONTAINERS);
    }

    @Test
    void markupInAGroupTitleIsShownAsText() throws Exception {
        String u = unique();
        FakeUser member = user("Member " + u, null, "member_" + u);
        String title = Xss.IMG + Xss.SCRIPT + " " + u;
        FakeGroup group = local.fakeTelegram().addGroup(title, member);
        local.fakeBot().addedToGroup(group, member);
        local.fakeBot().userSends(member, group, Xss.IMG);

        inbox.signIn(LocalRuntime.DEFAULT_ADMIN_EMAIL, LocalRuntime.DEFAULT_ADMIN_PASSWORD);
        inbox.section("nav-groups");
        inbox.awaitRow(group.id(), Duration.ofSeconds(15));
        assertTrue(inbox.tab().text(InboxPage.row(group.id()) + " @row-title").contains(title));
        inbox.openDialog(group.id());
        inbox.awaitEntry(Xss.IMG, "in");
        assertTrue(inbox.tab().text("dialog-title").contains(title), inbox.tab().text("dialog-title"));
        Xss.assertInert(inbox.tab(), CONTAINERS);
    }
}
