package dev.tgdesk.emulators.telegram;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;

/**
 * Telegram's {@code parse_mode=HTML}, as its server parses it: the supported tags must nest properly, {@code <}
 * must start a tag, and the few named entities plus numeric ones are decoded (an unknown {@code &name;} stays as
 * typed). Errors carry Telegram's "can't parse entities" texts with UTF-8 byte offsets.
 */
final class HtmlText {

    private static final Set<String> TAGS = Set.of("b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
            "span", "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji");

    private HtmlText() {
    }

    /** The visible text of {@code html}; throws ApiError 400 "can't parse entities: …" when malformed. */
    static String visible(String html) {
        StringBuilder out = new StringBuilder(html.length());
        Deque<String> open = new ArrayDeque<>();
        int i = 0;
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c == '&') {
                int semi = html.indexOf(';', i);
                int decoded = semi > i && semi - i <= 10 ? decode(html.substring(i + 1, semi)) : -1;
                if (decoded >= 0) {
                    out.appendCodePoint(decoded);
                    i = semi + 1;
                } else {
                    out.append('&');
                    i++;
                }
            } else if (c == '<') {
                int close = html.indexOf('>', i);
                boolean end = i + 1 < html.length() && html.charAt(i + 1) == '/';
                if (close < 0) {
                    throw error("Unclosed " + (end ? "end" : "start") + " tag at byte offset " + byteOffset(html, i));
                }
                if (end) {
                    String name = html.substring(i + 2, close).strip().toLowerCase(Locale.ROOT);
                    if (open.isEmpty()) throw error("Unexpected end tag at byte offset " + byteOffset(html, i));
                    if (!name.equals(open.peek())) {
                        throw error("Unmatched end tag at byte offset " + byteOffset(html, i) + ", expected \"</" + open.peek()
                                + ">\", found \"</" + name + ">\"");
                    }
                    open.pop();
                } else {
                    String inside = html.substring(i + 1, close);
                    int nameEnd = 0;
                    while (nameEnd < inside.length() && (Character.isLetterOrDigit(inside.charAt(nameEnd)) || inside.charAt(nameEnd) == '-')) {
                        nameEnd++;
                    }
                    String name = inside.substring(0, nameEnd).toLowerCase(Locale.ROOT);
                    if (name.isEmpty() || !TAGS.contains(name)
                            || name.equals("span") && !inside.substring(nameEnd).replace(" ", "").contains("class=\"tg-spoiler\"")) {
                        throw error("Unsupported start tag \"" + name + "\" at byte offset " + byteOffset(html, i));
                    }
                    open.push(name);
                }
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        if (!open.isEmpty()) throw error("Can't find end tag corresponding to start tag \"" + open.peek() + "\"");
        return out.toString();
    }

    private static int decode(String name) {
        switch (name) {
            case "lt":
                return '<';
            case "gt":
                return '>';
            case "amp":
                return '&';
            case "quot":
                return '"';
            default:
                break;
        }
        try {
            int cp = -1;
            if (name.startsWith("#x") || name.startsWith("#X")) cp = Integer.parseInt(name.substring(2), 16);
            else if (name.startsWith("#")) cp = Integer.parseInt(name.substring(1));
            return cp >= 0 && Character.isValidCodePoint(cp) ? cp : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int byteOffset(String s, int charIndex) {
        return s.substring(0, charIndex).getBytes(StandardCharsets.UTF_8).length;
    }

    private static ApiError error(String what) {
        return ApiError.badRequest("can't parse entities: " + what);
    }

    /** Characters as Telegram counts them for length limits (Unicode code points). */
    static int length(String visible) {
        return visible.codePointCount(0, visible.length());
    }
}
