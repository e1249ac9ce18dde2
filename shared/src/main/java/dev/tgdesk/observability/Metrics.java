package dev.tgdesk.observability;

/** Counters for operations dashboards and alarms. Implementations must not block or throw. */
public interface Metrics {
    void count(String name, long value);

    default void count(String name) {
        count(name, 1);
    }

    Metrics NONE = (name, value) -> {
    };
}
