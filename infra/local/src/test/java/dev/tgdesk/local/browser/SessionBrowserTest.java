package dev.tgdesk.local.browser;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.local.LocalRuntime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Signing in and out, a session across reloads, a token the API no longer accepts, and the language switch. */
class SessionBrowserTest extends BrowserTestBase {

    static final String EMAIL = LocalRuntime.DEFAULT_ADMIN_EMAIL;
    static final String PASSWORD = LocalRuntime.DEFAULT_ADMIN_PASSWORD;
    static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]{8,}\\.([A-Za-z0-9_-]{8,})\\.[A-Za-z0-9_-]{8,}");
    static final Pattern CYRILLIC = Pattern.compile("[А-Яа-яЁё]");
    /** Labels as web/i18n/{en,ru}.js have them ('login.submit', 'nav.chats'); a nav item may carry a counter too. */
    static final String SIGN_IN_EN = "Sign in";
    static final String SIGN_IN_RU = "Войти";
    static final String CHATS_RU = "Чаты";

    @BeforeEach
    void signedOut() {
        inbox.open();
        if (inbox.signedIn()) inbox.signOut();
    }

    @Test
    void aSessionSurvivesAReloadAndEndsWithLogout() {
        inbox.submitLogin(EMAIL, "not-the-password");
        inbox.tab().$("login-error");
        assertFalse(inbox.signedIn(), "a wrong password does not sign in");

        inbox.signIn(EMAIL, PASSWORD);
        inbox.tab().reload();
        inbox.awaitLoaded();
        assertTrue(inbox.signedIn(), "still signed in after a reload");
        inbox.tab().$("dialog-list");
        assertFalse(inbox.tab().visible("login-email"));
        inbox.awaitConnection("online");

        inbox.signOut();
        inbox.tab().reload();
        inbox.awaitLoaded();
        assertFalse(inbox.signedIn(), "signed out for good: a reload shows the login form");
        inbox.awaitLoginForm();
    }

    @Test
    void anExpiredTokenReturnsToTheLoginForm() throws Exception {
        inbox.signIn(EMAIL, PASSWORD);
        // the stored token, made to expire an hour ago (its signature no longer matches: the API refuses it like an expired one)
        rewriteStoredToken(token -> {
            Matcher m = JWT.matcher(token);
            if (!m.matches()) throw new IllegalStateException(token);
            try {
                ObjectNode payload = (ObjectNode) Api.JSON.readTree(Base64.getUrlDecoder().decode(m.group(1)));
                payload.put("exp", Instant.now().minusSeconds(3600).getEpochSecond());
                String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(Api.JSON.writeValueAsBytes(payload));
                return token.substring(0, m.start(1)) + encoded + token.substring(m.end(1));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        inbox.tab().reload();
        inbox.awaitLoaded();
        inbox.awaitLoginForm();
        assertFalse(inbox.signedIn());

        // a garbled token too
        inbox.signIn(EMAIL, PASSWORD);
        rewriteStoredToken(token -> token.substring(0, token.length() - 6) + "AAAAAA");
        inbox.tab().reload();
        inbox.awaitLoaded();
        inbox.awaitLoginForm();

        // and signing in again works
        inbox.signIn(EMAIL, PASSWORD);
    }

    @Test
    void switchingToRussianShowsRussianLabels() {
        inbox.signIn(EMAIL, PASSWORD);
        inbox.tab().select("lang-switch", "en");
        String chatsEn = inbox.tab().text("nav-chats");
        String bodyEn = inbox.tab().bodyText();
        assertFalse(CYRILLIC.matcher(chatsEn).find(), "English first: " + chatsEn);

        inbox.tab().select("lang-switch", "ru");
        inbox.tab().until("nav-chats in Russian", () -> inbox.tab().text("nav-chats").contains(CHATS_RU));
        assertNotEquals(bodyEn, inbox.tab().bodyText());
        assertTrue(CYRILLIC.matcher(inbox.tab().text("nav-groups")).find(), inbox.tab().text("nav-groups"));

        // the choice is remembered: the login form is in Russian too, and can be switched back there
        inbox.signOut();
        inbox.tab().waitText("login-submit", SIGN_IN_RU);
        inbox.tab().select("lang-switch", "en");
        inbox.tab().waitText("login-submit", SIGN_IN_EN);
        inbox.signIn(EMAIL, PASSWORD);
        inbox.tab().waitText("nav-chats", chatsEn);
    }

    /** Rewrites the session token wherever the client keeps it (localStorage or sessionStorage, alone or inside JSON). */
    private void rewriteStoredToken(UnaryOperator<String> change) {
        List<String> found = new ArrayList<>();
        for (String storage : List.of("localStorage", "sessionStorage")) {
            Object raw = inbox.tab().js("const s = window[arguments[0]], o = {}; for (let i = 0; i < s.length; i++) o[s.key(i)] = s.getItem(s.key(i)); return o;", storage);
            if (!(raw instanceof Map<?, ?> items)) continue;
            for (Map.Entry<?, ?> e : items.entrySet()) {
                String value = String.valueOf(e.getValue());
                Matcher m = JWT.matcher(value);
                if (!m.find()) continue;
                String changed = value.substring(0, m.start()) + change.apply(m.group()) + value.substring(m.end());
                inbox.tab().js("window[arguments[0]].setItem(arguments[1], arguments[2])", storage, e.getKey(), changed);
                found.add(storage + "." + e.getKey());
            }
        }
        if (found.isEmpty()) {
            fail("no token found in localStorage/sessionStorage: " + inbox.tab().localStorage().keySet()
                    + " (the session must survive a reload, so the client keeps it there)");
        }
        assertEquals(1, found.size(), "one stored token: " + found);
    }
}
