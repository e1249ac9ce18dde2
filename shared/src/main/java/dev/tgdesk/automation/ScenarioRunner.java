package dev.tgdesk.automation;

import dev.tgdesk.automation.RunStore.Binding;
import dev.tgdesk.automation.RunStore.CommitOutcome;
import dev.tgdesk.automation.RunStore.ContactSnapshot;
import dev.tgdesk.automation.RunStore.DialogSnapshot;
import dev.tgdesk.automation.RunStore.Outbox;
import dev.tgdesk.automation.RunStore.StoredRun;
import dev.tgdesk.automation.RunStore.TurnCommit;
import dev.tgdesk.automation.RunStore.TurnContext;
import dev.tgdesk.domain.DialogKind;
import dev.tgdesk.domain.Message;
import dev.tgdesk.domain.TelegramUpdate;
import dev.tgdesk.domain.TelegramUser;
import dev.tgdesk.inbox.InboundEnvelope;
import dev.tgdesk.observability.Metrics;
import dev.tgdesk.outbound.BotApiCall;
import dev.tgdesk.outbound.OutboundCommand;
import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.outbound.OutboundQueue;
import dev.tgdesk.outbound.TelegramRequests;
import dev.tgdesk.scenario.Action;
import dev.tgdesk.scenario.ContactView;
import dev.tgdesk.scenario.DialogView;
import dev.tgdesk.scenario.RunState;
import dev.tgdesk.scenario.Scenario;
import dev.tgdesk.scenario.ScenarioEngine;
import dev.tgdesk.scenario.ScenarioEvent;
import dev.tgdesk.scenario.Turn;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one event (a recorded update, a due timer, a give-back) through a dialog's scenario: reads the
 * dialog's state, lets the {@link ScenarioEngine} decide, writes the decision in one transaction, then
 * publishes its sends and timers.
 *
 * <p>At-least-once safe: the run remembers the ids of the events it handled; a repeated event changes
 * nothing and only publishes the last turn's outbox again (harmless: the queue deduplicates, and the
 * sender never sends an entry that is no longer {@code queued}).
 */
public final class ScenarioRunner {

    /** How many handled event ids a run remembers; more than a batch can hold, so batch redeliveries are caught. */
    static final int RECENT_EVENTS = 32;
    private static final int MAX_ATTEMPTS = 5;

    public enum Outcome { DONE, DUPLICATE, IGNORED, NO_DIALOG }

    private final RunStore store;
    private final ScenarioCatalog catalog;
    private final OutboundQueue outbound;
    private final TimerScheduler timers;
    private final ScenarioEngine engine;
    private final Clock clock;
    private final Metrics metrics;

    public ScenarioRunner(RunStore store, ScenarioCatalog catalog, OutboundQueue outbound, TimerScheduler timers,
                          Clock clock, Metrics metrics) {
        this.store = store;
        this.catalog = catalog;
        this.outbound = outbound;
        this.timers = timers;
        this.engine = new ScenarioEngine(clock);
        this.clock = clock;
        this.metrics = metrics;
    }

    public Outcome process(InboundMessage message) {
        return switch (message) {
            case InboundMessage.Update u -> process(u.envelope());
            case InboundMessage.Control c -> process(c.envelope());
        };
    }

    public Outcome process(InboundEnvelope envelope) {
        Incoming in = incoming(envelope);
        if (in == null) return Outcome.IGNORED;
        if (envelope.dialogId() == null) {
            answerOnly(in, envelope.botId(), envelope.chatId());
            return Outcome.NO_DIALOG;
        }
        return turn(envelope.botId(), envelope.chatId(), envelope.dialogId(), in.userId, "u:" + envelope.updateId(),
                in.event, envelope.seq());
    }

    public Outcome process(ControlEnvelope control) {
        ScenarioEvent event = ControlEnvelope.TIMER.equals(control.kind())
                ? new ScenarioEvent.TimerFired(control.token())
                : new ScenarioEvent.Resume();
        return turn(control.botId(), control.chatId(), control.dialogId(), control.userId(), control.eventId(), event, null);
    }

