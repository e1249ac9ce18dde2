package dev.tgdesk.outbound;

import java.util.List;

/** The outbound FIFO queue (group = target chat). Throws if any command could not be queued. */
public interface OutboundQueue {
    void enqueue(List<OutboundCommand> commands);
}
