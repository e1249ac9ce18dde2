package dev.tgdesk.automation;

/**
 * Makes a timer come back, at its due time, as a {@link ControlEnvelope} on the inbound FIFO queue.
 * Idempotent: scheduling the same timer twice delivers it at most twice, and the run ignores the
 * second (it no longer waits for that token).
 */
public interface TimerScheduler {

    void schedule(ControlEnvelope timer);

    /** Hands a due timer (or a give-back) to the inbound FIFO queue, in its chat's group. */
    void deliver(ControlEnvelope envelope);
}
