package dev.tgdesk.storage;

import dev.tgdesk.automation.ScenarioCatalog;
import dev.tgdesk.scenario.Scenario;
import dev.tgdesk.scenario.ScenarioDocument;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scenario versions and which one runs where. A version is immutable once stored (the runs pinned to it
 * keep working when a newer one is activated), so reads are cached for the life of the container.
 *
 * <pre>
 * B#{bot}#SCN#{id}  V#{version:06}   the document (JSON as uploaded), uploadedAt, sha256
 * B#{bot}#SCN#{id}  LATEST           version = the highest stored, sha256 of it
 * B#{bot}#BIND      PRIVATE          scenarioId, version: runs in private chats
 * B#{bot}#BIND      CHAT#{chatId}    scenarioId, version: runs in that group
 * </pre>
 */
public final class DynamoScenarioCatalog implements ScenarioCatalog {

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

    /** What {@link #store} did: the version number, and whether it is new (an identical document is not stored twice). */
    public record Stored(String scenarioId, int version, boolean created) {
    }

    /**
     * Stores a validated document as the next version of its scenario, unless it is identical to the latest
     * version. Safe against concurrent uploads (the LATEST pointer is updated conditionally).
     */
    public Stored store(String botId, Scenario scenario, long now) {
        String pk = Keys.scenario(botId, scenario.id());
        String sha = sha256(scenario.json());
        for (int attempt = 0; attempt < 5; attempt++) {
            var latest = dynamo.getItem(b -> b.tableName(table).key(Attrs.key(pk, Keys.LATEST_SK)).consistentRead(true)).item();
            int current = latest == null || !latest.containsKey("version") ? 0 : Integer.parseInt(latest.get("version").n());
            if (current > 0 && sha.equals(latest.get("sha256").s())) return new Stored(scenario.id(), current, false);
            int next = current + 1;
            Map<String, AttributeValue> version = new HashMap<>(Attrs.key(pk, Keys.scenarioVersion(next)));
            version.put("scenarioId", Attrs.s(scenario.id()));
            version.put("version", Attrs.n(next));
            version.put("name", Attrs.s(scenario.name() == null ? scenario.id() : scenario.name()));
            version.put("document", Attrs.s(scenario.json()));
            version.put("sha256", Attrs.s(sha));
            version.put("uploadedAt", Attrs.n(now));
            Map<String, AttributeValue> pointer = new HashMap<>(Attrs.key(pk, Keys.LATEST_SK));
            pointer.put("version", Attrs.n(next));
            pointer.put("sha256", Attrs.s(sha));
            pointer.put("updatedAt", Attrs.n(now));
            Put pointerPut = current == 0
                    ? Put.builder().tableName(table).item(pointer).conditionExpression("attribute_not_exists(pk)").build()
                    : Put.builder().tableName(table).item(pointer).conditionExpression("#v = :v")
                    .expressionAttributeNames(Map.of("#v", "version")).expressionAttributeValues(Map.of(":v", Attrs.n(current))).build();
            try {
                dynamo.transactWriteItems(b -> b.transactItems(
                        TransactWriteItem.builder().put(Put.builder().tableName(table).item(version)
                                .conditionExpression("attribute_not_exists(pk)").build()).build(),
                        TransactWriteItem.builder().put(pointerPut).build()));
                return new Stored(scenario.id(), next, true);
            } catch (TransactionCanceledException concurrentUpload) {
                // someone stored a version meanwhile: read LATEST again
            }
        }
        throw new IllegalStateException("scenario " + scenario.id() + " kept changing while storing it");
    }

    /** Runs {@code scenarioId@version} in private chats ({@code chatId} null) or in one group chat. */
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
