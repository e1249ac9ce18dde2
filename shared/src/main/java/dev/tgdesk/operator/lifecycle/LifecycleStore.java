package dev.tgdesk.operator.lifecycle;

import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.scenario.RunState;

import java.util.List;
import java.util.Optional;

/** Storage of closing and reopening dialogs, in the terms of {@link DialogCloser} (no AWS types here). */
public interface LifecycleStore {

    /** Dialog, chat, contact and run of one dialog, strongly consistent; empty when the dialog is unknown. */
    Optional<CloseContext> load(String botId, String dialogId);

    /**
     * Chat, contact and run of dialogs already read (e.g. from the ByStatus index), in few batched reads; the
     * dialogs are taken as given (the close transaction's conditions catch a stale one).
     */
    List<CloseContext> loadAll(List<DialogState> dialogs);

    /**
     * One page of open dialogs of one kind whose last activity is before {@code cutoffMillis}, oldest first
     * (a Query of the ByStatus index). {@code cursor} null: from the start.
     */
    IdlePage idle(String botId, String kind, long cutoffMillis, String cursor, int limit);

    record IdlePage(List<DialogState> dialogs, String next) {
    }

    /** Writes a close in one transaction. */
    Outcome close(CloseWrite write);

    /** Writes a reopen in one transaction. */
    Outcome reopen(ReopenWrite write);

    enum Outcome {
        DONE,
        /** A condition failed (the dialog, chat or run changed since it was read): read again and decide again. */
        CONFLICT
    }

    /**
     * A history entry of type {@code event}: {@code event} closed | reopened, {@code by} operator id or
     * {@code autoclose}, {@code text} what operators read.
     */
    /** @param byName the name of the operator who did it (null for autoclose / scenario) */
    record EventEntry(long seq, String event, String by, String byName, String text, long at) {
    }

    /**
     * @param before      what was read (the conditions: dialog still open with the same last activity, team,
     *                    manager and chat; chat and run at the versions read)
     * @param cutoff      auto-close only: the dialog's last activity must still be before this (else null)
     * @param newChatSeq  the chat's entry counter after the new entries
     * @param endedRun    the run state to store as ended, or null to leave the run item alone
     * @param messages    sends queued with the close (the closing message), already numbered
     */
    record CloseWrite(CloseContext before, long at, String by, Long cutoff, long newChatSeq, boolean removeActive,
                      EventEntry event, RunState endedRun, List<OutboundEntry> messages) {
    }

    /** Reopen: the dialog must still be closed and the chat at the version read, without an active dialog. */
    record ReopenWrite(CloseContext before, long at, String by, long newChatSeq, EventEntry event) {
    }
}
