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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The global slot reservation against the emulated DynamoDB, from many concurrent "sender instances". */
class DynamoRateLedgerTest {

    @Test
    void concurrentReservationsGetDistinctEvenlySpacedSlots() throws Exception {
        LocalAws aws = LocalAws.shared();
        String table = TemplateResources.create(aws, "rl-" + System.currentTimeMillis() % 100000 + "-").tableName("DataTable");
        var dynamo = aws.dynamoDb();
        int perSecond = PacingPolicy.telegram().globalBudgetPerSecond();
        ConcurrentLinkedQueue<Long> slots = new ConcurrentLinkedQueue<>();
        long start = System.currentTimeMillis() + 2000; // all in the future: nothing is skipped as past
        // The counter item exists before the race: moto does not serialise concurrent first writes to one new item
        // (two creators both get n = 1), which DynamoDB does; see docs/sender.md.
        slots.add(new DynamoRateLedger(dynamo, table).reserve("bot1", perSecond, start, start + 60_000, System.currentTimeMillis()));
        try (ExecutorService threads = Executors.newFixedThreadPool(12)) {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                DynamoRateLedger ledger = new DynamoRateLedger(dynamo, table); // one per instance: its own cache
                work.add(threads.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        long now = System.currentTimeMillis();
                        long slot = ledger.reserve("bot1", perSecond, start, start + 60_000, now);
                        if (slot >= 0) slots.add(slot);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) f.get();
        }
        assertEquals(121, slots.size());
        assertEquals(121, slots.stream().distinct().count(), "every slot handed out once: " + slots.stream().sorted().map(s -> (s - start) + "").toList());
        Map<Long, Integer> perSecondCount = new HashMap<>();
        slots.forEach(s -> perSecondCount.merge(s / 1000, 1, Integer::sum));
        perSecondCount.values().forEach(n -> assertTrue(n <= perSecond, "at most " + perSecond + " per second: " + n));
        List<Long> sorted = slots.stream().sorted().toList();
        for (int i = 1; i < sorted.size(); i++) {
            assertTrue(sorted.get(i) - sorted.get(i - 1) >= 1000 / perSecond, "slots evenly spaced");
        }
    }
}
