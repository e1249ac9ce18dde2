package dev.tgdesk.realtime;

import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.inbox.ContactRecord;
import dev.tgdesk.operator.inbox.DialogRecord;
import dev.tgdesk.operator.inbox.HistoryRecord;

import java.util.Set;

/**
 * One changed item of the table, as the stream reported it ({@code before}/{@code after} null for an insert/removal).
 * {@code sourceId} identifies the change itself (the stream record id): the same change delivered twice has the same
 * id, which is what makes journaling it idempotent.
 */
public sealed interface Change {

    String sourceId();

    /** When the change was written (epoch ms, approximate). */
    long at();

    record DialogChanged(String sourceId, long at, DialogRecord before, DialogRecord after) implements Change {
    }

    record EntryChanged(String sourceId, long at, String dialogId, HistoryRecord before, HistoryRecord after) implements Change {
    }

    record ContactChanged(String sourceId, long at, ContactRecord before, ContactRecord after) implements Change {
    }

    record OperatorChanged(String sourceId, long at, String operatorId, OperatorAccess before, OperatorAccess after)
            implements Change {
    }

    /** What of an operator account decides what their connections may receive. */
    record OperatorAccess(Caller.Role role, Set<String> teamIds, boolean disabled, long tokenVersion) {
        public OperatorAccess {
            teamIds = teamIds == null ? Set.of() : Set.copyOf(teamIds);
        }
    }
}
