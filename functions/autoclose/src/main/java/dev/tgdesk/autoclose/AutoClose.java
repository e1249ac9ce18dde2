package dev.tgdesk.autoclose;

import dev.tgdesk.operator.lifecycle.CloseContext;
import dev.tgdesk.operator.lifecycle.DialogCloser;
import dev.tgdesk.operator.lifecycle.LifecycleStore;
import dev.tgdesk.observability.Log;
import dev.tgdesk.outbound.OutboundCommand;
import dev.tgdesk.outbound.OutboundQueue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One auto-close run: for each dialog kind, pages through the open dialogs whose last activity is older than the
 * threshold (ByStatus index, oldest first — a Query, never a Scan) and closes each with the conditional
 * transaction of {@link DialogCloser}. A dialog that had activity meanwhile, or was closed by someone else, is
 * skipped. A run stops after {@code budget} dialogs (or when time runs short), so a backlog cannot outlast the
 * function's timeout; the next scheduled run continues with what is left.
 */
public final class AutoClose {

    public static final String[] KINDS = {"private", "group", "channel"};
    public static final int PAGE = 100;

    /** What one run did. {@code budgetReached}: it stopped early; older idle dialogs may remain for the next run. */
    public record Result(int closed, int skipped, int failed, int queries, boolean budgetReached) {
    }

    private final LifecycleStore store;
    private final DialogCloser closer;
    private final OutboundQueue outbound;
    private final Clock clock;
    private final Duration idle;
    private final int budget;

    public AutoClose(LifecycleStore store, DialogCloser closer, OutboundQueue outbound, Clock clock, Duration idle, int budget) {
        this.store = store;
        this.closer = closer;
        this.outbound = outbound;
        this.clock = clock;
        this.idle = idle;
        this.budget = budget;
    }

    public Result run(String botId) {
        return run(botId, () -> Long.MAX_VALUE);
    }

    /** @param remainingMillis how long the function may still run; the run stops when under 10 s are left */
    public Result run(String botId, LongSupplier remainingMillis) {
        long cutoff = clock.millis() - idle.toMillis();
        int closed = 0, skipped = 0, failed = 0, queries = 0;
        boolean stopped = false;
        for (String kind : KINDS) {
            String cursor = null;
            do {
                if (closed + skipped + failed >= budget || remainingMillis.getAsLong() < 10_000) {
                    stopped = true;
                    break;
                }
                int room = budget - closed - skipped - failed;
                LifecycleStore.IdlePage page = store.idle(botId, kind, cutoff, cursor, Math.min(PAGE, room));
                queries++;
                cursor = page.next();
                if (page.dialogs().isEmpty()) continue;
                List<OutboundCommand> commands = new ArrayList<>();
                for (CloseContext ctx : store.loadAll(page.dialogs())) {
                    try {
                        DialogCloser.Outcome outcome = closer.closeIdle(ctx, cutoff);
                        if (outcome.result() == DialogCloser.Result.CLOSED) {
                            closed++;
                            commands.addAll(outcome.commands());
                        } else {
                            skipped++;
                        }
                    } catch (RuntimeException e) {
                        failed++;
                        Log.warn("auto-close of one dialog failed", "error", e.getClass().getSimpleName());
                    }
                }
                // the closes are written; their closing messages go out in batches
                if (!commands.isEmpty()) outbound.enqueue(commands);
            } while (cursor != null);
            if (stopped) break;
        }
        return new Result(closed, skipped, failed, queries, stopped);
    }
}
