package dev.tgdesk.aws;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The SQS event Lambda hands to a function (field names as AWS sends them) and the partial batch
 * response ({@code ReportBatchItemFailures}). Our own records instead of aws-lambda-java-events, so
 * handlers stay stream handlers that Jackson (already loaded) parses.
 */
public final class SqsBatch {

    private SqsBatch() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Event(@JsonProperty("Records") List<Record> records) {
        public Event {
            records = records == null ? List.of() : List.copyOf(records);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Record(
            @JsonProperty("messageId") String messageId,
            @JsonProperty("receiptHandle") String receiptHandle,
            @JsonProperty("body") String body,
            @JsonProperty("attributes") Map<String, String> attributes,
            @JsonProperty("eventSourceARN") String eventSourceArn) {

        public Record {
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }

        public int receiveCount() {
            String n = attributes.get("ApproximateReceiveCount");
            return n == null ? 1 : Integer.parseInt(n);
        }

        public String messageGroupId() {
            return attributes.get("MessageGroupId");
        }

        /** The queue URL derived from the ARN (arn:aws:sqs:region:account:name), for ChangeMessageVisibility. */
        public String queueName() {
            return eventSourceArn == null ? null : eventSourceArn.substring(eventSourceArn.lastIndexOf(':') + 1);
        }
    }

    /** {@code {"batchItemFailures":[{"itemIdentifier":"…"}]}}: the records Lambda must not delete. */
    public record Response(@JsonProperty("batchItemFailures") List<Failure> batchItemFailures) {
        public static Response allSucceeded() {
            return new Response(List.of());
        }

        /** FIFO rule: once a record fails, it and every later record of the batch are reported failed. */
        public static Response failedFrom(List<Record> records, int firstFailed) {
            List<Failure> failures = new ArrayList<>();
            for (int i = firstFailed; i < records.size(); i++) failures.add(new Failure(records.get(i).messageId()));
            return new Response(failures);
        }

        public static Response failed(List<String> messageIds) {
            return new Response(messageIds.stream().map(Failure::new).toList());
        }
    }

    public record Failure(@JsonProperty("itemIdentifier") String itemIdentifier) {
    }
}
