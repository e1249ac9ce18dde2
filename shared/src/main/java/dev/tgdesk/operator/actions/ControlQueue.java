package dev.tgdesk.operator.actions;

import dev.tgdesk.automation.ControlEnvelope;

/** The inbound FIFO queue, for give-backs ({@code queue.SqsInboundQueue::publishControl}). */
@FunctionalInterface
public interface ControlQueue {
    void publish(ControlEnvelope envelope);
}
