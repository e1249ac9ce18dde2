package dev.tgdesk.emulators.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The tables and queues {@link TemplateResources} created, by template logical id, and the
 * environment variables the template's functions would get for them.
 *
 * @param tables               by logical id, e.g. {@code DataTable}
 * @param queues               by logical id, e.g. {@code InboundQueue}
 * @param functionEnvironments by function logical id: variable name → local value, only for
 *                             variables that reference a table or queue (e.g. {@code TABLE_NAME})
 */
public record LocalResources(
        Map<String, LocalTable> tables,
        Map<String, LocalQueue> queues,
        Map<String, Map<String, String>> functionEnvironments,
        Map<String, String> buckets) {

    public LocalResources(Map<String, LocalTable> tables, Map<String, LocalQueue> queues,
                          Map<String, Map<String, String>> functionEnvironments) {
        this(tables, queues, functionEnvironments, Map.of());
    }

    public record LocalTable(String logicalId, String name, String arn, String streamArn) {
    }

    /** @param skippedAttributes template attributes the emulator rejected, so the queue lacks them */
    public record LocalQueue(String logicalId, String name, String url, String arn, Set<String> skippedAttributes) {
    }

    public LocalResources {
        tables = Map.copyOf(tables);
        queues = Map.copyOf(queues);
        buckets = buckets == null ? Map.of() : Map.copyOf(buckets);
        functionEnvironments = functionEnvironments.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Map.copyOf(e.getValue())));
    }

    public LocalTable table(String logicalId) {
        return lookup(tables, logicalId, "table");
    }

    public LocalQueue queue(String logicalId) {
        return lookup(queues, logicalId, "queue");
    }

    public String tableName(String logicalId) {
        return table(logicalId).name();
    }

    /** The local name of an S3 bucket of the template, e.g. {@code bucketName("FilesBucket")}. */
    public String bucketName(String logicalId) {
        return lookup(buckets, logicalId, "bucket");
    }

    public String queueUrl(String logicalId) {
        return queue(logicalId).url();
    }

    public String queueArn(String logicalId) {
        return queue(logicalId).arn();
    }

    /** One function's variables, e.g. {@code environment("WebhookFunction").get("TABLE_NAME")}. */
    public Map<String, String> environment(String functionLogicalId) {
        return lookup(functionEnvironments, functionLogicalId, "function");
    }

    /**
     * All functions' variables in one map ({@code TABLE_NAME}, {@code INBOUND_QUEUE_URL}, ...), to hand
     * to handler constructors. Fails if two functions give one name different values.
     */
    public Map<String, String> environment() {
        Map<String, String> merged = new LinkedHashMap<>();
        functionEnvironments.forEach((function, variables) -> variables.forEach((name, value) -> {
            String previous = merged.putIfAbsent(name, value);
            if (previous != null && !previous.equals(value)) {
                throw new IllegalStateException(name + " differs between functions (" + previous + " vs " + value
                        + "); use environment(functionLogicalId)");
            }
        }));
        return Map.copyOf(merged);
    }

    private static <V> V lookup(Map<String, V> map, String logicalId, String kind) {
        V value = map.get(logicalId);
        if (value == null) {
            throw new IllegalArgumentException("no " + kind + " '" + logicalId + "' in the template; known: "
                    + map.keySet());
        }
        return value;
    }
}
