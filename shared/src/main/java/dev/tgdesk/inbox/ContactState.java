package dev.tgdesk.inbox;

import dev.tgdesk.domain.TelegramUser;

/**
 * What the webhook needs to know about a contact before storing anything: {@code blocked} is the
 * operators' block (the bot ignores the contact), {@code botBlocked} means the user blocked the bot.
 */
public record ContactState(long userId, boolean blocked, boolean botBlocked, TelegramUser profile) {

    /** True when the stored profile already says what Telegram just sent (so the contact needs no write). */
    public boolean sameProfile(TelegramUser user) {
        return profile != null && java.util.Objects.equals(profile.firstName(), user.firstName())
                && java.util.Objects.equals(profile.lastName(), user.lastName())
                && java.util.Objects.equals(profile.username(), user.username())
                && java.util.Objects.equals(profile.languageCode(), user.languageCode());
    }
}
