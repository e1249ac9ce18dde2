package dev.tgdesk.emulators.telegram;

/**
 * Counters of one bot's sending, for tests and benchmarks.
 *
 * @param messagesSent           messages accepted
 * @param tooManyRequests        429 answers returned (by the rate limiter or an injected fault)
 * @param maxPerChatPerSecond    most messages accepted into one chat within any one-second window
 * @param maxPerGroupPerMinute   most messages accepted into one group within any one-minute window
 * @param maxGlobalPerSecond     most messages accepted within any one-second window overall
 */
public record BotStats(long messagesSent, long tooManyRequests, int maxPerChatPerSecond,
        int maxPerGroupPerMinute, int maxGlobalPerSecond) {
}
