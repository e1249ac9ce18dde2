package dev.tgdesk.bench;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PostToConnectionRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One function's meter, attached to every SDK client the function builds: counts each API call per
 * {@code Service.Operation} and prices it in the units AWS bills.
 *
 * <ul>
 * <li><b>DynamoDB</b>: read and write request units, per table and per index, computed with {@link DynamoCapacity}
 *     from the item images. Before a write it reads the items the write touches (strongly consistent, through an
 *     {@code oracle} client that is not counted), after the write it reads them again; for a Query or Scan it runs
 *     the same key condition, start key, limit and index again without the filter and projection; for a GetItem or
 *     BatchGetItem it reads the whole items. The requests the function sends are not otherwise changed; with
 *     {@code askCapacity} they also carry {@code ReturnConsumedCapacity=INDEXES} and what the service reports is
 *     summed next to the computed figure (on AWS the two should match; moto answers placeholders).</li>
 * <li><b>SQS</b>: requests as billed (one per call, one more per started 64 KB of payload); receives that came back
 *     empty are counted apart (polling, not work).</li>
 * <li><b>EventBridge</b>: events put (billed per event); <b>API Gateway @connections</b>: messages posted (billed
 *     per started 32 KB).</li>
 * </ul>
 *
 * <p>The time spent in these hooks (the oracle reads) is added to {@link #OVERHEAD} for the calling thread, so that
 * the functions' measured durations can leave it out.
 */
final class CostMeter implements ExecutionInterceptor {

    /**
     * Nanoseconds the hooks spent (the oracle's reads), to subtract from handler timings: per invocation, inherited by
     * the threads a handler starts (the functions fan out on virtual threads).
     */
    static final InheritableThreadLocal<java.util.concurrent.atomic.AtomicLong> OVERHEAD = new InheritableThreadLocal<>() {
        @Override
        protected java.util.concurrent.atomic.AtomicLong initialValue() {
            return new java.util.concurrent.atomic.AtomicLong();
        }
    };

    private static final ExecutionAttribute<List<Pending>> PENDING = new ExecutionAttribute<>("tgdesk.bench.pendingWrites");
    private static final Pattern PLACEHOLDER = Pattern.compile("[#:][A-Za-z0-9_]+");

    enum Kind { PUT, UPDATE, DELETE, CHECK }

    /** A write about to happen: the item's image before it. */
    record Pending(DynamoCapacity.Schema table, Map<String, AttributeValue> key, Map<String, AttributeValue> before,
                   Kind kind, boolean transactional) {
    }

    final String function;
    private final Map<String, DynamoCapacity.Schema> schemas;
    private final DynamoDbClient oracle;
    private final boolean askCapacity;
    private final Map<String, DoubleAdder> counters = new ConcurrentHashMap<>();

    /**
     * @param schemas the tables by their physical name
     * @param oracle  a client without this meter, for the item images
     */
    CostMeter(String function, Map<String, DynamoCapacity.Schema> schemas, DynamoDbClient oracle, boolean askCapacity) {
        this.function = function;
        this.schemas = schemas;
        this.oracle = oracle;
        this.askCapacity = askCapacity;
    }

    // ------------------------------------------------------------------ counters

    void add(String key, double value) {
        counters.computeIfAbsent(key, k -> new DoubleAdder()).add(value);
    }

    /**
     * What was counted since the last reset. Keys: {@code call:Service.Operation}, {@code rru:<table>[/<index>]},
     * {@code wru:<table>[/<index>]}, {@code reported:DynamoDb}, {@code sqs:billed}, {@code sqs:emptyReceives},
     * {@code events:put}, {@code ws:messages}, {@code fail:Service.Operation}.
     */
    Map<String, Double> snapshot() {
        Map<String, Double> out = new TreeMap<>();
        counters.forEach((k, v) -> {
            double d = v.sum();
            if (d != 0) out.put(k, d);
        });
        return out;
    }

    void reset() {
        counters.clear();
    }

    // ------------------------------------------------------------------ hooks

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (!askCapacity) return context.request();
        ReturnConsumedCapacity indexes = ReturnConsumedCapacity.INDEXES;
        return switch (context.request()) {
            case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case DeleteItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case QueryRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case ScanRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case BatchGetItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case BatchWriteItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case TransactGetItemsRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case TransactWriteItemsRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            default -> context.request();
        };
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        long t0 = System.nanoTime();
        try {
            String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            add("call:" + service + "." + operation, 1);
            List<Pending> pending = pendingWrites(context.request());
            if (!pending.isEmpty()) attributes.putAttribute(PENDING, pending);
        } finally {
            OVERHEAD.get().addAndGet(System.nanoTime() - t0);
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        long t0 = System.nanoTime();
        try {
            SdkRequest request = context.request();
            SdkResponse response = context.response();
            List<Pending> pending = attributes.getAttribute(PENDING);
            if (pending != null) chargeWrites(pending, false);
            chargeReads(request, response);
            reported(response);
            other(request, response);
        } finally {
            OVERHEAD.get().addAndGet(System.nanoTime() - t0);
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        long t0 = System.nanoTime();
        try {
            String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            add("fail:" + service + "." + operation, 1);
            List<Pending> pending = attributes.getAttribute(PENDING);
            Throwable e = context.exception();
            if (pending != null && (e instanceof ConditionalCheckFailedException || e instanceof TransactionCanceledException)) {
                chargeWrites(pending, true);
            }
        } finally {
            OVERHEAD.get().addAndGet(System.nanoTime() - t0);
        }
    }

    // ------------------------------------------------------------------ DynamoDB writes

    private List<Pending> pendingWrites(SdkRequest request) {
        List<Pending> out = new ArrayList<>();
        switch (request) {
            case PutItemRequest r -> pending(out, r.tableName(), r.item(), Kind.PUT, false);
            case UpdateItemRequest r -> pending(out, r.tableName(), r.key(), Kind.UPDATE, false);
            case DeleteItemRequest r -> pending(out, r.tableName(), r.key(), Kind.DELETE, false);
            case BatchWriteItemRequest r -> r.requestItems().forEach((table, writes) -> {
                for (WriteRequest w : writes) {
                    if (w.putRequest() != null) pending(out, table, w.putRequest().item(), Kind.PUT, false);
                    else pending(out, table, w.deleteRequest().key(), Kind.DELETE, false);
                }
            });
            case TransactWriteItemsRequest r -> {
                for (TransactWriteItem t : r.transactItems()) {
                    if (t.put() != null) pending(out, t.put().tableName(), t.put().item(), Kind.PUT, true);
                    else if (t.update() != null) pending(out, t.update().tableName(), t.update().key(), Kind.UPDATE, true);
                    else if (t.delete() != null) pending(out, t.delete().tableName(), t.delete().key(), Kind.DELETE, true);
                    else if (t.conditionCheck() != null) {
                        pending(out, t.conditionCheck().tableName(), t.conditionCheck().key(), Kind.CHECK, true);
                    }
                }
            }
            default -> {
            }
        }
        return out;
    }

    private void pending(List<Pending> out, String tableName, Map<String, AttributeValue> itemOrKey, Kind kind, boolean tx) {
        DynamoCapacity.Schema table = schema(tableName);
        Map<String, AttributeValue> key = table.key(itemOrKey);
        out.add(new Pending(table, key, image(table, key), kind, tx));
    }

    /** {@code failed}: the write did not happen (condition failed, transaction cancelled): the item is unchanged. */
    private void chargeWrites(List<Pending> pending, boolean failed) {
        for (Pending p : pending) {
            Map<String, AttributeValue> after = failed || p.kind() == Kind.CHECK ? p.before()
                    : p.kind() == Kind.DELETE ? null : image(p.table(), p.key());
            double tableUnits = p.kind() == Kind.CHECK || failed ? DynamoCapacity.writeUnits(DynamoCapacity.itemSize(p.before()))
                    : DynamoCapacity.tableWrite(p.before(), after);
            add("wru:" + p.table().label(), p.transactional() ? 2 * tableUnits : tableUnits);
            if (failed || p.kind() == Kind.CHECK) continue;
            for (DynamoCapacity.Index index : p.table().indexes()) {
                double u = DynamoCapacity.indexWrite(p.table(), index, p.before(), after);
                if (u > 0) add("wru:" + p.table().label() + "/" + index.name(), u);
            }
        }
    }

    // ------------------------------------------------------------------ DynamoDB reads

    private void chargeReads(SdkRequest request, SdkResponse response) {
        switch (request) {
            case GetItemRequest r -> {
                DynamoCapacity.Schema table = schema(r.tableName());
                GetItemResponse res = (GetItemResponse) response;
                boolean partial = r.projectionExpression() != null || r.hasAttributesToGet();
                Map<String, AttributeValue> item = partial ? image(table, r.key()) : res.hasItem() ? res.item() : null;
                read(table.label(), DynamoCapacity.readUnits(DynamoCapacity.itemSize(item)), r.consistentRead());
            }
            case BatchGetItemRequest r -> {
                BatchGetItemResponse res = (BatchGetItemResponse) response;
                for (var e : r.requestItems().entrySet()) {
                    DynamoCapacity.Schema table = schema(e.getKey());
                    KeysAndAttributes ka = e.getValue();
                    List<Map<String, AttributeValue>> unprocessed = res.hasUnprocessedKeys() && res.unprocessedKeys().containsKey(e.getKey())
                            ? res.unprocessedKeys().get(e.getKey()).keys() : List.of();
                    for (Map<String, AttributeValue> key : ka.keys()) {
                        if (unprocessed.contains(key)) continue;
                        read(table.label(), DynamoCapacity.readUnits(DynamoCapacity.itemSize(image(table, key))), ka.consistentRead());
                    }
                }
            }
            case TransactGetItemsRequest r -> r.transactItems().forEach(t -> {
                DynamoCapacity.Schema table = schema(t.get().tableName());
                add("rru:" + table.label(), 2 * DynamoCapacity.readUnits(DynamoCapacity.itemSize(image(table, t.get().key()))));
            });
            case QueryRequest r -> queried(r);
            case ScanRequest r -> scanned(r);
            default -> {
            }
        }
    }

    private void queried(QueryRequest r) {
        DynamoCapacity.Schema table = schema(r.tableName());
        DynamoCapacity.Index index = r.indexName() == null ? null : table.index(r.indexName());
        QueryRequest.Builder again = QueryRequest.builder().tableName(r.tableName()).indexName(r.indexName())
                .limit(r.limit()).scanIndexForward(r.scanIndexForward()).consistentRead(r.consistentRead());
        if (r.hasExclusiveStartKey()) again.exclusiveStartKey(r.exclusiveStartKey());
        if (r.keyConditionExpression() != null) {
            Set<String> used = placeholders(r.keyConditionExpression());
            again.keyConditionExpression(r.keyConditionExpression());
            if (r.hasExpressionAttributeNames()) again.expressionAttributeNames(only(r.expressionAttributeNames(), used));
            if (r.hasExpressionAttributeValues()) again.expressionAttributeValues(only(r.expressionAttributeValues(), used));
        } else {
            again.keyConditions(r.keyConditions());
        }
        QueryResponse res = oracle.query(again.build());
        long bytes = 0;
        for (Map<String, AttributeValue> item : res.items()) {
            bytes += DynamoCapacity.itemSize(index == null ? item : DynamoCapacity.indexEntry(table, index, item));
        }
        read(table.label() + (index == null ? "" : "/" + index.name()), DynamoCapacity.readUnits(bytes), r.consistentRead());
    }

    private void scanned(ScanRequest r) {
        DynamoCapacity.Schema table = schema(r.tableName());
        DynamoCapacity.Index index = r.indexName() == null ? null : table.index(r.indexName());
        ScanRequest.Builder again = ScanRequest.builder().tableName(r.tableName()).indexName(r.indexName()).limit(r.limit())
                .consistentRead(r.consistentRead()).segment(r.segment()).totalSegments(r.totalSegments());
        if (r.hasExclusiveStartKey()) again.exclusiveStartKey(r.exclusiveStartKey());
        ScanResponse res = oracle.scan(again.build());
        long bytes = 0;
        for (Map<String, AttributeValue> item : res.items()) {
            bytes += DynamoCapacity.itemSize(index == null ? item : DynamoCapacity.indexEntry(table, index, item));
        }
        read(table.label() + (index == null ? "" : "/" + index.name()), DynamoCapacity.readUnits(bytes), r.consistentRead());
    }

    private void read(String target, double strongUnits, Boolean consistent) {
        add("rru:" + target, Boolean.TRUE.equals(consistent) ? strongUnits : strongUnits / 2);
    }

    private static Set<String> placeholders(String expression) {
        Set<String> out = new java.util.HashSet<>();
        Matcher m = PLACEHOLDER.matcher(expression);
        while (m.find()) out.add(m.group());
        return out;
    }

    private static <V> Map<String, V> only(Map<String, V> map, Set<String> keys) {
        Map<String, V> out = new HashMap<>();
        map.forEach((k, v) -> {
            if (keys.contains(k)) out.put(k, v);
        });
        return out.isEmpty() ? null : out;
    }

    private void reported(SdkResponse response) {
        try {
            Object cc = response.getValueForField("ConsumedCapacity", Object.class).orElse(null);
            double units = 0;
            if (cc instanceof ConsumedCapacity c && c.capacityUnits() != null) units = c.capacityUnits();
            else if (cc instanceof List<?> list) {
                for (Object o : list) if (o instanceof ConsumedCapacity c && c.capacityUnits() != null) units += c.capacityUnits();
            }
            if (units > 0) add("reported:DynamoDb", units);
        } catch (RuntimeException ignored) {
            // not a DynamoDB response
        }
    }

    // ------------------------------------------------------------------ other services

    private void other(SdkRequest request, SdkResponse response) {
        switch (request) {
            case SendMessageRequest r -> add("sqs:billed", chunks(utf8(r.messageBody()), 65_536));
            case SendMessageBatchRequest r -> add("sqs:billed",
                    chunks(r.entries().stream().mapToLong(e -> utf8(e.messageBody())).sum(), 65_536));
            case PutEventsRequest r -> add("events:put", r.entries().size());
            case PostToConnectionRequest r -> add("ws:messages", chunks(r.data().asByteArrayUnsafe().length, 32_768));
            default -> {
                if (response instanceof ReceiveMessageResponse res) {
                    if (res.messages().isEmpty()) {
                        add("sqs:emptyReceives", 1);
                    } else {
                        add("sqs:billed", chunks(res.messages().stream().mapToLong(m -> utf8(m.body())).sum(), 65_536));
                    }
                } else if (request.getClass().getPackageName().startsWith("software.amazon.awssdk.services.sqs")) {
                    add("sqs:billed", 1);
                }
            }
        }
    }

    private static long chunks(long bytes, int chunk) {
        return Math.max(1, (bytes + chunk - 1) / chunk);
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    // ------------------------------------------------------------------ helpers

    private DynamoCapacity.Schema schema(String tableName) {
        DynamoCapacity.Schema s = schemas.get(tableName);
        if (s == null) throw new IllegalStateException("no schema for table " + tableName);
        return s;
    }

    /** The whole item as stored now, or null. */
    private Map<String, AttributeValue> image(DynamoCapacity.Schema table, Map<String, AttributeValue> key) {
        var res = oracle.getItem(b -> b.tableName(table.name()).key(key).consistentRead(true));
        return res.hasItem() && !res.item().isEmpty() ? res.item() : null;
    }

    @Override
    public String toString() {
        return "CostMeter[" + function + "]";
    }
}
