package dev.tgdesk.outbound;

import dev.tgdesk.telegram.TelegramApiException;
import dev.tgdesk.telegram.TelegramErrorKind;
import dev.tgdesk.telegram.TelegramException;
import dev.tgdesk.telegram.TelegramTransportException;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a failed Bot API call means for the entry: retry later, fail for good, or follow a migrated group.
 *
 * <ul>
 * <li>429: retry after Telegram's {@code retry_after} (not counted against {@code maxAttempts}: the message is
 *     fine, the bot is early).</li>
 * <li>5xx and transport errors (timeout, connection refused or reset): retry with exponential backoff
 *     ({@code baseDelay × 2^(n-1)}, capped at {@code maxDelay}, +0–20 % jitter), at most {@code maxAttempts}
 *     attempts, then failed.</li>
 * <li>400 with {@code migrate_to_chat_id}: send again to the new chat.</li>
 * <li>Any other error (403 blocked/deactivated/not a member/can't initiate, 400 chat or thread not found,
 *     message too long, bad markup …): failed with Telegram's reason; retrying cannot help.</li>
 * </ul>
 *
 * @param maxReceives a queue message received more often than this is failed as {@code EXPIRED} instead of
 *                    being parked in the dead-letter queue (keep it below the queue's {@code maxReceiveCount})
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, int maxReceives) {

    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofSeconds(2), Duration.ofMinutes(5), 18);
    }

    public sealed interface Decision {
        /** Put the entry back and try again after {@code after}; {@code counts}: it used up an attempt. */
        record Retry(Duration after, OutboundEntry.Failure error, boolean counts) implements Decision {
        }

        record Fail(OutboundEntry.Failure failure) implements Decision {
        }

        record Migrate(long newChatId) implements Decision {
        }
    }

    /**
     * @param failedAttempts failed attempts of this entry including this one
     */
    public Decision decide(TelegramException e, int failedAttempts) {
        if (e instanceof TelegramApiException api) {
            OutboundEntry.Failure failure = new OutboundEntry.Failure(api.kind().name(), api.errorCode(), api.description());
            if (api.kind() == TelegramErrorKind.RATE_LIMITED) {
                int seconds = api.retryAfterSeconds() == null ? 1 : Math.max(1, api.retryAfterSeconds());
                return new Decision.Retry(Duration.ofSeconds(seconds), failure, false);
            }
            if (api.kind() == TelegramErrorKind.CHAT_MIGRATED && api.migrateToChatId() != null) {
                return new Decision.Migrate(api.migrateToChatId());
            }
            if (api.errorCode() >= 500) return retryOrFail(failure, failedAttempts);
            return new Decision.Fail(failure);
        }
        String reason = e instanceof TelegramTransportException t ? t.reason().name().toLowerCase(java.util.Locale.ROOT) : "error";
        return retryOrFail(new OutboundEntry.Failure("TRANSPORT", null, "no answer from Telegram (" + reason + ")"), failedAttempts);
    }

    private Decision retryOrFail(OutboundEntry.Failure failure, int failedAttempts) {
        if (failedAttempts >= maxAttempts) {
            return new Decision.Fail(new OutboundEntry.Failure(failure.kind(), failure.errorCode(),
                    "gave up after " + failedAttempts + " attempts: " + failure.description()));
        }
        return new Decision.Retry(backoff(failedAttempts), failure, true);
    }

    /** {@code baseDelay × 2^(attempt-1)}, capped, plus up to 20 % jitter so retries of many chats spread out. */
    public Duration backoff(int attempt) {
        long base = baseDelay.toMillis() << Math.min(20, Math.max(0, attempt - 1));
        long capped = Math.min(maxDelay.toMillis(), base);
        return Duration.ofMillis(capped + ThreadLocalRandom.current().nextLong(capped / 5 + 1));
    }
}
