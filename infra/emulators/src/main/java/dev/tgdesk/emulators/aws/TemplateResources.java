package dev.tgdesk.emulators.aws;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import dev.tgdesk.emulators.aws.CfnTemplate.GetAtt;
import dev.tgdesk.emulators.aws.CfnTemplate.Resource;
import dev.tgdesk.emulators.aws.LocalResources.LocalQueue;
import dev.tgdesk.emulators.aws.LocalResources.LocalTable;

/**
 * Creates the DynamoDB tables, SQS queues and S3 buckets that {@code template.yaml} declares, from the
 * template itself, so local runs and tests use the deployment's definitions. Idempotent.
 *
 * <p>Local names are {@code <prefix><LogicalId>}, plus {@code .fifo} for FIFO queues; buckets are the same
 * in lower case (S3's rule). A test can pass its own prefix to get resources no other test touches. Buckets
 * live on the same endpoint as the other services (moto, LocalStack), reached path-style.
 */
public final class TemplateResources {

    public static final String DEFAULT_PREFIX = "tgdesk-";
    public static final String TEMPLATE_FILE = "template.yaml";

    private TemplateResources() {
    }

    /** Creates everything from the nearest {@code template.yaml} with the default prefix. */
    public static LocalResources create(LocalAws aws) {
        return create(aws, locateTemplate(), DEFAULT_PREFIX);
    }

    public static LocalResources create(LocalAws aws, String prefix) {
        return create(aws, locateTemplate(), prefix);
    }

    public static LocalResources create(LocalAws aws, Path template, String prefix) {
        CfnTemplate parsed = CfnTemplate.load(template);
        try (DynamoDbClient dynamoDb = aws.dynamoDb(); SqsClient sqs = aws.sqs()) {
            if (parsed.resources(S3_BUCKET).isEmpty()) {
                return create(dynamoDb, sqs, null, parsed, prefix);
            }
            try (S3Client s3 = aws.configure(S3Client.builder(), "S3").forcePathStyle(true).build()) {
                return create(dynamoDb, sqs, s3, parsed, prefix);
            }
        }
    }

    public static LocalResources create(DynamoDbClient dynamoDb, SqsClient sqs, CfnTemplate template, String prefix) {
        return create(dynamoDb, sqs, null, template, prefix);
    }

    /** @param s3 null to skip the template's buckets */
    public static LocalResources create(DynamoDbClient dynamoDb, SqsClient sqs, S3Client s3, CfnTemplate template, String prefix) {
        return new Creation(dynamoDb, sqs, s3, template, prefix).run();
    }

    public static final String S3_BUCKET = "AWS::S3::Bucket";

