package dev.tgdesk.emulators.telegram;

/**
 * Flood limits enforced per bot on sending methods, modelled on Telegram's published guidance: about
 * one message per second per chat (with a small burst), 20 per minute per group, 30 per second
 * overall. A value of 0 or less disables that limit.
 *
 * @param perChatBurst     token-bucket size for a single chat
 * @param perChatPerSecond refill rate of that bucket
 * @param perGroupPerMinute messages per minute into one group, supergroup or channel
 * @param globalPerSecond  messages per second across all chats
 */
public record RateLimits(int perChatBurst, double perChatPerSecond, int perGroupPerMinute, int globalPerSecond) {

    /** The defaults: burst 3 refilling 1/s per chat, 20/min per group, 30/s overall. */
    public static final RateLimits TELEGRAM = new RateLimits(3, 1.0, 20, 30);

    /** No limits at all. */
    public static final RateLimits NONE = new RateLimits(0, 0, 0, 0);

    public RateLimits withPerChat(int burst, double perSecond) {
        return new RateLimits(burst, perSecond, perGroupPerMinute, globalPerSecond);
    }

    public RateLimits withPerGroupPerMinute(int perMinute) {
        return new RateLimits(perChatBurst, perChatPerSecond, perMinute, globalPerSecond);
    }

    public RateLimits withGlobalPerSecond(int perSecond) {
        return new RateLimits(perChatBurst, perChatPerSecond, perGroupPerMinute, perSecond);
    }
}
