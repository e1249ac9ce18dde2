package dev.tgdesk.inbox;

/** What happened to one update; every variant is acknowledged to Telegram with 200. */
public sealed interface IngestResult {

    /** Recorded (and, when a dialog was involved, stored in it) and enqueued. */
    record Stored(String dialogId, Long seq) implements IngestResult {
    }

    /** Seen before: nothing changed; its envelope was enqueued again in case the first answer failed. */
    record Duplicate() implements IngestResult {
    }

    /** The sender is blocked by operators: nothing stored, nothing enqueued. */
    record IgnoredBlocked() implements IngestResult {
    }

    /** A kind we don't act on, or unusable content: kept raw and counted. */
    record Unsupported(String kind, String reason) implements IngestResult {
    }
}
