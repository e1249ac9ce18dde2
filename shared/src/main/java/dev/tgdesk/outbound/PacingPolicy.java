package dev.tgdesk.outbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When the next message may go out, under the Bot API's flood limits (design.md §4): about one message per
 * second per chat with short bursts tolerated, 20 per minute per group or channel, about 30 per second per bot.
 *
 * <ul>
 * <li>Per chat: at most {@code perChatBurst} sends within any {@code perChatBurst × perChatInterval (+ margin)}
 *     window. With the defaults (3, 1 s) a chat gets up to three messages at once (a reply in parts, a reply and
 *     a follow-up), then one per second; Telegram's own counter is a token bucket of that size, which such a
 *     window never overruns.</li>
 * <li>Per group ({@linkplain #isGroup negative chat id or @username}): in addition, at most
 *     {@code perGroupPerMinute} within any minute (+ margin).</li>
 * <li>Per bot, across every sender instance: {@link #globalBudgetPerSecond()} send slots per second, evenly
 *     spaced (see {@link RateLedger#reserve}). One slot below Telegram's 30 is kept in reserve so that network
 *     jitter between slot time and arrival cannot put 31 sends into one sliding second.</li>
 * </ul>
 *
 * @param margin           added to every window, against clock and network jitter
 * @param maxInProcessWait longest wait a sender sleeps through; a longer one goes back to the queue
 */
public record PacingPolicy(int perChatBurst, Duration perChatInterval, int perGroupPerMinute, int globalPerSecond,
                           int globalReserve, Duration margin, Duration maxInProcessWait) {

    public static final Duration MINUTE = Duration.ofMinutes(1);

    public PacingPolicy {
        if (perChatBurst < 1 || perGroupPerMinute < 1 || globalPerSecond - globalReserve < 1) {
            throw new IllegalArgumentException("limits must allow at least one send");
        }
    }

    /** Telegram's published limits: 3 at once then 1/s per chat, 20/min per group, 29 of 30/s per bot. */
    public static PacingPolicy telegram() {
        return new PacingPolicy(3, Duration.ofSeconds(1), 20, 30, 1, Duration.ofMillis(150), Duration.ofMillis(1500));
    }

    /** Groups, supergroups and channels have negative ids; only they can be addressed by @username. */
    public static boolean isGroup(String chatId) {
        return chatId.startsWith("-") || chatId.startsWith("@");
    }

    /** Send slots per second shared by all senders of one bot. */
    public int globalBudgetPerSecond() {
        return globalPerSecond - globalReserve;
    }

    /**
     * The earliest time (epoch ms) the next message may go to a chat that received {@code recentSends}
     * (epoch ms, any order); {@code now} when nothing holds it back.
     */
    public long earliestSend(List<Long> recentSends, boolean group, long now) {
        List<Long> newestFirst = new ArrayList<>(recentSends);
        newestFirst.sort((a, b) -> Long.compare(b, a));
        long earliest = now;
        long chatWindow = perChatInterval.toMillis() * perChatBurst + margin.toMillis();
        if (newestFirst.size() >= perChatBurst) {
            earliest = Math.max(earliest, newestFirst.get(perChatBurst - 1) + chatWindow);
        }
        if (group && newestFirst.size() >= perGroupPerMinute) {
            earliest = Math.max(earliest, newestFirst.get(perGroupPerMinute - 1) + MINUTE.toMillis() + margin.toMillis());
        }
        return earliest;
    }

    /** {@code recentSends} plus one at {@code at}, keeping only what {@link #earliestSend} can still need. */
    public List<Long> withSend(List<Long> recentSends, long at, boolean group) {
        List<Long> all = new ArrayList<>(recentSends);
        all.add(at);
        all.sort((a, b) -> Long.compare(b, a));
        int keep = group ? Math.max(perChatBurst, perGroupPerMinute) : perChatBurst;
        List<Long> kept = new ArrayList<>(all.subList(0, Math.min(keep, all.size())));
        kept.sort(Long::compare);
        return kept;
    }
}
