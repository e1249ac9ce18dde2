package dev.tgdesk.local.browser;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Selectors by {@code data-testid}. A query is either a bare test id ({@code "composer-input"}) or a CSS selector
 * in which {@code @name} stands for {@code [data-testid="name"]}: {@code "@dialog-row[data-chat-id='42']"},
 * {@code "@history @entry[data-direction=out]"}.
 */
public final class TestIds {

    private static final Pattern BARE = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern AT = Pattern.compile("@([a-z0-9][a-z0-9-]*)");

    private TestIds() {
    }

    public static String css(String query) {
        if (BARE.matcher(query).matches()) return attr(query);
        Matcher m = AT.matcher(query);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(attr(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String attr(String id) {
        return "[data-testid=\"" + id + "\"]";
    }
}
