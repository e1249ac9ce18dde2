package dev.tgdesk.outbound;

import java.util.List;

/** Shared send bookkeeping for pacing: per-chat recent sends and the per-bot global slot reservation. */
public interface RateLedger {

    /** Recent send times (epoch ms) to one chat, as last recorded; empty when none. */
    List<Long> recentSends(String botId, String chatId);

    /** Replaces the chat's recent send times (already trimmed by {@link PacingPolicy#withSend}). */
    void recordSends(String botId, String chatId, List<Long> recentSends);

    /**
     * Reserves one global send slot for the bot, across all sender instances: slot {@code k} of second
     * {@code s} is at {@code s·1000 + k·1000/perSecond} ms, each slot is handed out once, and never a slot
     * already in the past, so sends stay evenly spaced at no more than {@code perSecond} per second.
     *
     * @return the reserved slot (epoch ms, ≥ {@code earliest}), or -1 when none is free until {@code latest}
     */
    long reserve(String botId, int perSecond, long earliest, long latest, long now);
}