    /** A user message or a button press as the engine sees it; null for updates scenarios do not act on. */
    private record Incoming(ScenarioEvent event, Long userId, String callbackQueryId) {
    }

    private static Incoming incoming(InboundEnvelope envelope) {
        return switch (envelope.update()) {
            case TelegramUpdate.MessageUpdate m when !m.edited() && m.message().from() != null && !m.message().from().isBot()
                    && m.message().service() == null -> {
                Message msg = m.message();
                String text = msg.text() != null ? msg.text() : msg.caption();
                String phone = msg.contact() != null && msg.contact().userId() != null
                        && msg.contact().userId() == msg.from().id() ? msg.contact().phoneNumber() : null;
                yield new Incoming(new ScenarioEvent.UserMessage(text, !msg.media().isEmpty(), phone), msg.from().id(), null);
            }
            case TelegramUpdate.CallbackUpdate c when c.query().from() != null -> new Incoming(
                    new ScenarioEvent.ButtonPress(c.query().data(), c.query().id()), c.query().from().id(), c.query().id());
            default -> null;
        };
    }

    private void answerOnly(Incoming in, String botId, long chatId) {
        if (in.callbackQueryId == null) return;
        outbound.enqueue(List.of(new OutboundCommand.AnswerCallback(botId, Long.toString(chatId), in.callbackQueryId, null, false)));
    }

    private Outcome turn(String botId, long chatId, String dialogId, Long userId, String eventId, ScenarioEvent event, Long envelopeSeq) {
        for (int attempt = 1; ; attempt++) {
            TurnContext ctx = store.load(botId, dialogId, chatId, userId);
            StoredRun run = ctx.run();
            if (run != null && run.recentEvents().contains(eventId)) {
                if (run.outbox() != null && eventId.equals(run.outbox().eventId())) publish(run.outbox());
                metrics.count("ScenarioEventsRepeated", 1);
                return Outcome.DUPLICATE;
            }
            DialogSnapshot dialog = ctx.dialog();
            String callbackId = event instanceof ScenarioEvent.ButtonPress p ? p.callbackQueryId() : null;
            if (dialog == null || !dialog.open() || (ctx.contact() != null && ctx.contact().blocked())) {
                if (callbackId != null) answerOnly(new Incoming(event, userId, callbackId), botId, chatId);
                return dialog == null ? Outcome.NO_DIALOG : Outcome.IGNORED;
            }
            Turn turn = engine.handle(input(botId, ctx, dialog, event, envelopeSeq));
            if (!turn.runChanged() && turn.actions().stream().allMatch(a -> a instanceof Action.AnswerCallback)) {
                // nothing to remember (e.g. an operator has the dialog): just stop the button's spinner
                publish(new Outbox(eventId, commands(botId, chatId, turn, List.of()), List.of()));
                return Outcome.IGNORED;
            }
            TurnCommit commit = commitOf(botId, chatId, dialogId, userId, eventId, ctx, turn);
            if (store.commit(commit) == CommitOutcome.COMMITTED) {
                publish(commit.outbox());
                metrics.count("ScenarioTurns", 1);
                metrics.count("ScenarioSendsQueued", commit.entries().size());
                return Outcome.DONE;
            }
            if (attempt >= MAX_ATTEMPTS) throw new IllegalStateException("dialog kept changing during " + MAX_ATTEMPTS + " attempts");
        }
    }

    private dev.tgdesk.scenario.TurnInput input(String botId, TurnContext ctx, DialogSnapshot dialog, ScenarioEvent event, Long envelopeSeq) {
        RunState state = ctx.run() == null ? null : ctx.run().state();
        Scenario pinned = state == null ? null : catalog.find(botId, state.scenarioId(), state.version()).orElse(null);
        Binding binding = dialog.kind() == DialogKind.PRIVATE ? ctx.privateBinding() : ctx.chatBinding();
        Scenario bound = binding == null ? null : catalog.find(botId, binding.scenarioId(), binding.version()).orElse(null);
        boolean newDialog = envelopeSeq != null && envelopeSeq == dialog.firstSeq();
        return new dev.tgdesk.scenario.TurnInput(event, state, pinned, bound, contactView(ctx.contact(), dialog),
                new DialogView(dialog.dialogId(), dialog.chatId(), dialog.kind(), newDialog, dialog.operatorActive()));
    }

