package dev.tgdesk.scenario;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {{variable}}} templates as scenario texts use them: {@code Hello, {{first_name|friend}}!}.
 * A variable is looked up by name; when it is missing or blank the fallback after {@code |} is used
 * (or nothing). Text outside the braces is kept as it is; escaping for Telegram's HTML happens when
 * the message is sent, so values are inserted as plain text.
 */
public final class Template {

    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(?:\\|([^}]*))?}}");

    private Template() {
    }

    public static String render(String template, Function<String, String> values) {
        return render(template, values, Function.identity());
    }

    /**
     * Like {@link #render(String, Function)}, passing each looked-up value through {@code escape} (e.g.
     * {@link #escapeHtml}) while the template's own text and fallbacks are kept as written.
     */
    public static String render(String template, Function<String, String> values, Function<String, String> escape) {
        if (template == null) return "";
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 32);
        while (m.find()) {
            String value = values.apply(m.group(1));
            if (value == null || value.isBlank()) value = m.group(2) == null ? "" : m.group(2).strip();
            else value = escape.apply(value);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Escapes {@code & < > "} for Telegram's HTML parse mode. */
    public static String escapeHtml(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** True when the whole template is exactly one {@code {{variable}}} without fallback; returns its name or null. */
    public static String soleVariable(String template) {
        if (template == null) return null;
        Matcher m = VARIABLE.matcher(template.strip());
        return m.matches() && m.group(2) == null ? m.group(1) : null;
    }

    /** The variable names a template uses, e.g. to validate a scenario against known fields. */
    public static java.util.Set<String> variables(String template) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        if (template == null) return names;
        Matcher m = VARIABLE.matcher(template);
        while (m.find()) names.add(m.group(1));
        return names;
    }
}
