package dev.tgdesk.emulators.aws;

import dev.tgdesk.emulators.AwsCallCounter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import dev.tgdesk.emulators.aws.CfnTemplate.Resource;

/** Tables and queues created from the real template.yaml, on the shared local stack. */
class LocalAwsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A fresh prefix per run keeps runs apart on a long-lived external stack too. */
    private static final String PREFIX = "it" + UUID.randomUUID().toString().substring(0, 8) + "-";

    private static LocalAws aws;
    private static LocalResources resources;
    private static DynamoDbClient dynamoDb;
    private static SqsClient sqs;

    @BeforeAll
    static void createFromTemplate() {
        aws = LocalAws.shared();
        resources = TemplateResources.create(aws, PREFIX);
        dynamoDb = aws.dynamoDb();
        sqs = aws.sqs();
    }

    @AfterAll
    static void closeClients() {
        dynamoDb.close();
        sqs.close();
    }

    @Test
    void tableMatchesTheTemplate() {
        TableDescription table = dynamoDb.describeTable(r -> r.tableName(resources.tableName("DataTable"))).table();

        assertEquals(Map.of("pk", KeyType.HASH, "sk", KeyType.RANGE), keys(table));
        Map<String, GlobalSecondaryIndexDescription> gsis = table.globalSecondaryIndexes().stream()
                .collect(Collectors.toMap(GlobalSecondaryIndexDescription::indexName, g -> g));
        assertTrue(gsis.keySet().containsAll(Set.of("ByStatus", "ByTeam", "ByAssignee")), gsis.keySet().toString());
        GlobalSecondaryIndexDescription byStatus = gsis.get("ByStatus");
        assertEquals("gsi1pk", byStatus.keySchema().get(0).attributeName());
        assertEquals("gsi1sk", byStatus.keySchema().get(1).attributeName());
        assertEquals(ProjectionType.ALL, byStatus.projection().projectionType());
        assertEquals(indexNames(template().resource("DataTable").orElseThrow(), "LocalSecondaryIndexes"),
                table.localSecondaryIndexes().stream().map(LocalSecondaryIndexDescription::indexName)
                        .collect(Collectors.toSet()));

        assertTrue(table.streamSpecification().streamEnabled());
        assertEquals(StreamViewType.NEW_AND_OLD_IMAGES, table.streamSpecification().streamViewType());
        assertNotNull(table.latestStreamArn());
        assertEquals(table.latestStreamArn(), resources.table("DataTable").streamArn());

        TimeToLiveDescription ttl = dynamoDb.describeTimeToLive(r -> r.tableName(table.tableName()))
                .timeToLiveDescription();
        assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus());
        assertEquals("ttl", ttl.attributeName());
    }

    @Test
    void queuesMatchTheTemplate() throws Exception {
        String inbound = resources.queueUrl("InboundQueue");
        assertTrue(resources.queue("InboundQueue").name().endsWith("InboundQueue.fifo"));
        Map<String, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(inbound)
                .attributeNames(QueueAttributeName.ALL)).attributesAsStrings();

        assertEquals("true", attributes.get("FifoQueue"));
        assertEquals("true", attributes.get("ContentBasedDeduplication")); // for timers the scheduler delivers
        assertEquals("180", attributes.get("VisibilityTimeout"));
        if (aws.mode() != LocalAws.Mode.MOTO_ELASTICMQ) {
            // ElasticMQ 1.7.1 accepts any attribute on CreateQueue but does not report this one back.
            assertEquals("1209600", attributes.get("MessageRetentionPeriod"));
        }
        JsonNode redrive = JSON.readTree(attributes.get("RedrivePolicy"));
        assertEquals(resources.queueArn("InboundDeadLetterQueue"), redrive.path("deadLetterTargetArn").asText());
        assertEquals(5, redrive.path("maxReceiveCount").asInt());

        String deadLetters = resources.queueUrl("InboundDeadLetterQueue");
        assertEquals("true", sqs.getQueueAttributes(r -> r.queueUrl(deadLetters)
                .attributeNames(QueueAttributeName.FIFO_QUEUE)).attributesAsStrings().get("FifoQueue"));
    }

    @Test
    void functionEnvironmentPointsAtLocalResources() {
        Map<String, String> env = resources.environment();
        assertEquals(resources.tableName("DataTable"), env.get("TABLE_NAME"));
        assertEquals(resources.queueUrl("InboundQueue"), env.get("INBOUND_QUEUE_URL"));
        assertFalse(env.containsKey("WEBHOOK_SECRET"), "parameters are the caller's to supply");
        assertEquals(env.get("TABLE_NAME"), resources.environment("WebhookFunction").get("TABLE_NAME"));
    }

    @Test
    void creatingAgainIsHarmless() {
        assertEquals(resources, TemplateResources.create(aws, PREFIX));
    }

    @Test
    void deadLetterTargetInEveryForm() {
        // Short form, long form, and the bare scalar a tag-dropping YAML reader would leave.
        CfnTemplate template = CfnTemplate.parse("""
                Resources:
                  Dlq: { Type: AWS::SQS::Queue }
                  ShortForm:
                    Type: AWS::SQS::Queue
                    Properties: { RedrivePolicy: { deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 3 } }
                  LongForm:
                    Type: AWS::SQS::Queue
                    Properties: { RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": [Dlq, Arn] }, maxReceiveCount: 3 } }
                  TagDropped:
                    Type: AWS::SQS::Queue
                    Properties: { RedrivePolicy: { deadLetterTargetArn: Dlq.Arn, maxReceiveCount: 3 } }
                """);
        LocalResources created = TemplateResources.create(dynamoDb, sqs, template, PREFIX + "forms-");

        for (String queue : List.of("ShortForm", "LongForm", "TagDropped")) {
            String policy = sqs.getQueueAttributes(r -> r.queueUrl(created.queueUrl(queue))
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributesAsStrings().get("RedrivePolicy");
            assertTrue(policy.contains(created.queueArn("Dlq")), queue + ": " + policy);
        }
    }

    @Test
    void fifoKeepsPerGroupOrderAndDropsDuplicates() {
        AwsCallCounter counter = new AwsCallCounter();
        String queue = resources.queueUrl("InboundQueue");
        try (SqsClient counted = aws.sqs(counter)) {
            send(counted, queue, "chat-1", "u1", "first");
            send(counted, queue, "chat-2", "u2", "other chat");
            send(counted, queue, "chat-1", "u1", "first again"); // same dedup id within 5 min: dropped
            send(counted, queue, "chat-1", "u3", "second");
            assertEquals(4, counter.calls("Sqs.SendMessage"));
        }

        List<Message> received = receiveAll(queue, 3);

        assertEquals(List.of("first", "second"), bodies(received, "chat-1"));
        assertEquals(List.of("other chat"), bodies(received, "chat-2"));
    }

    private static void send(SqsClient client, String queue, String group, String dedupId, String body) {
        client.sendMessage(r -> r.queueUrl(queue).messageGroupId(group).messageDeduplicationId(dedupId)
                .messageBody(body));
    }

    /** Receives and deletes until {@code expected} messages arrived and one more poll brings nothing. */
    private static List<Message> receiveAll(String queue, int expected) {
        List<Message> received = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)
                    .waitTimeSeconds(received.size() < expected ? 1 : 0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            batch.forEach(m -> sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle())));
            received.addAll(batch);
            if (batch.isEmpty() && received.size() >= expected) {
                break;
            }
        }
        return received;
    }

    private static List<String> bodies(List<Message> messages, String group) {
        return messages.stream()
                .filter(m -> group.equals(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)))
                .map(Message::body)
                .toList();
    }

    private static Map<String, KeyType> keys(TableDescription table) {
        return table.keySchema().stream().collect(Collectors.toMap(k -> k.attributeName(), k -> k.keyType()));
    }

    private static CfnTemplate template() {
        return CfnTemplate.load(TemplateResources.locateTemplate());
    }

    private static Set<String> indexNames(Resource table, String property) {
        Set<String> names = new HashSet<>();
        table.properties().path(property).forEach(i -> names.add(i.path("IndexName").asText()));
        return names;
    }
}