    private static ContactView contactView(ContactSnapshot contact, DialogSnapshot dialog) {
        if (contact == null) return new ContactView(dialog.contactUserId(), null, null, null, null, Map.of());
        TelegramUser p = contact.profile();
        return new ContactView(p.id(), p.firstName(), p.lastName(), p.username(), p.languageCode(), contact.fields());
    }

    private TurnCommit commitOf(String botId, long chatId, String dialogId, Long userId, String eventId, TurnContext ctx, Turn turn) {
        long now = clock.millis();
        long seq = ctx.chat() == null ? 0 : ctx.chat().seq();
        List<OutboundEntry> entries = new ArrayList<>();
        List<ControlEnvelope> timerList = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        RunStore.Handoff handoff = null;
        boolean close = false;
        String ref = turn.run() != null ? turn.run().scenarioId() + "@" + turn.run().version() : "scenario";
        for (Action action : turn.actions()) {
            switch (action) {
                case Action.Send s -> {
                    List<BotApiCall> calls = TelegramRequests.calls(s.message());
                    String preview = TelegramRequests.preview(s.message());
                    String display = TelegramRequests.displayJson(s.message());
                    for (int i = 0; i < calls.size(); i++) {
                        seq++;
                        entries.add(new OutboundEntry(botId, dialogId, seq, s.message().chatId(), "scenario",
                                ref + "/" + s.nodeId(), calls.get(i), preview,
                                i == 0 ? display : "{\"continues\":" + (seq - i) + "}", now,
                                OutboundEntry.Status.QUEUED, 0, null, null));
                    }
                }
                case Action.SetContactFields f -> fields.putAll(f.fields());
                case Action.StartTimer t -> timerList.add(ControlEnvelope.timer(botId, chatId, dialogId, userId, t.token(),
                        t.fireAt().toEpochMilli()));
                case Action.Handoff h -> handoff = new RunStore.Handoff(h.team(), h.manager());
                case Action.CloseDialog c -> close = true;
                case Action.AnswerCallback a -> {
                    // published with the sends, first
                }
            }
        }
        List<String> recent = new ArrayList<>(ctx.run() == null ? List.of() : ctx.run().recentEvents());
        recent.add(eventId);
        if (recent.size() > RECENT_EVENTS) recent = new ArrayList<>(recent.subList(recent.size() - RECENT_EVENTS, recent.size()));
        Outbox outbox = new Outbox(eventId, commands(botId, chatId, turn, entries), timerList);
        return new TurnCommit(botId, dialogId, ctx.dialog(), chatId, userId, eventId, now,
                ctx.run() == null ? -1 : ctx.run().version(), turn.run(), recent, outbox,
                ctx.chat() == null ? -1 : ctx.chat().version(), seq, entries, fields, handoff, close, turn.log());
    }

    private static List<OutboundCommand> commands(String botId, long chatId, Turn turn, List<OutboundEntry> entries) {
        List<OutboundCommand> commands = new ArrayList<>();
        for (Action action : turn.actions()) {
            if (action instanceof Action.AnswerCallback a) {
                commands.add(new OutboundCommand.AnswerCallback(botId, Long.toString(chatId), a.callbackQueryId(), a.text(), false));
            }
        }
        for (OutboundEntry e : entries) commands.add(e.command());
        return commands;
    }

    private void publish(Outbox outbox) {
        if (!outbox.commands().isEmpty()) outbound.enqueue(outbox.commands());
        for (ControlEnvelope timer : outbox.timers()) timers.schedule(timer);
    }
}
