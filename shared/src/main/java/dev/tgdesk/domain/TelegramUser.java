package dev.tgdesk.domain;

/** A Telegram user (a person or a bot) as it appears in {@code from}, {@code new_chat_member} and similar fields. */
public record TelegramUser(
        long id,
        boolean isBot,
        String firstName,
        String lastName,
        String username,
        String languageCode) {

    /** "First Last", or the username, or the id: what an operator sees as the contact's name. */
    public String displayName() {
        String full = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).strip();
        if (!full.isEmpty()) return full;
        if (username != null && !username.isEmpty()) return "@" + username;
        return Long.toString(id);
    }
}
