package dev.tgdesk.storage;

import dev.tgdesk.automation.ScenarioCatalog;
import dev.tgdesk.operator.scenarios.ScenarioStore;
import dev.tgdesk.scenario.Scenario;
import dev.tgdesk.scenario.ScenarioDocument;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scenario versions and which one runs where. A version is immutable once stored (the runs pinned to it
 * keep working when a newer one is activated), so reads are cached for the life of the container.
 *
 * <pre>
 * B#{bot}#SCN#{id}     V#{version:06}   the document (JSON as uploaded), uploadedAt, sha256
 * B#{bot}#SCN#{id}     LATEST           version = the highest stored, sha256 of it, listed (the list entry exists)
 * B#{bot}#SCENARIOS    SCN#{id}         the list of scenarios: name, latestVersion, createdAt, updatedAt
 * B#{bot}#BIND         PRIVATE          scenarioId, version: runs in private chats
 * B#{bot}#BIND         CHAT#{chatId}    scenarioId, version: runs in that group
 * </pre>
 *
 * <p>A new version writes the version, the LATEST pointer and the list entry in one transaction. Scenarios stored
 * before the list existed get their entry the next time the same document is uploaded (the local runner uploads
 * {@code scenarios/} at every start; {@code infra/scenario.sh upload} does it for a deployment).
 */
public final class DynamoScenarioCatalog implements ScenarioCatalog, ScenarioStore {

    private final DynamoDbClient dynamo;
    private final String table;
    private final Map<String, Optional<Scenario>> cache = new ConcurrentHashMap<>();

