package dev.tgdesk.inbox;

/** Where recorded updates go next (the inbound FIFO queue). Throws on failure; the caller answers 5xx. */
public interface InboundQueue {
    void publish(InboundEnvelope envelope);
}
