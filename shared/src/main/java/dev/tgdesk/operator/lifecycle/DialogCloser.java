package dev.tgdesk.operator.lifecycle;

import dev.tgdesk.operator.lifecycle.LifecycleStore.CloseWrite;
import dev.tgdesk.operator.lifecycle.LifecycleStore.EventEntry;
import dev.tgdesk.operator.lifecycle.LifecycleStore.ReopenWrite;
import dev.tgdesk.outbound.BotApiCall;
import dev.tgdesk.outbound.OutboundCommand;
import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.outbound.OutgoingMessage;
import dev.tgdesk.outbound.TelegramRequests;
import dev.tgdesk.scenario.RunState;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of ending and reopening a dialog, used by the operators' endpoints and by auto-close.
 *
 * <p>Closing is one transaction: the dialog becomes {@code closed} (its index keys move to the closed
 * partitions), the chat loses its active dialog (so the client's next message opens a new one), the scenario run
 * ends (no timer or answer continues it), and a history entry of type {@code event} records who closed it.
 * Auto-close may also queue a closing message to the client (private dialogs only, never to a blocked contact).
 * Everything is conditional on what was read; when something changed meanwhile the dialog is read again and the
 * decision made again — so a message that lands at the same moment as auto-close wins, and two closers never
 * both close (closing a closed dialog is a no-op).
 */
public final class DialogCloser {

    /** {@code closedBy} of dialogs auto-close ended. */
    public static final String AUTOCLOSE = "autoclose";
    static final int MAX_ATTEMPTS = 5;

    public enum Result {
        CLOSED, ALREADY_CLOSED,
        /** auto-close: the dialog had activity after the cutoff (or is gone): left open */
        ACTIVE,
        REOPENED, ALREADY_OPEN,
        /** reopen: the chat already has another active dialog (or was upgraded to a supergroup) */
        NEWER_DIALOG
    }

    /** The dialog after the action, and the outbound commands to publish once it is written (the closing message). */
    public record Outcome(Result result, DialogState dialog, List<OutboundCommand> commands) {
    }

    private final LifecycleStore store;
    private final Clock clock;
    private final String closingMessage;
    private final int idleHours;

    /**
     * @param closingMessage sent by auto-close to private dialogs' clients as the bot; null or blank: none
     * @param idleHours      the auto-close threshold, for the history entry's text
     */
    public DialogCloser(LifecycleStore store, Clock clock, String closingMessage, int idleHours) {
        this.store = store;
        this.clock = clock;
        this.closingMessage = closingMessage == null || closingMessage.isBlank() ? null : closingMessage.strip();
        this.idleHours = idleHours;
    }

    /** An operator closes the dialog (no closing message). */
    public Outcome closeByOperator(CloseContext ctx, String operatorId, String operatorName) {
        return close(ctx, operatorId, operatorName, "Closed by " + name(operatorName), null, false);
    }

    /** Auto-close: closes the dialog only if it is still open and its last activity is before {@code cutoff}. */
    public Outcome closeIdle(CloseContext ctx, long cutoff) {
        return close(ctx, AUTOCLOSE, null, "Closed after " + idleHours + " h without activity", cutoff, true);
    }

    private Outcome close(CloseContext ctx, String by, String byName, String text, Long cutoff, boolean withMessage) {
        for (int attempt = 1; ; attempt++) {
            DialogState d = ctx.dialog();
            if (!d.open()) return new Outcome(Result.ALREADY_CLOSED, d, List.of());
            if (cutoff != null && d.lastActivityAt() >= cutoff) return new Outcome(Result.ACTIVE, d, List.of());
            long now = clock.millis();
            CloseContext.Chat chat = ctx.chat();
            long seq = chat == null ? d.lastSeq() : chat.seq();
            List<OutboundEntry> messages = new ArrayList<>();
            EventEntry event = null;
            if (chat != null) {
                if (withMessage && closingMessage != null && d.isPrivate() && !blocked(ctx.contact())) {
                    OutgoingMessage m = OutgoingMessage.text(Long.toString(d.chatId()), closingMessage);
                    List<BotApiCall> calls = TelegramRequests.calls(m);
                    String preview = TelegramRequests.preview(m);
                    String display = TelegramRequests.displayJson(m);
                    for (int i = 0; i < calls.size(); i++) {
                        seq++;
                        messages.add(new OutboundEntry(d.botId(), d.dialogId(), seq, Long.toString(d.chatId()), "system", by,
                                calls.get(i), preview, i == 0 ? display : "{\"continues\":" + (seq - i) + "}", now,
                                OutboundEntry.Status.QUEUED, 0, null, null));
                    }
                }
                event = new EventEntry(++seq, "closed", by, byName, text, now);
            }
            RunState endedRun = ctx.run() != null && !ctx.run().ended() ? ended(ctx.run().state(), now) : null;
            boolean removeActive = chat != null && d.dialogId().equals(chat.activeDialogId());
            CloseWrite write = new CloseWrite(ctx, now, by, cutoff, seq, removeActive, event, endedRun, messages);
            if (store.close(write) == LifecycleStore.Outcome.DONE) {
                DialogState after = new DialogState(d.botId(), d.dialogId(), d.chatId(), d.kind(), d.contactUserId(),
                        DialogState.CLOSED, d.team(), d.assignee(), d.handler(), d.openedAt(), d.lastActivityAt(),
                        chat == null ? d.lastSeq() : seq, now, by);
                return new Outcome(Result.CLOSED, after, messages.stream().<OutboundCommand>map(OutboundEntry::command).toList());
            }
            if (attempt >= MAX_ATTEMPTS) throw new IllegalStateException("dialog kept changing during " + MAX_ATTEMPTS + " attempts to close it");
            CloseContext fresh = store.load(d.botId(), d.dialogId()).orElse(null);
            if (fresh == null) return new Outcome(Result.ACTIVE, d, List.of());
            ctx = fresh;
        }
    }

    /**
     * An operator reopens a closed dialog: it becomes the chat's active dialog again (its last activity is now, so
     * auto-close gives it a full period) — unless the client has written since and a newer dialog is active.
     */
    public Outcome reopen(CloseContext ctx, String operatorId, String operatorName) {
        for (int attempt = 1; ; attempt++) {
            DialogState d = ctx.dialog();
            if (d.open()) return new Outcome(Result.ALREADY_OPEN, d, List.of());
            CloseContext.Chat chat = ctx.chat();
            if (chat == null || chat.migratedToChatId() != null
                    || (chat.activeDialogId() != null && !chat.activeDialogId().equals(d.dialogId()))) {
                return new Outcome(Result.NEWER_DIALOG, d, List.of());
            }
            long now = clock.millis();
            long seq = chat.seq() + 1;
            EventEntry event = new EventEntry(seq, "reopened", operatorId, operatorName, "Reopened by " + name(operatorName), now);
            if (store.reopen(new ReopenWrite(ctx, now, operatorId, seq, event)) == LifecycleStore.Outcome.DONE) {
                return new Outcome(Result.REOPENED, new DialogState(d.botId(), d.dialogId(), d.chatId(), d.kind(),
                        d.contactUserId(), DialogState.OPEN, d.team(), d.assignee(), d.handler(), d.openedAt(), now, seq,
                        null, null), List.of());
            }
            if (attempt >= MAX_ATTEMPTS) throw new IllegalStateException("dialog kept changing during " + MAX_ATTEMPTS + " attempts to reopen it");
            CloseContext fresh = store.load(d.botId(), d.dialogId()).orElse(null);
            if (fresh == null) return new Outcome(Result.NEWER_DIALOG, d, List.of());
            ctx = fresh;
        }
    }

    private static RunState ended(RunState s, long now) {
        return new RunState(s.scenarioId(), s.version(), RunState.FINISHED, s.node(), s.vars(), null, s.stack(), s.steps(),
                s.startedAt(), now);
    }

    private static boolean blocked(CloseContext.Contact contact) {
        return contact != null && (contact.blocked() || contact.botBlocked());
    }

    private static String name(String operatorName) {
        return operatorName == null || operatorName.isBlank() ? "an operator" : operatorName;
    }
}