    public DynamoScenarioCatalog(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<Scenario> find(String botId, String scenarioId, int version) {
        String cacheKey = botId + "/" + scenarioId + "/" + version;
        Optional<Scenario> cached = cache.get(cacheKey);
        if (cached != null && cached.isPresent()) return cached;
        var item = dynamo.getItem(b -> b.tableName(table)
                .key(Attrs.key(Keys.scenario(botId, scenarioId), Keys.scenarioVersion(version)))).item();
        if (item == null || !item.containsKey("document")) return Optional.empty();
        Optional<Scenario> found = Optional.of(ScenarioDocument.parse(item.get("document").s()).withVersion(version));
        cache.put(cacheKey, found);
        return found;
    }

    /**
     * Stores a validated document as the next version of its scenario, unless it is identical to the latest
     * version. Safe against concurrent uploads (the LATEST pointer is updated conditionally).
     */
    @Override
    public Stored store(String botId, Scenario scenario, long now) {
        String pk = Keys.scenario(botId, scenario.id());
        String sha = sha256(scenario.json());
        String name = scenario.name() == null ? scenario.id() : scenario.name();
        for (int attempt = 0; attempt < 5; attempt++) {
            var latest = dynamo.getItem(b -> b.tableName(table).key(Attrs.key(pk, Keys.LATEST_SK)).consistentRead(true)).item();
            int current = latest == null || !latest.containsKey("version") ? 0 : Integer.parseInt(latest.get("version").n());
            boolean listed = current > 0 && Attrs.bool(latest, "listed");
            if (current > 0 && sha.equals(latest.get("sha256").s())) {
                if (!listed) addToList(botId, scenario.id(), name, current, firstStoredAt(botId, scenario.id(), now),
                        Attrs.num(latest, "updatedAt", now));
                return new Stored(scenario.id(), current, false);
            }
            int next = current + 1;
            long createdAt = current == 0 || listed ? now : firstStoredAt(botId, scenario.id(), now);
            Map<String, AttributeValue> version = new HashMap<>(Attrs.key(pk, Keys.scenarioVersion(next)));
            version.put("scenarioId", Attrs.s(scenario.id()));
            version.put("version", Attrs.n(next));
            version.put("name", Attrs.s(name));
            version.put("document", Attrs.s(scenario.json()));
            version.put("sha256", Attrs.s(sha));
            version.put("uploadedAt", Attrs.n(now));
            Map<String, AttributeValue> pointer = new HashMap<>(Attrs.key(pk, Keys.LATEST_SK));
            pointer.put("version", Attrs.n(next));
            pointer.put("sha256", Attrs.s(sha));
            pointer.put("updatedAt", Attrs.n(now));
            pointer.put("listed", AttributeValue.fromBool(true));
            Put pointerPut = current == 0
                    ? Put.builder().tableName(table).item(pointer).conditionExpression("attribute_not_exists(pk)").build()
                    : Put.builder().tableName(table).item(pointer).conditionExpression("#v = :v")
                    .expressionAttributeNames(Map.of("#v", "version")).expressionAttributeValues(Map.of(":v", Attrs.n(current))).build();
            try {
                dynamo.transactWriteItems(b -> b.transactItems(
                        TransactWriteItem.builder().put(Put.builder().tableName(table).item(version)
                                .conditionExpression("attribute_not_exists(pk)").build()).build(),
                        TransactWriteItem.builder().put(pointerPut).build(),
                        TransactWriteItem.builder().update(listEntry(botId, scenario.id(), name, next, createdAt, now)).build()));
                return new Stored(scenario.id(), next, true);
            } catch (TransactionCanceledException concurrentUpload) {
                // someone stored a version meanwhile: read LATEST again
            }
        }
        throw new IllegalStateException("scenario " + scenario.id() + " kept changing while storing it");
    }

    /** The list entry: name and latest version now; createdAt only when the entry is new. */
    private Update listEntry(String botId, String scenarioId, String name, int version, long createdAt, long updatedAt) {
        return Update.builder().tableName(table).key(Attrs.key(Keys.scenarioList(botId), Keys.scenarioListEntry(scenarioId)))
                .updateExpression("SET scenarioId = :id, #n = :name, latestVersion = :v, updatedAt = :u, "
                        + "createdAt = if_not_exists(createdAt, :c)")
                .conditionExpression("attribute_not_exists(latestVersion) OR latestVersion <= :v")
                .expressionAttributeNames(Map.of("#n", "name"))
                .expressionAttributeValues(Map.of(":id", Attrs.s(scenarioId), ":name", Attrs.s(name), ":v", Attrs.n(version),
                        ":u", Attrs.n(updatedAt), ":c", Attrs.n(createdAt)))
                .build();
    }

    /** Lists a scenario stored before the list existed (once: LATEST is marked listed afterwards). */
    private void addToList(String botId, String scenarioId, String name, int version, long createdAt, long updatedAt) {
        Update entry = listEntry(botId, scenarioId, name, version, createdAt, updatedAt);
        try {
            dynamo.updateItem(b -> b.tableName(table).key(entry.key()).updateExpression(entry.updateExpression())
                    .conditionExpression(entry.conditionExpression()).expressionAttributeNames(entry.expressionAttributeNames())
                    .expressionAttributeValues(entry.expressionAttributeValues()));
        } catch (ConditionalCheckFailedException newerListed) {
            // a newer version is listed already
        }
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Attrs.key(Keys.scenario(botId, scenarioId), Keys.LATEST_SK))
                    .updateExpression("SET listed = :t").conditionExpression("#v = :v")
                    .expressionAttributeNames(Map.of("#v", "version"))
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true), ":v", Attrs.n(version))));
        } catch (ConditionalCheckFailedException moved) {
            // a new version was stored meanwhile, and listed with it
        }
    }

    /** When version 1 was stored, for the list entry of a scenario stored before the list existed. */
    private long firstStoredAt(String botId, String scenarioId, long fallback) {
        var first = dynamo.getItem(b -> b.tableName(table)
                .key(Attrs.key(Keys.scenario(botId, scenarioId), Keys.scenarioVersion(1))).projectionExpression("uploadedAt")).item();
        return first == null ? fallback : Attrs.num(first, "uploadedAt", fallback);
    }

    @Override
    public List<Summary> scenarios(String botId) {
        List<Summary> out = new ArrayList<>();
        for (var item : partition(Keys.scenarioList(botId))) {
            out.add(new Summary(Attrs.str(item, "scenarioId"), Attrs.str(item, "name"), (int) Attrs.num(item, "latestVersion", 0),
                    Attrs.num(item, "createdAt", 0), Attrs.num(item, "updatedAt", 0)));
        }
        return out;
    }

    @Override
    public List<Binding> bindings(String botId) {
        List<Binding> privateChats = new ArrayList<>();
        List<Binding> groups = new ArrayList<>();
        for (var item : partition(Keys.bindings(botId))) {
            String sk = Attrs.str(item, Keys.SK);
            if (Keys.BIND_PRIVATE_SK.equals(sk)) {
                privateChats.add(binding(null, item));
            } else if (sk != null && sk.startsWith("CHAT#")) {
                groups.add(binding(Long.parseLong(sk.substring("CHAT#".length())), item));
            }
        }
        privateChats.addAll(groups);
        return privateChats;
    }

    private static Binding binding(Long chatId, Map<String, AttributeValue> item) {
        return new Binding(chatId, Attrs.str(item, "scenarioId"), (int) Attrs.num(item, "version", 0), Attrs.num(item, "activatedAt", 0));
    }

    /** Every item of a (small) partition, all pages. */
    private List<Map<String, AttributeValue>> partition(String pk) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", Attrs.s(pk))).exclusiveStartKey(from));
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    @Override
    public OptionalInt latestVersion(String botId, String scenarioId) {
        var latest = dynamo.getItem(b -> b.tableName(table).key(Attrs.key(Keys.scenario(botId, scenarioId), Keys.LATEST_SK))
                .consistentRead(true)).item();
        return latest == null || !latest.containsKey("version") ? OptionalInt.empty()
                : OptionalInt.of(Integer.parseInt(latest.get("version").n()));
    }

    @Override
    public boolean hasVersion(String botId, String scenarioId, int version) {
        return version > 0 && find(botId, scenarioId, version).isPresent();
    }

    /** Runs {@code scenarioId@version} in private chats ({@code chatId} null) or in one group chat. */
    @Override
    public void activate(String botId, String scenarioId, int version, Long chatId, long now) {
        if (find(botId, scenarioId, version).isEmpty()) {
            throw new IllegalArgumentException("scenario " + scenarioId + " has no version " + version);
        }
        Map<String, AttributeValue> item = new HashMap<>(Attrs.key(Keys.bindings(botId),
                chatId == null ? Keys.BIND_PRIVATE_SK : Keys.chatBinding(chatId)));
        item.put("scenarioId", Attrs.s(scenarioId));
        item.put("version", Attrs.n(version));
        item.put("activatedAt", Attrs.n(now));
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    /** Stops running scenarios in private chats ({@code chatId} null) or in that group. */
    public void deactivate(String botId, Long chatId) {
        dynamo.deleteItem(b -> b.tableName(table).key(Attrs.key(Keys.bindings(botId),
                chatId == null ? Keys.BIND_PRIVATE_SK : Keys.chatBinding(chatId))));
    }

    private static String sha256(String text) {
        try {
            var digest = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
