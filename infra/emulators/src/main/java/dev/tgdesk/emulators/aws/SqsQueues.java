package dev.tgdesk.emulators.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;
import software.amazon.awssdk.services.sqs.model.SqsException;

import dev.tgdesk.emulators.aws.LocalResources.LocalQueue;

/** Creates one {@code AWS::SQS::Queue} from its template properties; an existing queue is kept. */
final class SqsQueues {

    private static final System.Logger LOG = System.getLogger(SqsQueues.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Template properties passed on as queue attributes; CloudFormation uses the API's names. */
    private static final List<String> PLAIN_ATTRIBUTES = List.of(
            "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit", "VisibilityTimeout",
            "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds", "MaximumMessageSize",
            "SqsManagedSseEnabled", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds");

    /**
     * Attributes that do not change behaviour we can observe locally (throughput tuning, encryption),
     * so they may be dropped when an emulator rejects them. Anything else rejected is an error.
     */
    private static final Set<String> DROPPABLE = Set.of(
            "DeduplicationScope", "FifoThroughputLimit", "SqsManagedSseEnabled",
            "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds");

    private SqsQueues() {
    }

    static boolean isFifo(JsonNode props) {
        return props.path("FifoQueue").asBoolean(false);
    }

    /**
     * The CreateQueue attributes for a queue's properties.
     *
     * @param arnOf resolves a {@code deadLetterTargetArn} value (an intrinsic) to a local queue ARN
     */
    static Map<String, String> attributes(JsonNode props, Function<JsonNode, String> arnOf) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (isFifo(props)) {
            attributes.put("FifoQueue", "true");
        }
        for (String name : PLAIN_ATTRIBUTES) {
            JsonNode value = props.path(name);
            if (value.isMissingNode() || value.isNull()) {
                continue;
            }
            if (!value.isValueNode()) {
                LOG.log(System.Logger.Level.WARNING, "queue attribute {0} is an expression ({1}); not set locally",
                        name, value);
                continue;
            }
            attributes.put(name, value.asText());
        }
        JsonNode redrive = props.path("RedrivePolicy");
        if (!redrive.isMissingNode()) {
            attributes.put("RedrivePolicy", redrivePolicy(redrive, arnOf));
        }
        return attributes;
    }

    /** CreateQueue, dropping (and reporting) {@link #DROPPABLE} attributes the emulator rejects. */
    static LocalQueue create(SqsClient sqs, String logicalId, String name, Map<String, String> attributes) {
        Map<String, String> remaining = new LinkedHashMap<>(attributes);
        Set<String> skipped = new TreeSet<>();
        String url;
        while (true) {
            try {
                url = sqs.createQueue(r -> r.queueName(name).attributesWithStrings(remaining)).queueUrl();
                break;
            } catch (QueueNameExistsException differentAttributes) {
                url = sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
                LOG.log(System.Logger.Level.WARNING, "queue {0} exists with other attributes; kept as is", name);
                break;
            } catch (SqsException e) {
                String rejected = rejectedDroppable(e, remaining.keySet());
                if (rejected == null) {
                    throw e;
                }
                remaining.remove(rejected);
                skipped.add(rejected);
                LOG.log(System.Logger.Level.INFO, "queue {0}: the emulator rejects {1}, created without it ({2})",
                        name, rejected, e.awsErrorDetails().errorMessage());
            }
        }
        String queueUrl = url;
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return new LocalQueue(logicalId, name, queueUrl, arn, skipped);
    }

    private static String rejectedDroppable(SqsException e, Set<String> sent) {
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        if (message == null) {
            return null;
        }
        return sent.stream().filter(DROPPABLE::contains).filter(message::contains).findFirst().orElse(null);
    }

    private static String redrivePolicy(JsonNode policy, Function<JsonNode, String> arnOf) {
        try {
            // CloudFormation accepts the policy as an object or as a JSON string.
            JsonNode parsed = policy.isTextual() ? JSON.readTree(policy.asText()) : policy;
            ObjectNode resolved = parsed.deepCopy();
            resolved.put("deadLetterTargetArn", arnOf.apply(parsed.path("deadLetterTargetArn")));
            return JSON.writeValueAsString(resolved);
        } catch (IOException e) {
            throw new UncheckedIOException("RedrivePolicy is not valid JSON: " + policy, e);
        }
    }
}
