package dev.tgdesk.outbound;

import java.util.List;

/** The outbound FIFO queue: group = target chat, deduplication id = the command's own. */
public interface OutboundQueue {

    /**
     * Enqueues the commands in order (in batches); throws if any could not be queued, after retrying those the
     * queue reported as not processed. Commands already queued stay queued: callers re-enqueue all of them,
     * the deduplication ids make that harmless within SQS's five-minute window, and the entries' status makes
     * it harmless after.
     */
    void enqueue(List<OutboundCommand> commands);
}
