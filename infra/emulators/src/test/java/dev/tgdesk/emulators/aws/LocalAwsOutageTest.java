package dev.tgdesk.emulators.aws;

import dev.tgdesk.emulators.AwsCallCounter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ConnectException;
import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Emulator outages: calls fail with a client-side exception while an emulator is down, and work
 * again on the same endpoint once it is restarted and the resources are re-created.
 * Only for the self-managed emulators (moto + ElasticMQ).
 */
class LocalAwsOutageTest {

    private static final String PREFIX = "outage-";
    private static LocalAws aws;

    @BeforeAll
    static void sharedStack() {
        aws = LocalAws.shared();
        assumeTrue(aws.supportsFaultInjection(), "needs self-managed emulators, not " + aws.mode());
    }

    @Test
    void dynamoDbDownThenBack() {
        LocalResources before = TemplateResources.create(aws, PREFIX);
        String table = before.tableName("DataTable");
        URI endpoint = aws.dynamoDbEndpoint();
        AwsCallCounter counter = new AwsCallCounter();
        try (DynamoDbClient dynamoDb = withAttempts(aws.dynamoDbBuilder(counter), 2).build()) {
            put(dynamoDb, table);

            aws.stopDynamoDb();
            try {
                SdkClientException down = assertThrows(SdkClientException.class, () -> put(dynamoDb, table));
                assertInstanceOf(ConnectException.class, rootCause(down), down.toString());
                assertFalse(SdkServiceException.class.isInstance(down));
            } finally {
                aws.startDynamoDb();
            }
            assertEquals(endpoint, aws.dynamoDbEndpoint());
            assertEquals(2, counter.calls("DynamoDb.PutItem"));
            assertEquals(1 + 2, counter.attempts("DynamoDb.PutItem"), "the failed call was retried once");

            // The restarted emulator is empty until the template's resources are created again.
            assertThrows(ResourceNotFoundException.class, () -> put(dynamoDb, table));
            assertEquals(table, TemplateResources.create(aws, PREFIX).tableName("DataTable"));
            put(dynamoDb, table);
        }
    }

    @Test
    void sqsDownThenBack() {
        LocalResources before = TemplateResources.create(aws, PREFIX);
        String queue = before.queueUrl("InboundQueue");
        URI endpoint = aws.sqsEndpoint();
        try (SqsClient sqs = withAttempts(aws.sqsBuilder(), 2).build()) {
            send(sqs, queue, "1");

            aws.stopSqs();
            try {
                SdkClientException down = assertThrows(SdkClientException.class, () -> send(sqs, queue, "2"));
                assertInstanceOf(ConnectException.class, rootCause(down), down.toString());
            } finally {
                aws.startSqs();
            }
            assertEquals(endpoint, aws.sqsEndpoint());

            assertThrows(QueueDoesNotExistException.class, () -> send(sqs, queue, "3"));
            LocalResources after = TemplateResources.create(aws, PREFIX);
            assertEquals(queue, after.queueUrl("InboundQueue"), "same endpoint and name give the same URL");
            send(sqs, queue, "4");
        }
    }

    @Test
    void resetDropsEverything() {
        LocalResources created = TemplateResources.create(aws, PREFIX);
        aws.reset();
        try (DynamoDbClient dynamoDb = aws.dynamoDb(); SqsClient sqs = aws.sqs()) {
            assertEquals(0, dynamoDb.listTables().tableNames().size());
            assertEquals(0, sqs.listQueues().queueUrls().size());
        }
        LocalResources again = TemplateResources.create(aws, PREFIX);
        assertEquals(created.tableName("DataTable"), again.tableName("DataTable"));
        assertEquals(created.queueUrl("InboundQueue"), again.queueUrl("InboundQueue"));
    }

    /**
     * The SDK's default for DynamoDB is 9 attempts, ~4 s against a stopped emulator; fewer keep the
     * test fast. Extends the builder's override configuration, which holds the interceptors.
     */
    private static <B extends SdkClientBuilder<B, ?>> B withAttempts(B builder, int attempts) {
        return builder.overrideConfiguration(builder.overrideConfiguration().toBuilder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(attempts).build())
                .build());
    }

    private static void put(DynamoDbClient dynamoDb, String table) {
        dynamoDb.putItem(r -> r.tableName(table).item(Map.of(
                "pk", AttributeValue.fromS("B#1#C#1"), "sk", AttributeValue.fromS("META"))));
    }

    private static void send(SqsClient sqs, String queue, String dedupId) {
        sqs.sendMessage(r -> r.queueUrl(queue).messageGroupId("g").messageDeduplicationId(dedupId).messageBody("x"));
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
