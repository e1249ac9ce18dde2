package dev.tgdesk.automation;

import dev.tgdesk.scenario.Scenario;

import java.util.Optional;

/** Stored scenario versions (immutable once stored, so implementations cache them freely). */
public interface ScenarioCatalog {

    Optional<Scenario> find(String botId, String scenarioId, int version);
}
