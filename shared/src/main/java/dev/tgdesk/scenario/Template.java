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
        if (template == null) return "";
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 32);
        while (m.find()) {
            String value = values.apply(m.group(1));
            if (value == null || value.isBlank()) value = m.group(2) == null ? "" : m.group(2).strip();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
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
