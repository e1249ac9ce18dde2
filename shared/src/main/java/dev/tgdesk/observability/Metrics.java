package dev.tgdesk.observability;

/** Counters for operations dashboards and alarms. Implementations must not block or throw. */
public interface Metrics {
    void count(String name, long value);

    default void count(String name) {
        count(name, 1);
    }

    /**
     * A counter that is also split by one dimension besides the function, e.g. {@code SendFailed} by {@code Kind}.
     * {@code dimensionValue} must come from a small, fixed set (an enum name): every distinct value is a metric of
     * its own. Implementations without dimensions count the plain total.
     */
    default void count(String name, String dimension, String dimensionValue, long value) {
        count(name, value);
    }

    Metrics NONE = (name, value) -> {
    };
}
