package dev.tgdesk.scenario;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a "Write to chat" node posts: a Bot API {@code chat_id} (a number, or {@code @username} of a
 * public chat) and optionally a forum topic. Parsed from what people paste: {@code @support_team},
 * {@code t.me/support_team}, {@code https://t.me/support_team/42} (topic 42), a private supergroup link
 * {@code https://t.me/c/2111740617/42}, or a numeric id such as {@code -1002111740617}.
 */
public record ChatTarget(String chatId, Long threadId) {

    /** Telegram's rule for public usernames: 5–32 of a-z, 0-9 and _, starting with a letter. */
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{3,30}[A-Za-z0-9]");
    private static final Pattern NUMERIC = Pattern.compile("-?[0-9]{1,19}");
    private static final Pattern LINK = Pattern.compile(
            "(?:https?://)?(?:www\\.)?(?:t\\.me|telegram\\.me|telegram\\.dog)/(.+)", Pattern.CASE_INSENSITIVE);

    /** A target that cannot be used, with a message an admin can act on. */
    public static final class InvalidTarget extends IllegalArgumentException {
        InvalidTarget(String message) {
            super(message);
        }
    }

    public boolean isUsername() {
        return chatId.startsWith("@");
    }

    /** The numeric chat id, or null for an {@code @username} target. */
    public Long numericId() {
        return isUsername() ? null : Long.parseLong(chatId);
    }

    public static ChatTarget parse(String input) {
        if (input == null || input.isBlank()) throw new InvalidTarget("chat is empty: give @username, a t.me link or a numeric chat id");
        String s = input.strip();
        if (NUMERIC.matcher(s).matches()) {
            try {
                long id = Long.parseLong(s);
                if (id == 0) throw new InvalidTarget("chat id 0 does not exist");
                return new ChatTarget(Long.toString(id), null);
            } catch (NumberFormatException e) {
                throw new InvalidTarget("chat id " + s + " is out of range");
            }
        }
        if (s.startsWith("@")) return username(s.substring(1), null, input);
        Matcher link = LINK.matcher(s);
        if (link.matches()) return fromLinkPath(link.group(1), input);
        throw new InvalidTarget("\"" + input + "\" is not a chat: use @username, https://t.me/username or a numeric id like -1002111740617");
    }

    private static ChatTarget fromLinkPath(String path, String input) {
        String clean = path.split("[?#]", 2)[0];
        while (clean.endsWith("/")) clean = clean.substring(0, clean.length() - 1);
        String[] parts = clean.split("/");
        if (parts[0].startsWith("+") || parts[0].equalsIgnoreCase("joinchat"))
            throw new InvalidTarget("\"" + input + "\" is an invite link; the bot cannot post by invite link — add the bot to the chat and use its @username or numeric id");
        if (parts[0].equalsIgnoreCase("c")) {
            // private supergroup/channel link: t.me/c/<internal id>[/<topic or message>]
            if (parts.length < 2 || !parts[1].matches("[0-9]{1,16}"))
                throw new InvalidTarget("\"" + input + "\" is a t.me/c/ link without a chat number");
            return new ChatTarget("-100" + parts[1], parts.length >= 3 ? topic(parts[2], input) : null);
        }
        return username(parts[0], parts.length >= 2 ? topic(parts[1], input) : null, input);
    }

    private static ChatTarget username(String name, Long threadId, String input) {
        if (!USERNAME.matcher(name).matches() || name.contains("__"))
            throw new InvalidTarget("\"" + input + "\" is not a valid Telegram username (5–32 letters, digits or _, starting with a letter)");
        return new ChatTarget("@" + name.toLowerCase(Locale.ROOT), threadId);
    }

    private static Long topic(String part, String input) {
        if (!part.matches("[0-9]{1,10}") || Long.parseLong(part) == 0)
            throw new InvalidTarget("\"" + input + "\": \"" + part + "\" is not a topic number");
        return Long.parseLong(part);
    }
}
