package dev.tgdesk.operator.scenarios;

import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.scenario.Scenario;
import dev.tgdesk.scenario.ScenarioDocument;
import dev.tgdesk.scenario.ScenarioInvalidException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The scenario admin rules: which scenarios are stored and where each runs, uploading a document as a new version
 * (checked by {@link ScenarioDocument#parse}, every problem reported at once), and attaching a version to private
 * chats or to a group. Admin only (the routes say so); no storage types here (see {@link ScenarioStore}).
 */
public final class ScenarioAdmin {

    /**
     * A document is stored whole in one table item (DynamoDB's limit is 400 KB per item), so it may be at most this
     * many bytes; the shipped scenario is about 5 KB.
     */
    public static final int MAX_DOCUMENT_BYTES = 256 * 1024;

    /** One stored scenario and where it runs. Scenario fields are absent for a bound scenario that is not listed. */
    public record ScenarioRow(String scenarioId, String name, Integer latestVersion, Long createdAt, Long updatedAt,
                              PrivateChats privateChats, List<GroupBinding> groups) {
    }

    /** The version that runs in private chats. */
    public record PrivateChats(int version, long activatedAt) {
    }

    /** A group chat the scenario is attached to, with the version. */
    public record GroupBinding(long chatId, int version, long activatedAt) {
    }

    public record ScenarioList(List<ScenarioRow> items) {
    }

    public record Uploaded(String scenarioId, int version, boolean created) {
    }

    /** {@code target}: {@code private_chats} or {@code group} (then with {@code chatId}). */
    public record Activated(String scenarioId, int version, String target, Long chatId) {
    }

    private final ScenarioStore store;
    private final Clock clock;

    public ScenarioAdmin(ScenarioStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public ScenarioList list(Caller caller) {
        caller.requireAdmin();
        Map<String, ScenarioRow> rows = new LinkedHashMap<>();
        Map<String, PrivateChats> privateChats = new LinkedHashMap<>();
        Map<String, List<GroupBinding>> groups = new LinkedHashMap<>();
        for (ScenarioStore.Binding b : store.bindings(caller.botId())) {
            if (b.chatId() == null) privateChats.put(b.scenarioId(), new PrivateChats(b.version(), b.activatedAt()));
            else groups.computeIfAbsent(b.scenarioId(), k -> new ArrayList<>()).add(new GroupBinding(b.chatId(), b.version(), b.activatedAt()));
        }
        for (ScenarioStore.Summary s : store.scenarios(caller.botId())) {
            rows.put(s.scenarioId(), new ScenarioRow(s.scenarioId(), s.name(), s.latestVersion(), s.createdAt(), s.updatedAt(),
                    privateChats.get(s.scenarioId()), groups.getOrDefault(s.scenarioId(), List.of())));
        }
        // bound, but stored before the list existed (and not uploaded since): shown with what the binding says
        List<String> unlisted = new ArrayList<>(privateChats.keySet());
        groups.keySet().forEach(id -> { if (!unlisted.contains(id)) unlisted.add(id); });
        for (String id : unlisted) {
            rows.putIfAbsent(id, new ScenarioRow(id, null, null, null, null, privateChats.get(id), groups.getOrDefault(id, List.of())));
        }
        return new ScenarioList(List.copyOf(rows.values()));
    }

    /** Validates the document and stores it as a new version; an identical document answers the latest version. */
    public Uploaded upload(Caller caller, byte[] body) {
        caller.requireAdmin();
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("body", "the body must be a scenario document (JSON, docs/scenarios.md)");
        }
        if (body.length > MAX_DOCUMENT_BYTES) {
            throw ApiException.tooLarge("a scenario document is at most " + MAX_DOCUMENT_BYTES + " bytes");
        }
        Scenario scenario;
        try {
            scenario = ScenarioDocument.parse(utf8(body));
        } catch (ScenarioInvalidException e) {
            throw ApiException.invalidDocument("body", "the scenario is invalid (" + e.errors().size()
                    + (e.errors().size() == 1 ? " problem)" : " problems)"), e.errors());
        }
        ScenarioStore.Stored stored = store.store(caller.botId(), scenario, clock.millis());
        return new Uploaded(stored.scenarioId(), stored.version(), stored.created());
    }

    /**
     * Attaches a version (the latest when {@code version} is null) to private chats ({@code chatId} null) or to a
     * group; the next event of a dialog there starts it (runs already going keep their version).
     */
    public Activated activate(Caller caller, String scenarioId, Integer version, Long chatId) {
        caller.requireAdmin();
        if (!ScenarioDocument.isValidId(scenarioId)) throw ApiException.notFound("scenario");
        int v;
        if (version == null) {
            OptionalInt latest = store.latestVersion(caller.botId(), scenarioId);
            if (latest.isEmpty()) throw ApiException.notFound("scenario");
            v = latest.getAsInt();
        } else {
            if (!store.hasVersion(caller.botId(), scenarioId, version)) throw ApiException.notFound("scenario version");
            v = version;
        }
        store.activate(caller.botId(), scenarioId, v, chatId, clock.millis());
        return new Activated(scenarioId, v, chatId == null ? "private_chats" : "group", chatId);
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("body", "the document is not UTF-8 text");
        }
    }
}
