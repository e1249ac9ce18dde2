package dev.tgdesk.bench;

import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.inbox.InboxService;
import dev.tgdesk.operator.inbox.InboxViews;
import dev.tgdesk.storage.DialogIndex;
import dev.tgdesk.storage.DynamoInboxQueries;
import dev.tgdesk.storage.Keys;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What one inbox page costs as the table grows: seeds 1,000 then 20,000 dialogs (BatchWriteItem; realistic item
 * sizes; spread over kinds, statuses, five teams and twenty managers) and reads one page of 30 for an admin and for an
 * agent in two teams, counting AWS calls, items read, bytes and read units.
 *
 * <p>Read units are computed from the returned items with DynamoDB's published rules (Query: the sum of the item
 * sizes rounded up to 4 KB per call; BatchGetItem: each key rounded up to 4 KB, at least one unit; eventually
 * consistent reads cost half) because moto does not report ConsumedCapacity — checked first and printed.
 * Arguments (optional): {@code sizes=1000,20000 page=30}.
 */
public final class InboxBench {

    static final String BOT = "7000000001";
    static final long NOW = 1_764_000_000_000L;

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchArgs.parse(args);
        List<Integer> sizes = new ArrayList<>();
        for (String s : a.getOrDefault("sizes", "1000,20000").split(",")) sizes.add(Integer.parseInt(s.strip()));
        int page = Integer.parseInt(a.getOrDefault("page", "30"));

