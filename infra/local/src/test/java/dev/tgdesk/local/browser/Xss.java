package dev.tgdesk.local.browser;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Markup that must stay text, and the check that it did. {@link BrowserHarnessTest} proves the check fails on a page
 * that renders the same payloads with innerHTML.
 */
public final class Xss {

    /** Runs its handler when parsed as HTML (innerHTML, insertAdjacentHTML, outerHTML…). */
    public static final String IMG = "<img src=x onerror=alert(1)>";
    /** Inert under innerHTML but not under document.write / jQuery's html(), and visible as a script element. */
    public static final String SCRIPT = "<script>alert(2)</script>";

    private Xss() {
    }

    /** Things in the page that only appear when data was rendered as markup. */
    static final String SIGNS = """
            const containers = arguments[0];
            const out = [];
            document.querySelectorAll('img').forEach(i => { if (i.getAttribute('src') === 'x') out.push('an <img src="x"> element: ' + i.outerHTML); });
            document.querySelectorAll('[onerror]').forEach(e => out.push('an element with an onerror attribute: ' + e.outerHTML.slice(0, 200)));
            document.querySelectorAll('script').forEach(s => { if (s.textContent.includes('alert(')) out.push('a script element calling alert: ' + s.outerHTML.slice(0, 200)); });
            containers.forEach(sel => document.querySelectorAll(sel).forEach(c => c.querySelectorAll('script, iframe, object, embed')
                .forEach(s => out.push('a ' + s.tagName.toLowerCase() + ' element inside ' + sel + ': ' + s.outerHTML.slice(0, 200)))));
            return out;
            """;

    /**
     * Fails if the tab shows any sign that markup from data ran or reached the DOM: an alert/confirm/prompt call, an
     * uncaught error, an {@code <img src="x">} (in the DOM or failed to load), an element with an {@code onerror}
     * attribute, a script calling alert, or a script/iframe/object/embed element inside one of {@code containers}
     * (test ids or {@link TestIds} queries, e.g. "history", "dialog-list").
     */
    public static void assertInert(Tab tab, String... containers) {
        List<String> problems = new ArrayList<>();
        tab.browser().openAlert().ifPresent(text -> problems.add("a native dialog is open: " + text));
        for (Probe.Event e : tab.probe()) {
            if (e.isDialog() || e.isJsError()) problems.add(e.toString());
            if (e.kind().equals("resource") && (e.url().endsWith("/x") || e.url().equals("x"))) problems.add("an image with src=x was loaded: " + e);
        }
        List<String> selectors = new ArrayList<>();
        for (String c : containers) selectors.add(TestIds.css(c));
        Object signs = tab.js(SIGNS, selectors);
        if (signs instanceof List<?> list) list.forEach(s -> problems.add(String.valueOf(s)));
        if (!problems.isEmpty()) {
            fail("markup from data was rendered as HTML in " + tab + ":\n  " + String.join("\n  ", problems));
        }
    }
}
