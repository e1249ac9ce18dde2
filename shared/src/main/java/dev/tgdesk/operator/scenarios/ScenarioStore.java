package dev.tgdesk.operator.scenarios;

import dev.tgdesk.scenario.Scenario;

import java.util.List;
import java.util.OptionalInt;

/**
 * What the scenario admin endpoints read and write, without storage types: the stored scenarios, which version
 * runs where, new versions and activations. Implemented by {@code storage.DynamoScenarioCatalog}.
 */
public interface ScenarioStore {

    /** One stored scenario: its latest version and name, when it was first and last stored (epoch ms). */
    record Summary(String scenarioId, String name, int latestVersion, long createdAt, long updatedAt) {
    }

    /** A scenario version attached to private chats ({@code chatId} null) or to one group chat. */
    record Binding(Long chatId, String scenarioId, int version, long activatedAt) {
    }

    /** What {@link #store} did: the version number, and whether it is new (an identical document is not stored twice). */
    record Stored(String scenarioId, int version, boolean created) {
    }

    /** Every stored scenario of the bot, by id. */
    List<Summary> scenarios(String botId);

    /** Every binding of the bot: the private chats' one first, then the groups'. */
    List<Binding> bindings(String botId);

    /** The highest stored version of the scenario, or empty when there is no such scenario. */
    OptionalInt latestVersion(String botId, String scenarioId);

    /** Whether that version is stored. */
    boolean hasVersion(String botId, String scenarioId, int version);

    /** Stores a validated document as the next version of its scenario, unless it equals the latest version. */
    Stored store(String botId, Scenario scenario, long now);

    /** Runs {@code scenarioId@version} in private chats ({@code chatId} null) or in one group chat, from the next event on. */
    void activate(String botId, String scenarioId, int version, Long chatId, long now);
}