        LocalAws aws = LocalAws.shared();
        Map<String, Map<String, Object>> results = new LinkedHashMap<>();
        for (int size : sizes) {
            LocalResources res = TemplateResources.create(aws, "ibench" + size + "-" + Long.toString(System.nanoTime() % 1_000_000, 36) + "-");
            String table = res.tableName("DataTable");
            long t = System.nanoTime();
            try (DynamoDbClient seeding = aws.dynamoDb()) {
                seed(seeding, table, size);
            }
            System.out.printf("seeded %,d dialogs in %.1f s%n", size, (System.nanoTime() - t) / 1e9);
            Meter meter = new Meter();
            try (DynamoDbClient dynamo = aws.dynamoDb(meter)) {
                if (results.isEmpty()) reportConsumedCapacity(dynamo, table);
                InboxService inbox = new InboxService(new DynamoInboxQueries(dynamo, table), new Visibility(true));
                Caller admin = new Caller(BOT, "admin", "a@example.com", "Admin", Caller.Role.ADMIN, Set.of());
                Caller agent = new Caller(BOT, "op1", "op1@example.com", "Op 1", Caller.Role.AGENT, Set.of("t1", "t2"));
                var q = new InboxService.ListQuery("open", "private", null, null, false, InboxService.Sort.ACTIVITY_DESC, page, null);
                results.put(size + " admin", measure(meter, () -> inbox.list(admin, q)));
                results.put(size + " agent (2 teams)", measure(meter, () -> inbox.list(agent, q)));
                var second = inbox.list(agent, q);
                var q2 = new InboxService.ListQuery("open", "private", null, null, false, InboxService.Sort.ACTIVITY_DESC, page,
                        second.nextCursor());
                results.put(size + " agent, page 2", measure(meter, () -> inbox.list(agent, q2)));
            }
        }
        System.out.println();
        System.out.printf("%-24s %6s %7s %9s %8s %8s  %s%n", "page of " + page, "rows", "items", "bytes", "RRU", "calls", "per call");
        results.forEach((name, r) -> System.out.printf("%-24s %6s %7s %9s %8s %8s  %s%n", name, r.get("rows"), r.get("items"),
                r.get("bytes"), r.get("rru"), r.get("calls"), r.get("perCall")));
        System.exit(0);
    }

    interface Page {
        InboxViews.DialogPage run();
    }

    static Map<String, Object> measure(Meter meter, Page page) {
        meter.reset();
        InboxViews.DialogPage p = page.run();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rows", p.items().size());
        r.put("items", meter.items);
        r.put("bytes", meter.bytes);
        r.put("rru", String.format("%.1f", meter.units));
        r.put("calls", meter.calls.values().stream().mapToInt(Integer::intValue).sum());
        r.put("perCall", new java.util.TreeMap<>(meter.calls));
        return r;
    }

    static void reportConsumedCapacity(DynamoDbClient dynamo, String table) {
        long size = 0;
        var r = dynamo.query(b -> b.tableName(table).indexName(Keys.BY_STATUS_INDEX).keyConditionExpression("gsi1pk = :p")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(Keys.statusPartition(BOT, "private", "open"))))
                .limit(30).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        for (var item : r.items()) size += Meter.size(item);
        System.out.printf("ConsumedCapacity for a Query of %d items (%,d bytes, eventually consistent) with TOTAL: emulator says %s;"
                        + " DynamoDB's rule gives %.1f (ceil(bytes / 4 KB) x 0.5) -- the units below are computed by that rule%n",
                r.items().size(), size, r.consumedCapacity() == null ? "nothing" : r.consumedCapacity().capacityUnits(),
                Math.ceil(size / 4096.0) * 0.5);
    }

    // ---- seeding ----------------------------------------------------------------------------------------------

    static void seed(DynamoDbClient dynamo, String table, int count) throws Exception {
        Random random = new Random(42);
        List<WriteRequest> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) all.add(WriteRequest.builder().putRequest(PutRequest.builder().item(dialog(random, i)).build()).build());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 25) {
            List<WriteRequest> batch = all.subList(i, Math.min(all.size(), i + 25));
            futures.add(pool.submit(() -> {
                Map<String, List<WriteRequest>> pending = Map.of(table, batch);
                while (!pending.isEmpty()) {
                    Map<String, List<WriteRequest>> request = pending;
                    var response = dynamo.batchWriteItem(b -> b.requestItems(request));
                    pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                }
            }));
        }
        for (Future<?> f : futures) f.get();
        pool.shutdown();
    }

    /** A dialog item as the webhook and the assignment endpoints write it (about 600 bytes). */
    static Map<String, AttributeValue> dialog(Random random, int i) {
        String id = String.format("b%019d", i);
        double k = random.nextDouble();
        String kind = k < 0.8 ? "private" : k < 0.95 ? "group" : "channel";
        String status = random.nextDouble() < 0.7 ? "open" : "closed";
        String team = random.nextDouble() < 0.6 ? "t" + (1 + random.nextInt(5)) : null;
        String manager = random.nextDouble() < 0.4 ? "op" + (1 + random.nextInt(20)) : null;
        long opened = NOW - (long) (random.nextDouble() * 30 * 86_400_000L);
        long activity = opened + (long) (random.nextDouble() * (NOW - opened));
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Keys.PK, s(Keys.dialog(BOT, id)));
        item.put(Keys.SK, s(Keys.DIALOG_SK));
        item.put("dialogId", s(id));
        item.put("botId", s(BOT));
        item.put("chatId", n(100_000_000L + i));
        item.put("kind", s(kind));
        if (kind.equals("private")) item.put("contactUserId", n(100_000_000L + i));
        item.put("title", s(kind.equals("private") ? "Alexandra Konstantinopolskaya" : "Support group of the shop #" + i));
        item.put("username", s("user_" + i));
        item.put("status", s(status));
        item.put("openedAt", n(opened));
        item.put("lastActivityAt", n(activity));
        item.put("lastPreview", s("Hello! I ordered the blue jacket last week, size M, and the parcel still has not arrived. "
                + "Could you check the tracking number for me, please?"));
        item.put("lastSeq", n(1 + random.nextInt(60)));
        item.put("firstSeq", n(1));
        item.put("inboundCount", n(1 + random.nextInt(30)));
        if (manager != null) {
            item.put("assignee", s(manager));
            item.put("handler", s("operator"));
        }
        if (team != null) item.put("team", s(team));
        item.putAll(DialogIndex.keys(BOT, id, kind, status, team, manager, activity, opened));
        return item;
    }

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    // ---- metering ---------------------------------------------------------------------------------------------

    /** Counts calls, returned items, their sizes and the read units DynamoDB would charge for them. */
    static final class Meter implements ExecutionInterceptor {
        final Map<String, Integer> calls = new java.util.TreeMap<>();
        long items;
        long bytes;
        double units;

        synchronized void reset() {
            calls.clear();
            items = 0;
            bytes = 0;
            units = 0;
        }

        @Override
        public synchronized void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            Object request = context.request();
            Object response = context.response();
            calls.merge(request.getClass().getSimpleName().replace("Request", ""), 1, Integer::sum);
            if (response instanceof QueryResponse r && request instanceof QueryRequest q) {
                long size = 0;
                for (var item : r.items()) size += size(item);
                items += r.items().size();
                bytes += size;
                double perUnit = Boolean.TRUE.equals(q.consistentRead()) ? 1 : 0.5;
                units += Math.max(1, Math.ceil(size / 4096.0)) * perUnit;
            } else if (response instanceof BatchGetItemResponse r && request instanceof BatchGetItemRequest b) {
                b.requestItems().forEach((table, keys) -> {
                    double perUnit = Boolean.TRUE.equals(keys.consistentRead()) ? 1 : 0.5;
                    List<Map<String, AttributeValue>> found = r.responses().getOrDefault(table, List.of());
                    for (var item : found) {
                        long size = size(item);
                        items++;
                        bytes += size;
                        units += Math.max(1, Math.ceil(size / 4096.0)) * perUnit;
                    }
                    units += (keys.keys().size() - found.size()) * perUnit; // a key not found still costs the minimum
                });
            }
        }

        /** DynamoDB's item size: attribute names plus values (numbers ≈ 1 byte per 2 digits + 1). */
        static long size(Map<String, AttributeValue> item) {
            long size = 0;
            for (var e : item.entrySet()) size += e.getKey().getBytes(StandardCharsets.UTF_8).length + size(e.getValue());
            return size;
        }

        static long size(AttributeValue v) {
            if (v.s() != null) return v.s().getBytes(StandardCharsets.UTF_8).length;
            if (v.n() != null) return (v.n().replace("-", "").replace(".", "").length() + 1) / 2 + 1;
            if (v.bool() != null || Boolean.TRUE.equals(v.nul())) return 1;
            if (v.hasM()) return 3 + size(v.m());
            if (v.hasL()) return 3 + v.l().stream().mapToLong(x -> 1 + size(x)).sum();
            return 0;
        }
    }
}
