package dev.tgdesk.observability;

import java.io.PrintStream;

/**
 * Counters written as CloudWatch Embedded Metric Format lines on stdout: CloudWatch turns them into
 * metrics without any API call. Only metric names and numbers are written, never message content.
 */
public final class EmfMetrics implements Metrics {
    private final String namespace;
    private final String function;
    private final PrintStream out;

    public EmfMetrics(String namespace, String function, PrintStream out) {
        this.namespace = namespace;
        this.function = function;
        this.out = out;
    }

    public static EmfMetrics forFunction(String function) {
        return new EmfMetrics("tgdesk", function, System.out);
    }

    @Override
    public void count(String name, long value) {
        out.println("{\"_aws\":{\"Timestamp\":" + System.currentTimeMillis()
                + ",\"CloudWatchMetrics\":[{\"Namespace\":\"" + namespace + "\",\"Dimensions\":[[\"Function\"]],"
                + "\"Metrics\":[{\"Name\":\"" + name + "\",\"Unit\":\"Count\"}]}]},"
                + "\"Function\":\"" + function + "\",\"" + name + "\":" + value + "}");
    }
}
