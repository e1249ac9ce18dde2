package dev.tgdesk.domain;

/**
 * {@code my_chat_member}: the bot's own membership changed. In a private chat {@code kicked} means the user
 * blocked the bot and {@code member} that they unblocked it; in groups it is the bot joining or leaving.
 */
public record ChatMemberChange(
        TelegramChat chat,
        TelegramUser from,
        TelegramUser member,
        String oldStatus,
        String newStatus,
        long date) {

    /** Statuses in which the bot can read and write the chat. */
    public boolean botIsPresent() {
        return switch (newStatus == null ? "" : newStatus) {
            case "member", "administrator", "creator", "restricted" -> true;
            default -> false;
        };
    }
}
