package dev.tgdesk.local;

import dev.tgdesk.scenario.Scenario;
import dev.tgdesk.scenario.ScenarioDocument;
import dev.tgdesk.storage.DynamoScenarioCatalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads the scenario documents of a folder ({@code scenarios/}) into the catalog: each valid file becomes a
 * new version when its content changed, and the one named as active is attached to private chats.
 * An invalid file stops the start with the validator's messages (a broken scenario must not go live quietly).
 */
final class ScenarioFiles {

    record Loaded(String file, String scenarioId, int version, boolean created, boolean active) {
    }

    private ScenarioFiles() {
    }

    static List<Loaded> load(Path dir, DynamoScenarioCatalog catalog, String botId, String activeScenarioId, long now) {
        List<Loaded> loaded = new ArrayList<>();
        if (!Files.isDirectory(dir)) return loaded;
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path file : files) {
            Scenario scenario = parse(file);
            var stored = catalog.store(botId, scenario, now);
            boolean active = scenario.id().equals(activeScenarioId);
            if (active) catalog.activate(botId, stored.scenarioId(), stored.version(), null, now);
            loaded.add(new Loaded(file.getFileName().toString(), stored.scenarioId(), stored.version(), stored.created(), active));
        }
        return loaded;
    }

    static Scenario parse(Path file) {
        try {
            return ScenarioDocument.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
