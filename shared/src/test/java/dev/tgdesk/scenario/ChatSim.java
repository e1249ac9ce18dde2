package dev.tgdesk.scenario;

import dev.tgdesk.domain.DialogKind;
import dev.tgdesk.outbound.OutgoingMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Plays the glue's part in tests: keeps the run and contact fields between turns, with a fixed clock. */
final class ChatSim {
    static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    static final long CHAT = 555L;

    final ScenarioEngine engine;
    Scenario bound;
    Scenario runScenario;
    RunState run;
    String firstName = "Anna";
    String username = "anna_p";
    String language = "en";
    final Map<String, String> fields = new HashMap<>();
    boolean newDialog;
    boolean operatorActive;
    Turn last;

    ChatSim(Scenario bound) {
        this(bound, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    ChatSim(Scenario bound, Clock clock) {
        this.bound = bound;
        this.engine = new ScenarioEngine(clock);
    }

    static Scenario fixture(String name) {
        return ScenarioDocument.parse(read(Path.of("src/test/resources/scenarios/valid/" + name + ".json"))).withVersion(3);
    }

    static Scenario shipped(String name) {
        return ScenarioDocument.parse(read(Path.of("").toAbsolutePath().getParent().resolve("scenarios/" + name + ".json"))).withVersion(1);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ContactView contact() {
        return new ContactView(42L, firstName, null, username, language, Map.copyOf(fields));
    }

    Turn event(ScenarioEvent e) {
        DialogView dialog = new DialogView("dlg-1", CHAT, DialogKind.PRIVATE, newDialog, operatorActive);
        last = engine.handle(new TurnInput(e, run, run == null ? null : runScenario, bound, contact(), dialog));
        if (last.run() != null) {
            if (run == null || last.run().startedAt() != run.startedAt() || last.run().version() != run.version()) runScenario = bound;
            run = last.run();
        }
        for (Action a : last.actions()) if (a instanceof Action.SetContactFields s) fields.putAll(s.fields());
        newDialog = false;
        return last;
    }

    Turn say(String text) {
        return event(new ScenarioEvent.UserMessage(text, false, null));
    }

    Turn press(String data) {
        return event(new ScenarioEvent.ButtonPress(data, "cb-1"));
    }

    List<OutgoingMessage> sent() {
        return last.actions().stream().filter(a -> a instanceof Action.Send).map(a -> ((Action.Send) a).message()).toList();
    }

    List<String> texts() {
        return sent().stream().map(OutgoingMessage::text).toList();
    }

    List<String> logTexts() {
        return last.log().stream().map(LogLine::text).toList();
    }

    String status() {
        return run == null ? null : run.status();
    }
}
