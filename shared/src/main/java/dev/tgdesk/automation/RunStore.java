package dev.tgdesk.automation;

import dev.tgdesk.domain.DialogKind;
import dev.tgdesk.domain.TelegramUser;
import dev.tgdesk.outbound.OutboundCommand;
import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.scenario.LogLine;
import dev.tgdesk.scenario.RunState;

import java.util.List;
import java.util.Map;

/** Storage of what one scenario turn reads and writes, in the terms of {@link ScenarioRunner}. */
public interface RunStore {

    /** Everything a turn needs, read at once (strongly consistent). Parts may be null when absent. */
    TurnContext load(String botId, String dialogId, long chatId, Long userId);

    /** Writes the whole turn atomically. */
    CommitOutcome commit(TurnCommit commit);

    enum CommitOutcome {
        COMMITTED,
        /** The run, chat or dialog changed since it was read: read again and redo the turn. */
        CONFLICT
    }

    record TurnContext(StoredRun run, DialogSnapshot dialog, ContactSnapshot contact, ChatSnapshot chat,
                       Binding privateBinding, Binding chatBinding) {
    }

    /**
     * The run item: the engine's state plus what makes turns idempotent — the ids of the last events
     * handled, and the outbox of the last turn (sends and timers to publish again if the function died
     * after committing but before publishing). {@code version} -1: no run item yet.
     */
    record StoredRun(RunState state, long version, List<String> recentEvents, Outbox outbox) {
        public StoredRun {
            recentEvents = recentEvents == null ? List.of() : List.copyOf(recentEvents);
        }
    }

    record Outbox(String eventId, List<OutboundCommand> commands, List<ControlEnvelope> timers) {
        public Outbox {
            commands = commands == null ? List.of() : List.copyOf(commands);
            timers = timers == null ? List.of() : List.copyOf(timers);
        }
    }

    /** {@code handler} is {@code bot} or {@code operator} (an operator took the dialog over). */
    record DialogSnapshot(String dialogId, long chatId, DialogKind kind, String status, String handler, long firstSeq,
                          Long contactUserId, String team, String assignee, long openedAt, long lastActivityAt) {
        public boolean open() {
            return "open".equals(status);
        }

        public boolean operatorActive() {
            return "operator".equals(handler);
        }
    }

    record ContactSnapshot(TelegramUser profile, Map<String, String> fields, boolean blocked) {
    }

    /** {@code version} -1: the chat item does not exist. */
    record ChatSnapshot(long seq, long version) {
    }

    /** Which scenario version is attached (to private chats, or to one group). */
    record Binding(String scenarioId, int version) {
    }

    /**
     * One turn's writes. {@code expectedRunVersion}/{@code expectedChatVersion} are the versions read;
     * {@code newChatSeq} is the chat's entry counter after the new entries (unchanged when there are none).
     */
    record TurnCommit(
            String botId,
            String dialogId,
            DialogSnapshot dialog,
            long chatId,
            Long contactUserId,
            String eventId,
            long at,
            long expectedRunVersion,
            RunState state,
            List<String> recentEvents,
            Outbox outbox,
            long expectedChatVersion,
            long newChatSeq,
            List<OutboundEntry> entries,
            Map<String, String> contactFields,
            Handoff handoff,
            boolean closeDialog,
            List<LogLine> log) {
    }

    record Handoff(String team, String manager) {
    }
}
