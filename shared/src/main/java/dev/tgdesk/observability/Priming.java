package dev.tgdesk.observability;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SnapStart priming: sample work a handler runs in its CRaC {@code beforeCheckpoint}, once, when Lambda publishes a
 * version and snapshots the initialised function. Whatever the samples load, link, JIT-compile and set up (Jackson's
 * serializers, the SDK clients' marshallers, signers and endpoint rules, the HTTP and TLS stacks) is then in the snapshot
 * instead of being paid by the first real event after each restore.
 *
 * <p>Rules for the samples: nothing may change data (reads of keys that do not exist, requests the service refuses
 * before acting, events the handler drops); nothing may count as traffic — {@link EmfMetrics} writes nothing while
 * priming runs; and a failing step must not fail the checkpoint (that would fail the deployment): it is logged (its name,
 * the exception class) and the next step runs.
 */
public final class Priming {

    /** One piece of sample work; throwing means the step failed. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    /** @param failed the names of the steps that threw */
    public record Report(String function, int steps, List<String> failed, long millis) {
        public boolean ok() {
            return failed.isEmpty();
        }
    }

    /** A counter, not a flag: the Lambda runtime calls the hooks of every registered resource from one thread, tests may nest. */
    private static final AtomicInteger ACTIVE = new AtomicInteger();

    private final String function;
    private final Map<String, Step> steps = new LinkedHashMap<>();

    private Priming(String function) {
        this.function = function;
    }

    public static Priming of(String function) {
        return new Priming(function);
    }

    /** True while a priming run is under way (in this JVM). */
    public static boolean active() {
        return ACTIVE.get() > 0;
    }

    /** For steps: the sample did not take the path it was meant to (a step that "succeeds" wrongly primes nothing). */
    public static void expect(boolean condition, String what) {
        if (!condition) throw new IllegalStateException("priming sample: " + what);
    }

    public Priming step(String name, Step step) {
        steps.put(name, step);
        return this;
    }

    public Report run() {
        return run(System.err);
    }

    /** Runs the steps in order; logs a WARN line per failed step and one INFO line at the end to {@code log}. */
    public Report run(PrintStream log) {
        long start = System.nanoTime();
        List<String> failed = new ArrayList<>();
        ACTIVE.incrementAndGet();
        try {
            for (Map.Entry<String, Step> s : steps.entrySet()) {
                try {
                    s.getValue().run();
                } catch (Exception | LinkageError | AssertionError e) {
                    failed.add(s.getKey());
                    Log.write(log, "WARN", "SnapStart priming step failed", e, "function", function, "step", s.getKey());
                }
            }
        } finally {
            ACTIVE.decrementAndGet();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Log.write(log, "INFO", "SnapStart priming done", null, "function", function, "steps", steps.size(),
                "failed", failed.size(), "ms", millis);
        return new Report(function, steps.size(), List.copyOf(failed), millis);
    }
}
