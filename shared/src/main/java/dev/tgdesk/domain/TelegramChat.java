package dev.tgdesk.domain;

/** A Telegram chat: the user's private chat with the bot, a group, a supergroup or a channel. */
public record TelegramChat(
        long id,
        ChatType type,
        String title,
        String username,
        String firstName,
        String lastName,
        boolean isForum) {

    public enum ChatType {
        PRIVATE, GROUP, SUPERGROUP, CHANNEL;

        /** Telegram's {@code chat.type}; unknown future types are treated as groups rather than rejected. */
        public static ChatType fromTelegram(String type) {
            if (type == null) return null;
            return switch (type) {
                case "private" -> PRIVATE;
                case "group" -> GROUP;
                case "supergroup" -> SUPERGROUP;
                case "channel" -> CHANNEL;
                default -> GROUP;
            };
        }
    }

    public DialogKind dialogKind() {
        return switch (type) {
            case PRIVATE -> DialogKind.PRIVATE;
            case GROUP, SUPERGROUP -> DialogKind.GROUP;
            case CHANNEL -> DialogKind.CHANNEL;
        };
    }

    /** Title for groups and channels, the person's name for private chats. */
    public String displayName() {
        if (title != null && !title.isBlank()) return title;
        String full = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).strip();
        if (!full.isEmpty()) return full;
        if (username != null) return "@" + username;
        return Long.toString(id);
    }
}