    /** Creates a bucket unless it exists (S3's answer to a second create by the owner is harmless here). */
    static String createBucket(S3Client s3, String name) {
        try {
            s3.createBucket(b -> b.bucket(name));
        } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException
                 | software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException exists) {
            // idempotent
        }
        return name;
    }

    /** The first {@code template.yaml} in the working directory or one of its parents. */
    public static Path locateTemplate() {
        return locateTemplate(Path.of("").toAbsolutePath());
    }

    public static Path locateTemplate(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(TEMPLATE_FILE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + TEMPLATE_FILE + " in " + start.toAbsolutePath() + " or its parents");
    }

    /** One run: remembers what was created so queues can refer to their dead-letter queues. */
    private static final class Creation {
        private final DynamoDbClient dynamoDb;
        private final SqsClient sqs;
        private final S3Client s3;
        private final Map<String, String> buckets = new LinkedHashMap<>();
        private final CfnTemplate template;
        private final String prefix;
        private final Map<String, LocalTable> tables = new LinkedHashMap<>();
        private final Map<String, LocalQueue> queues = new LinkedHashMap<>();
        private final Set<String> queuesInProgress = new HashSet<>();

        Creation(DynamoDbClient dynamoDb, SqsClient sqs, S3Client s3, CfnTemplate template, String prefix) {
            this.dynamoDb = dynamoDb;
            this.sqs = sqs;
            this.s3 = s3;
            this.template = template;
            this.prefix = prefix;
        }

        LocalResources run() {
            for (Resource table : template.resources(CfnTemplate.DYNAMODB_TABLE)) {
                tables.put(table.logicalId(), DynamoDbTables.create(dynamoDb, table, prefix + table.logicalId()));
            }
            for (Resource queue : template.resources(CfnTemplate.SQS_QUEUE)) {
                queue(queue.logicalId());
            }
            if (s3 != null) {
                for (Resource bucket : template.resources(S3_BUCKET)) {
                    buckets.put(bucket.logicalId(), createBucket(s3, (prefix + bucket.logicalId()).toLowerCase(java.util.Locale.ROOT)));
                }
            }
            Map<String, Map<String, String>> environments = new LinkedHashMap<>();
            for (Resource function : template.functions()) {
                Map<String, String> variables = new LinkedHashMap<>();
                template.functionEnvironment(function).forEach((name, value) ->
                        localValue(value).ifPresent(local -> variables.put(name, local)));
                environments.put(function.logicalId(), variables);
            }
            return new LocalResources(tables, queues, environments, buckets);
        }

        /** Creates a queue after the dead-letter queue it names, so its RedrivePolicy can hold that ARN. */
        private LocalQueue queue(String logicalId) {
            LocalQueue done = queues.get(logicalId);
            if (done != null) {
                return done;
            }
            Resource resource = template.resource(logicalId)
                    .filter(r -> r.type().equals(CfnTemplate.SQS_QUEUE))
                    .orElseThrow(() -> new IllegalArgumentException(logicalId + " is not an SQS queue in the template"));
            if (!queuesInProgress.add(logicalId)) {
                throw new IllegalStateException("dead-letter queues form a cycle through " + logicalId);
            }
            JsonNode props = resource.properties();
            Map<String, String> attributes = SqsQueues.attributes(props, this::deadLetterArn);
            String name = prefix + logicalId + (SqsQueues.isFifo(props) ? ".fifo" : "");
            LocalQueue created = SqsQueues.create(sqs, logicalId, name, attributes);
            queues.put(logicalId, created);
            return created;
        }

        /**
         * {@code Fn::GetAtt [Queue, Arn]} → that local queue's ARN. Also accepts the bare scalar
         * {@code Queue.Arn} (what a YAML reader that drops tags leaves) and literal ARNs.
         */
        private String deadLetterArn(JsonNode target) {
            Optional<GetAtt> getAtt = CfnTemplate.getAtt(target);
            if (getAtt.isEmpty() && target.isTextual()) {
                String text = target.asText();
                if (text.startsWith("arn:")) {
                    return text;
                }
                int dot = text.indexOf('.');
                if (dot > 0) {
                    getAtt = Optional.of(new GetAtt(text.substring(0, dot), text.substring(dot + 1)));
                }
            }
            return getAtt.filter(g -> g.attribute().equals("Arn"))
                    .map(g -> queue(g.resource()).arn())
                    .orElseThrow(() -> new IllegalArgumentException("cannot resolve deadLetterTargetArn " + target));
        }

        /** The local value of a function variable that refers to a table or queue; empty otherwise. */
        private Optional<String> localValue(JsonNode value) {
            Optional<String> ref = CfnTemplate.ref(value);
            if (ref.isPresent()) {
                String id = ref.get();
                if (tables.containsKey(id)) {
                    return Optional.of(tables.get(id).name());
                }
                if (buckets.containsKey(id)) {
                    return Optional.of(buckets.get(id));
                }
                return Optional.ofNullable(queues.get(id)).map(LocalQueue::url);
            }
            return CfnTemplate.getAtt(value).flatMap(this::attribute);
        }

        private Optional<String> attribute(GetAtt getAtt) {
            LocalTable table = tables.get(getAtt.resource());
            if (table != null) {
                return Optional.ofNullable(switch (getAtt.attribute()) {
                    case "Arn" -> table.arn();
                    case "StreamArn" -> table.streamArn();
                    default -> null;
                });
            }
            LocalQueue queue = queues.get(getAtt.resource());
            if (queue != null) {
                return Optional.ofNullable(switch (getAtt.attribute()) {
                    case "Arn" -> queue.arn();
                    case "QueueName" -> queue.name();
                    case "QueueUrl" -> queue.url();
                    default -> null;
                });
            }
            return Optional.empty();
        }
    }
}
