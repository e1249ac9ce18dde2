package dev.tgdesk.sender;

import dev.tgdesk.observability.Metrics;
import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.outbound.OutboundStore;
import dev.tgdesk.telegram.TelegramErrorKind;

/**
 * The sender's store, counting what happens to sends by the reason Telegram (or the sender) gave:
 * <ul>
 * <li>{@code SendFailed} (dimension {@code Kind}): a send recorded {@code failed} — {@code BLOCKED_BY_USER},
 *     {@code CANT_INITIATE}, {@code UNAUTHORIZED}, {@code EXPIRED}, {@code UNCERTAIN} … (docs/sender.md).</li>
 * <li>{@code SendErrors}: the failed sends the recipient did not cause (all kinds but blocked, deactivated, not a
 *     member, kicked, can't initiate, chat not found): a revoked token, a bad request, Telegram down, a crash
 *     mid-send. The alarm watches this one.</li>
 * <li>{@code SendRetried} (dimension {@code Kind}): a send put back to be retried after an error ({@code RATE_LIMITED}
 *     = Telegram's 429, {@code SERVER}, {@code TRANSPORT}).</li>
 * </ul>
 * Counted after the write, so a count is a recorded fact.
 */
final class CountingOutboundStore implements OutboundStore {

    private final OutboundStore store;
    private final Metrics metrics;

    CountingOutboundStore(OutboundStore store, Metrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /** Failures the recipient caused (blocked the bot, left, never started it): normal life, no alarm. */
    static boolean recipientSide(String kind) {
        try {
            return TelegramErrorKind.valueOf(kind).isChatUnreachable();
        } catch (IllegalArgumentException | NullPointerException notATelegramKind) {
            return false; // EXPIRED, UNCERTAIN, TRANSPORT, FILE_UNAVAILABLE, CHAT_MIGRATED: ours
        }
    }

    @Override
    public void markFailed(OutboundEntry entry, OutboundEntry.Failure failure, long now) {
        store.markFailed(entry, failure, now);
        String kind = failure == null ? null : failure.kind();
        metrics.count("SendFailed", "Kind", kind, 1);
        if (!recipientSide(kind)) metrics.count("SendErrors");
    }

    @Override
    public void release(OutboundEntry entry, int attempts, OutboundEntry.Failure lastError, long now) {
        store.release(entry, attempts, lastError, now);
        if (lastError != null) metrics.count("SendRetried", "Kind", lastError.kind(), 1);
    }

    @Override
    public Claim claim(String botId, String dialogId, long seq, long now) {
        return store.claim(botId, dialogId, seq, now);
    }

    @Override
    public OutboundEntry get(String botId, String dialogId, long seq) {
        return store.get(botId, dialogId, seq);
    }

    @Override
    public void markSent(OutboundEntry entry, long telegramMessageId, long now) {
        store.markSent(entry, telegramMessageId, now);
    }

    @Override
    public void redirect(OutboundEntry entry, String newChatId, long now) {
        store.redirect(entry, newChatId, now);
    }

    @Override
    public void markContactUnreachable(String botId, long userId, String kind, long now) {
        store.markContactUnreachable(botId, userId, kind, now);
    }

    @Override
    public void recordEdit(OutboundEntry entry, long revision, String preview, String dataJson, long now) {
        store.recordEdit(entry, revision, preview, dataJson, now);
    }

    @Override
    public void recordUploadedFile(OutboundEntry entry, String field, String fileId, long now) {
        store.recordUploadedFile(entry, field, fileId, now);
    }
}
