package dev.tgdesk.observability;

import java.io.PrintStream;
import java.util.regex.Pattern;

/**
 * Counters written as CloudWatch Embedded Metric Format lines on stdout: CloudWatch turns them into metrics without
 * any API call. Namespace {@link #namespace()} ({@code tgdesk/<stack>} when deployed), unit {@code Count}, dimension
 * {@code Function}; a split counter
 * ({@link #count(String, String, String, long)}) is published twice by one line: the total by {@code Function} and
 * by {@code Function} + its own dimension. Only metric names, dimension values from fixed sets and numbers are
 * written, never message content. Nothing is written while {@link Priming} runs (sample work is not traffic).
 */
public final class EmfMetrics implements Metrics {
    /** Metric and dimension names are code constants; dimension values are checked against this. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final String namespace;
    private final String function;
    private final PrintStream out;

    public EmfMetrics(String namespace, String function, PrintStream out) {
        this.namespace = namespace;
        this.function = function;
        this.out = out;
    }

    /** The template sets {@value #NAMESPACE_ENV} to {@code tgdesk/<stack name>}, so stacks sharing an account keep apart. */
    public static final String NAMESPACE_ENV = "METRICS_NAMESPACE";

    public static EmfMetrics forFunction(String function) {
        return new EmfMetrics(namespace(), function, System.out);
    }

    /** {@code $METRICS_NAMESPACE}, or {@code tgdesk} when it is not set (local runs). */
    public static String namespace() {
        String ns = System.getenv(NAMESPACE_ENV);
        return ns == null || ns.isBlank() ? "tgdesk" : ns.strip();
    }

    @Override
    public void count(String name, long value) {
        if (Priming.active()) return;
        out.println("{\"_aws\":{\"Timestamp\":" + System.currentTimeMillis()
                + ",\"CloudWatchMetrics\":[{\"Namespace\":\"" + namespace + "\",\"Dimensions\":[[\"Function\"]],"
                + "\"Metrics\":[{\"Name\":\"" + name + "\",\"Unit\":\"Count\"}]}]},"
                + "\"Function\":\"" + function + "\",\"" + name + "\":" + value + "}");
    }

    @Override
    public void count(String name, String dimension, String dimensionValue, long value) {
        if (Priming.active()) return;
        String v = dimensionValue != null && SAFE.matcher(dimensionValue).matches() ? dimensionValue : "OTHER";
        out.println("{\"_aws\":{\"Timestamp\":" + System.currentTimeMillis()
                + ",\"CloudWatchMetrics\":[{\"Namespace\":\"" + namespace + "\",\"Dimensions\":[[\"Function\"],[\"Function\",\""
                + dimension + "\"]],\"Metrics\":[{\"Name\":\"" + name + "\",\"Unit\":\"Count\"}]}]},"
                + "\"Function\":\"" + function + "\",\"" + dimension + "\":\"" + v + "\",\"" + name + "\":" + value + "}");
    }
}
