package dev.tgdesk.emulators.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

import dev.tgdesk.emulators.aws.CfnTemplate.Resource;
import dev.tgdesk.emulators.aws.LocalResources.LocalTable;

/** Creates one {@code AWS::DynamoDB::Table} from its template properties; an existing table is kept. */
final class DynamoDbTables {

    private static final System.Logger LOG = System.getLogger(DynamoDbTables.class.getName());

    private DynamoDbTables() {
    }

    static LocalTable create(DynamoDbClient dynamoDb, Resource table, String name) {
        JsonNode props = table.properties();
        TableDescription description;
        try {
            description = dynamoDb.createTable(createRequest(props, name)).tableDescription();
            LOG.log(System.Logger.Level.DEBUG, "created table {0}", name);
        } catch (ResourceInUseException exists) {
            description = dynamoDb.describeTable(r -> r.tableName(name)).table();
        }
        description = awaitActive(dynamoDb, description);
        enableTimeToLive(dynamoDb, props.path("TimeToLiveSpecification"), name);
        return new LocalTable(table.logicalId(), name, description.tableArn(), description.latestStreamArn());
    }

    static CreateTableRequest createRequest(JsonNode props, String name) {
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                // Emulators ignore capacity; on-demand avoids having to invent throughput numbers.
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(map(props.path("AttributeDefinitions"), d -> AttributeDefinition.builder()
                        .attributeName(d.path("AttributeName").asText())
                        .attributeType(d.path("AttributeType").asText())
                        .build()))
                .keySchema(keySchema(props.path("KeySchema")));
        List<GlobalSecondaryIndex> globalIndexes = map(props.path("GlobalSecondaryIndexes"),
                i -> GlobalSecondaryIndex.builder()
                        .indexName(i.path("IndexName").asText())
                        .keySchema(keySchema(i.path("KeySchema")))
                        .projection(projection(i.path("Projection")))
                        .build());
        if (!globalIndexes.isEmpty()) {
            request.globalSecondaryIndexes(globalIndexes);
        }
        List<LocalSecondaryIndex> localIndexes = map(props.path("LocalSecondaryIndexes"),
                i -> LocalSecondaryIndex.builder()
                        .indexName(i.path("IndexName").asText())
                        .keySchema(keySchema(i.path("KeySchema")))
                        .projection(projection(i.path("Projection")))
                        .build());
        if (!localIndexes.isEmpty()) {
            request.localSecondaryIndexes(localIndexes);
        }
        JsonNode viewType = props.path("StreamSpecification").path("StreamViewType");
        if (viewType.isTextual()) {
            request.streamSpecification(StreamSpecification.builder()
                    .streamEnabled(true)
                    .streamViewType(viewType.asText())
                    .build());
        }
        return request.build();
    }

    /** Emulators create tables ACTIVE or nearly so; the SDK waiter would poll only every 20 s. */
    private static TableDescription awaitActive(DynamoDbClient dynamoDb, TableDescription description) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (description.tableStatus() != TableStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("table " + description.tableName() + " still "
                        + description.tableStatus() + " after 60 s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for table " + description.tableName(), e);
            }
            String name = description.tableName();
            description = dynamoDb.describeTable(r -> r.tableName(name)).table();
        }
        return description;
    }

    private static void enableTimeToLive(DynamoDbClient dynamoDb, JsonNode spec, String name) {
        if (!spec.path("Enabled").asBoolean(false)) {
            return;
        }
        String attribute = spec.path("AttributeName").asText();
        var current = dynamoDb.describeTimeToLive(r -> r.tableName(name)).timeToLiveDescription();
        boolean alreadyOn = current.timeToLiveStatus() == TimeToLiveStatus.ENABLED
                && attribute.equals(current.attributeName());
        if (!alreadyOn) { // enabling twice is a ValidationException on AWS
            dynamoDb.updateTimeToLive(r -> r.tableName(name)
                    .timeToLiveSpecification(t -> t.attributeName(attribute).enabled(true)));
        }
    }

    private static List<KeySchemaElement> keySchema(JsonNode elements) {
        return map(elements, k -> KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText())
                .keyType(k.path("KeyType").asText())
                .build());
    }

    private static Projection projection(JsonNode projection) {
        Projection.Builder builder = Projection.builder()
                .projectionType(projection.path("ProjectionType").asText("ALL"));
        List<String> nonKey = map(projection.path("NonKeyAttributes"), JsonNode::asText);
        if (!nonKey.isEmpty()) {
            builder.nonKeyAttributes(nonKey);
        }
        return builder.build();
    }

    private static <T> List<T> map(JsonNode array, Function<JsonNode, T> mapper) {
        List<T> result = new ArrayList<>();
        array.forEach(element -> result.add(mapper.apply(element)));
        return result;
    }
}
