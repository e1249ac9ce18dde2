package dev.tgdesk.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.inbox.InboundEnvelope;
import dev.tgdesk.inbox.InboundQueue;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The inbound FIFO queue: group = chat (per-chat order), deduplication id = the Telegram update. */
public final class SqsInboundQueue implements InboundQueue {
    private final SqsClient sqs;
    private final String queueUrl;
    private final ObjectMapper json;

    public SqsInboundQueue(SqsClient sqs, String queueUrl, ObjectMapper json) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.json = json;
    }

    @Override
    public void publish(InboundEnvelope envelope) {
        String body = Json.write(json, envelope);
        sqs.sendMessage(b -> b.queueUrl(queueUrl)
                .messageBody(body)
                .messageGroupId(envelope.messageGroupId())
                .messageDeduplicationId(envelope.deduplicationId()));
    }

    /** A control event (an operator's give-back) in the chat's group; deduplicated by the envelope's own id. */
    public void publishControl(dev.tgdesk.automation.ControlEnvelope envelope) {
        String body = Json.write(json, envelope);
        sqs.sendMessage(b -> b.queueUrl(queueUrl)
                .messageBody(body)
                .messageGroupId(envelope.messageGroupId())
                .messageDeduplicationId(envelope.deduplicationId()));
    }
}
