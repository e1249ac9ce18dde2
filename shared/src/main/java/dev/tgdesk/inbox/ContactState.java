package dev.tgdesk.inbox;

/**
 * What the webhook needs to know about a contact before storing anything: {@code blocked} is the
 * operators' block (the bot ignores the contact), {@code botBlocked} means the user blocked the bot.
 */
public record ContactState(long userId, boolean blocked, boolean botBlocked) {
}
