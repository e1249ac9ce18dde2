package dev.tgdesk.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.outbound.OutboundCommand;
import dev.tgdesk.outbound.OutboundQueue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbound FIFO queue on SQS: SendMessageBatch in chunks of ten (in order, so one chat's commands keep their
 * order), body = the command as JSON, group = {@link OutboundCommand#messageGroupId()}, deduplication id =
 * {@link OutboundCommand#deduplicationId()}. Entries SQS reports as failed without it being our fault are sent
 * again (a few times, with a short pause); anything still failing is an exception.
 */
public final class SqsOutboundQueue implements OutboundQueue {

    static final int MAX_BATCH = 10;
    static final int ATTEMPTS = 4;

    private final SqsClient sqs;
    private final String queueUrl;
    private final ObjectMapper json;

    public SqsOutboundQueue(SqsClient sqs, String queueUrl, ObjectMapper json) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.json = json;
    }

    public SqsOutboundQueue(SqsClient sqs, String queueUrl) {
        this(sqs, queueUrl, Json.mapper());
    }

    @Override
    public void enqueue(List<OutboundCommand> commands) {
        for (int from = 0; from < commands.size(); from += MAX_BATCH) {
            sendBatch(commands.subList(from, Math.min(commands.size(), from + MAX_BATCH)));
        }
    }

    private void sendBatch(List<OutboundCommand> batch) {
        Map<String, SendMessageBatchRequestEntry> pending = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            OutboundCommand c = batch.get(i);
            pending.put(Integer.toString(i), SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .messageBody(Json.write(json, c))
                    .messageGroupId(c.messageGroupId())
                    .messageDeduplicationId(c.deduplicationId())
                    .build());
        }
        List<BatchResultErrorEntry> failed = List.of();
        for (int attempt = 1; attempt <= ATTEMPTS && !pending.isEmpty(); attempt++) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(pending.values());
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            response.successful().forEach(ok -> pending.remove(ok.id()));
            failed = response.failed();
            if (failed.stream().anyMatch(BatchResultErrorEntry::senderFault)) break; // a bad request stays bad
            if (!pending.isEmpty() && attempt < ATTEMPTS) pause(50L << attempt);
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException(pending.size() + " of " + batch.size() + " outbound commands could not be queued: "
                    + failed.stream().map(f -> f.code() + (f.senderFault() ? " (request)" : " (service)")).distinct().toList());
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing outbound commands", e);
        }
    }
}
