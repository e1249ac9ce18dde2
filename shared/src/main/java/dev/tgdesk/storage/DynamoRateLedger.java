package dev.tgdesk.storage;

import dev.tgdesk.outbound.RateLedger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import static dev.tgdesk.storage.Attrs.s;
import static dev.tgdesk.storage.Attrs.n;

/**
 * {@link RateLedger} on the single table.
 *
 * <p>Global slots: one counter item per bot and epoch second ({@code pk B#{bot}#RATE}, {@code sk {second}},
 * {@code n} = slots handed out, TTL two minutes). A reservation is one conditional UpdateItem that moves
 * {@code n} to {@code max(n, first slot not yet past) + 1} and returns it, so {@code ≤ perSecond} slots per second
 * across every sender, and never a slot already in the past (which would bunch sends up). When a second is
 * full the next one is tried; seconds seen full are remembered in this process to save calls.
 *
 * <p>Per chat: one item ({@code pk B#{bot}#PACE#{chat}}, {@code sk PACE}) with the recent send times. Only the
 * sender serving the chat's FIFO group writes it, so a plain Put suffices.
 */
public final class DynamoRateLedger implements RateLedger {

    static final long RATE_TTL_SECONDS = 120;
    static final long PACE_TTL_SECONDS = 3600;

    private final DynamoDbClient dynamo;
    private final String table;
    /** Per bot: the latest second known to be full. */
    private final Map<String, Long> fullUpTo = new ConcurrentHashMap<>();

    public DynamoRateLedger(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public List<Long> recentSends(String botId, String chatId) {
        var item = dynamo.getItem(g -> g.tableName(table).key(paceKey(botId, chatId)).consistentRead(true)).item();
        if (item == null || !item.containsKey("sends")) return List.of();
        List<Long> sends = new ArrayList<>();
        for (AttributeValue v : item.get("sends").l()) sends.add(Long.parseLong(v.n()));
        return sends;
    }

    @Override
    public void recordSends(String botId, String chatId, List<Long> recentSends) {
        var item = new java.util.HashMap<>(paceKey(botId, chatId));
        item.put("sends", AttributeValue.fromL(recentSends.stream().map(t -> AttributeValue.fromN(Long.toString(t))).toList()));
        long last = recentSends.stream().mapToLong(Long::longValue).max().orElse(System.currentTimeMillis());
        item.put("ttl", n(last / 1000 + PACE_TTL_SECONDS));
        dynamo.putItem(p -> p.tableName(table).item(item));
    }

    @Override
    public long reserve(String botId, int perSecond, long earliest, long latest, long now) {
        double spacing = 1000.0 / perSecond;
        long from = Math.max(earliest, now);
        for (long second = from / 1000; second * 1000 <= latest; second++) {
            if (second <= fullUpTo.getOrDefault(botId, Long.MIN_VALUE)) continue;
            long offset = from - second * 1000;
            int minSlot = offset <= 0 ? 0 : (int) Math.ceil(offset / spacing);
            if (minSlot >= perSecond) continue;
            int slot = takeSlot(botId, second, minSlot, perSecond);
            if (slot < 0) {
                fullUpTo.merge(botId, second, Math::max);
                continue;
            }
            long at = second * 1000 + Math.round(slot * spacing);
            return at <= latest ? at : -1;
        }
        return -1;
    }

    /** The slot taken in {@code second} (≥ minSlot), or -1 when the second is full. */
    private int takeSlot(String botId, long second, int minSlot, int perSecond) {
        Map<String, AttributeValue> key = Map.of(Keys.PK, s(Keys.rate(botId)), Keys.SK, s(Long.toString(second)));
        AttributeValue ttl = n(second + RATE_TTL_SECONDS);
        for (int attempt = 0; attempt < 8; attempt++) {
            try {
                // n := (n, or minSlot if absent) + 1, provided minSlot ≤ n < perSecond
                var result = dynamo.updateItem(u -> u.tableName(table).key(key)
                        .updateExpression("SET #n = if_not_exists(#n, :min) + :one, #ttl = :ttl")
                        .conditionExpression("attribute_not_exists(#n) OR (#n >= :min AND #n < :limit)")
                        .expressionAttributeNames(Map.of("#n", "n", "#ttl", "ttl"))
                        .expressionAttributeValues(Map.of(":min", n(minSlot), ":one", n(1), ":limit", n(perSecond), ":ttl", ttl))
                        .returnValues(ReturnValue.UPDATED_NEW)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return Integer.parseInt(result.attributes().get("n").n()) - 1;
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> old = e.hasItem() && !e.item().isEmpty() ? e.item()
                        : dynamo.getItem(g -> g.tableName(table).key(key).consistentRead(true)).item();
                if (old == null || !old.containsKey("n")) continue;
                int taken = Integer.parseInt(old.get("n").n());
                if (taken >= perSecond) return -1;
                // fewer slots taken than are already past: jump over the past ones, if nobody moved meanwhile
                try {
                    dynamo.updateItem(u -> u.tableName(table).key(key)
                            .updateExpression("SET #n = :next, #ttl = :ttl")
                            .conditionExpression("#n = :taken")
                            .expressionAttributeNames(Map.of("#n", "n", "#ttl", "ttl"))
                            .expressionAttributeValues(Map.of(":next", n(minSlot + 1), ":taken", n(taken), ":ttl", ttl)));
                    return minSlot;
                } catch (ConditionalCheckFailedException moved) {
                    // someone else took a slot meanwhile: read the new count in the next round
                }
            }
        }
        return -1;
    }

    private static Map<String, AttributeValue> paceKey(String botId, String chatId) {
        return Map.of(Keys.PK, s(Keys.pace(botId, chatId)), Keys.SK, s(Keys.PACE_SK));
    }


}
