package dev.tgdesk.storage;

import java.util.Locale;

/**
 * The group chats the bot is in, listed on the ByStatus index in a partition of their own (CHAT items of
 * groups, supergroups and channels; private chats are never listed):
 *
 * <pre>
 * gsi1pk = B#{bot}#CHATS#group     gsi1sk = {title, lower case, first 100 chars}#{chatId}
 * </pre>
 *
 * A chat leaves the list when it migrated to a supergroup (the supergroup is listed instead) or when the bot
 * left or was removed (status {@code left}/{@code kicked}); it comes back when the bot is added again.
 */
public final class GroupIndex {

    private GroupIndex() {
    }

    public static String partition(String botId) {
        return "B#" + botId + "#CHATS#group";
    }

    public static String sort(String title, long chatId) {
        String t = title == null ? "" : title.strip().toLowerCase(Locale.ROOT);
        if (t.length() > 100) t = t.substring(0, 100);
        return t + "#" + chatId;
    }

    public static boolean botGone(String botStatus) {
        return "left".equals(botStatus) || "kicked".equals(botStatus);
    }
}
