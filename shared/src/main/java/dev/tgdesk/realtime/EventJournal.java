package dev.tgdesk.realtime;

import java.util.List;
import java.util.Map;

/**
 * The per-dialog event log behind the cursor protocol (port; {@code storage.DynamoRealtimeStore}). Sequence numbers
 * are 1, 2, 3… per dialog without gaps, assigned under a condition on the dialog's last number, so two writers never
 * reuse one. Events are kept {@link #RETENTION_DAYS} days.
 */
public interface EventJournal {

    int RETENTION_DAYS = 7;

    /**
     * Numbers and stores the drafts of each dialog, in order. A draft whose {@code sourceId} was appended before (a
     * redelivered stream batch) is not stored again: it comes back with the number it got then.
     *
     * @return the numbered events of each dialog, in the order of the drafts
     */
    Map<String, List<DialogEvent>> append(String botId, Map<String, List<EventDraft>> draftsByDialog);

    default List<DialogEvent> append(String botId, String dialogId, List<EventDraft> drafts) {
        return append(botId, Map.of(dialogId, drafts)).getOrDefault(dialogId, List.of());
    }

    /**
     * Events after {@code afterSeq}, oldest first, at most {@code limit}. {@code reset}: events right after the cursor
     * are no longer kept (older than the retention) — reload the dialog instead of catching up.
     */
    Page after(String botId, String dialogId, long afterSeq, int limit);

    /** The dialog's newest event number (0: none yet). */
    long lastSeq(String botId, String dialogId);

    record Page(List<DialogEvent> events, boolean more, boolean reset, long lastSeq) {
    }
}
