package dev.tgdesk.sender;

import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.outbound.PacingPolicy;
import dev.tgdesk.storage.DynamoRateLedger;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The global slot reservation against the emulated DynamoDB, by several "sender instances" reserving at the
 * same time (LocalAws's moto applies writes to an item one at a time, as DynamoDB does; see MotoServer).
 */
class DynamoRateLedgerTest {

    @Test
    void reservationsAcrossInstancesAreDistinctEvenlySpacedAndNeverPast() throws Exception {
        LocalAws aws = LocalAws.shared();
        String table = TemplateResources.create(aws, "rl-" + System.currentTimeMillis() % 100000 + "-").tableName("DataTable");
        var dynamo = aws.dynamoDb();
        int perSecond = PacingPolicy.telegram().globalBudgetPerSecond();
        List<DynamoRateLedger> instances = new ArrayList<>();
        for (int i = 0; i < 6; i++) instances.add(new DynamoRateLedger(dynamo, table)); // each with its own cache
        List<Long> slots = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.currentTimeMillis() + 500;
        List<java.util.concurrent.Future<Object>> done = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(instances.size())) {
            for (DynamoRateLedger instance : instances) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        long now = System.currentTimeMillis();
                        long slot = instance.reserve("bot1", perSecond, start, start + 60_000, now);
                        assertTrue(slot >= Math.max(start, now), "never a slot in the past");
                        slots.add(slot);
                    }
                    return null;
                }));
            }
        }
        for (var f : done) f.get(); // rethrows an assertion that failed on a worker
        assertEquals(90, slots.stream().distinct().count(), "every slot handed out once");
        Map<Long, Integer> bySecond = new HashMap<>();
        slots.forEach(s -> bySecond.merge(s / 1000, 1, Integer::sum));
        bySecond.values().forEach(n -> assertTrue(n <= perSecond, "at most " + perSecond + " per second: " + n));
        List<Long> sorted = slots.stream().sorted().toList();
        for (int i = 1; i < sorted.size(); i++) {
            assertTrue(sorted.get(i) - sorted.get(i - 1) >= 1000 / perSecond, "evenly spaced");
        }
        // a late reserver skips the slots already past instead of taking them
        long late = System.currentTimeMillis();
        long later = instances.get(0).reserve("bot2", perSecond, late, late + 1500, late);
        long laterStill = instances.get(1).reserve("bot2", perSecond, late + 700, late + 2000, late + 700);
        assertTrue(laterStill >= late + 700 && laterStill > later);
    }
}
