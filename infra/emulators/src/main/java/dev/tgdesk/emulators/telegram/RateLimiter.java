package dev.tgdesk.emulators.telegram;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One bot's flood control, plus the observed rates reported in {@link BotStats}. A chat gets a
 * token bucket (a short burst, then a steady rate); groups and the bot as a whole get sliding
 * windows, so "20 per minute" never admits more than 20 within any minute.
 */
final class RateLimiter {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private RateLimits limits;
    private final Map<Long, TokenBucket> chatBuckets = new HashMap<>();
    private final Map<Long, SlidingWindow> groupWindowLimits = new HashMap<>();
    private SlidingWindow globalWindowLimit;

    private final Map<Long, ArrayDeque<Long>> chatWindows = new HashMap<>();
    private final Map<Long, ArrayDeque<Long>> groupWindows = new HashMap<>();
    private final ArrayDeque<Long> globalWindow = new ArrayDeque<>();
    private long messagesSent;
    private long tooManyRequests;
    private int maxPerChatPerSecond;
    private int maxPerGroupPerMinute;
    private int maxGlobalPerSecond;

    RateLimiter(RateLimits limits) {
        setLimits(limits);
    }

    synchronized void setLimits(RateLimits limits) {
        this.limits = limits;
        chatBuckets.clear();
        groupWindowLimits.clear();
        globalWindowLimit = limits.globalPerSecond() > 0 ? new SlidingWindow(limits.globalPerSecond(), SECOND) : null;
    }

    synchronized RateLimits limits() {
        return limits;
    }

    /**
     * Admits one message if every applicable limit has room, and then counts it against all of them.
     *
     * @return 0 when the message may be sent, else the {@code retry_after} seconds (at least 1)
     */
    synchronized int acquire(long chatId, boolean group) {
        long now = System.nanoTime();
        TokenBucket chat = limits.perChatBurst() > 0 && limits.perChatPerSecond() > 0
                ? chatBuckets.computeIfAbsent(chatId,
                        id -> new TokenBucket(limits.perChatBurst(), limits.perChatPerSecond(), now))
                : null;
        SlidingWindow groupLimit = group && limits.perGroupPerMinute() > 0
                ? groupWindowLimits.computeIfAbsent(chatId, id -> new SlidingWindow(limits.perGroupPerMinute(), MINUTE))
                : null;
        long waitNanos = 0;
        if (chat != null) {
            waitNanos = chat.nanosUntilAvailable(now);
        }
        for (SlidingWindow window : new SlidingWindow[] {groupLimit, globalWindowLimit}) {
            if (window != null) {
                waitNanos = Math.max(waitNanos, window.nanosUntilAvailable(now));
            }
        }
        if (waitNanos > 0) {
            tooManyRequests++;
            return (int) Math.max(1, (waitNanos + SECOND - 1) / SECOND);
        }
        if (chat != null) {
            chat.take();
        }
        for (SlidingWindow window : new SlidingWindow[] {groupLimit, globalWindowLimit}) {
            if (window != null) {
                window.add(now);
            }
        }
        record(now, chatId, group);
        return 0;
    }

    /** Counts a 429 that did not come from the buckets (an injected fault). */
    synchronized void countTooManyRequests() {
        tooManyRequests++;
    }

    private void record(long now, long chatId, boolean group) {
        messagesSent++;
        maxPerChatPerSecond = Math.max(maxPerChatPerSecond,
                slide(chatWindows.computeIfAbsent(chatId, id -> new ArrayDeque<>()), now, SECOND));
        if (group) {
            maxPerGroupPerMinute = Math.max(maxPerGroupPerMinute,
                    slide(groupWindows.computeIfAbsent(chatId, id -> new ArrayDeque<>()), now, MINUTE));
        }
        maxGlobalPerSecond = Math.max(maxGlobalPerSecond, slide(globalWindow, now, SECOND));
    }

    /** Adds {@code now} and returns how many entries fall within the last {@code window}. */
    private static int slide(ArrayDeque<Long> times, long now, long window) {
        times.addLast(now);
        while (now - times.peekFirst() >= window) {
            times.removeFirst();
        }
        return times.size();
    }

    synchronized BotStats stats() {
        return new BotStats(messagesSent, tooManyRequests, maxPerChatPerSecond, maxPerGroupPerMinute,
                maxGlobalPerSecond);
    }

    synchronized void resetStats() {
        chatWindows.clear();
        groupWindows.clear();
        globalWindow.clear();
        messagesSent = 0;
        tooManyRequests = 0;
        maxPerChatPerSecond = 0;
        maxPerGroupPerMinute = 0;
        maxGlobalPerSecond = 0;
    }

    /** Admits at most {@code max} events within any {@code window}. */
    private static final class SlidingWindow {
        private final int max;
        private final long window;
        private final ArrayDeque<Long> times = new ArrayDeque<>();

        SlidingWindow(int max, long window) {
            this.max = max;
            this.window = window;
        }

        long nanosUntilAvailable(long now) {
            while (!times.isEmpty() && now - times.peekFirst() >= window) {
                times.removeFirst();
            }
            return times.size() < max ? 0 : times.peekFirst() + window - now;
        }

        void add(long now) {
            times.addLast(now);
        }
    }

    /** Holds up to {@code capacity} tokens, refilled continuously at {@code perSecond}. */
    private static final class TokenBucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long updatedAt;

        TokenBucket(double capacity, double perSecond, long now) {
            this.capacity = capacity;
            this.perNano = perSecond / SECOND;
            this.tokens = capacity;
            this.updatedAt = now;
        }

        long nanosUntilAvailable(long now) {
            tokens = Math.min(capacity, tokens + (now - updatedAt) * perNano);
            updatedAt = now;
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
        }

        void take() {
            tokens -= 1;
        }
    }
}
