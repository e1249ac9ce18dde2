package dev.tgdesk.emulators.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.emulators.aws.LocalAws;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local DynamoDB Streams event source mapping against the shared local stack (moto, or LocalStack). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamoStreamEventSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    final ObjectMapper json = new ObjectMapper();
    LocalAws aws;
    DynamoDbClient dynamoDb;
    DynamoDbStreamsClient streams;

    @BeforeAll
    void start() {
        aws = LocalAws.shared();
        dynamoDb = aws.dynamoDb();
        streams = aws.dynamoDbStreams();
    }

    @AfterAll
    void closeClients() {
        dynamoDb.close();
        streams.close();
    }

    /** Records every invocation; {@code behaviour} turns an event into the function's output, or throws. */
    final class Recorder implements RequestStreamHandler {
        final List<List<JsonNode>> invocations = new CopyOnWriteArrayList<>();
        final Function<JsonNode, String> behaviour;

        Recorder(Function<JsonNode, String> behaviour) {
            this.behaviour = behaviour;
        }

        Recorder() {
            this(event -> "");
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
            JsonNode event = json.readTree(input);
            assertTrue(context.getRemainingTimeInMillis() > 0);
            List<JsonNode> records = new ArrayList<>();
            event.get("Records").forEach(records::add);
            invocations.add(records);
            output.write(behaviour.apply(event).getBytes(StandardCharsets.UTF_8));
        }

        /** The sort keys of each invocation, in order. */
        List<List<String>> sortKeys() {
            return invocations.stream().map(batch -> batch.stream()
                    .map(r -> r.at("/dynamodb/Keys/sk/S").asText()).toList()).toList();
        }
    }

    // --- event shape ---

    @Test
    void deliversInsertModifyRemoveInLambdasShape() {
        String table = createTable();
        String streamArn = streamArn(table);
        put(table, "before-start"); // LATEST: not delivered
        Recorder handler = new Recorder();
        long startedAt = System.currentTimeMillis() / 1000;
        try (var source = source(streamArn, handler, options())) {
            Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of(
                    "pk", s("p"), "sk", s("ALL"),
                    "s", s("text"),
                    "n", AttributeValue.fromN("42.5"),
                    "b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[]{1, 2, 3})),
                    "ss", AttributeValue.fromSs(List.of("a", "b")),
                    "ns", AttributeValue.fromNs(List.of("1", "2")),
                    "bs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[]{9}))),
                    "m", AttributeValue.fromM(Map.of("x", s("y"), "inner", AttributeValue.fromM(Map.of("k", AttributeValue.fromN("1"))))),
                    "l", AttributeValue.fromL(List.of(s("a"), AttributeValue.fromN("1"), AttributeValue.fromBool(false)))));
            item.put("t", AttributeValue.fromBool(true));
            item.put("nil", AttributeValue.fromNul(true));
            dynamoDb.putItem(b -> b.tableName(table).item(item));
            dynamoDb.updateItem(b -> b.tableName(table).key(key("p", "ALL"))
                    .updateExpression("SET s = :v").expressionAttributeValues(Map.of(":v", s("changed"))));
            dynamoDb.deleteItem(b -> b.tableName(table).key(key("p", "ALL")));
            assertTrue(source.awaitCaughtUp(WAIT));
        }

        List<JsonNode> records = handler.invocations.stream().flatMap(List::stream).toList();
        assertEquals(List.of("INSERT", "MODIFY", "REMOVE"), records.stream().map(r -> r.get("eventName").asText()).toList());
        BigInteger previous = BigInteger.ZERO;
        for (JsonNode r : records) {
            assertEquals("1.1", r.get("eventVersion").asText());
            assertEquals("aws:dynamodb", r.get("eventSource").asText());
            assertEquals("us-east-1", r.get("awsRegion").asText());
            assertEquals(streamArn, r.get("eventSourceARN").asText());
            assertFalse(r.get("eventID").asText().isEmpty());
            assertFalse(r.has("userIdentity"));
            JsonNode d = r.get("dynamodb");
            assertEquals(tree("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"ALL\"}}"), d.get("Keys"));
            assertEquals("NEW_AND_OLD_IMAGES", d.get("StreamViewType").asText());
            assertTrue(d.get("SizeBytes").isIntegralNumber() && d.get("SizeBytes").asLong() > 0, d.toString());
            JsonNode created = d.get("ApproximateCreationDateTime");
            assertTrue(created.isNumber(), created.toString());
            assertEquals(0, created.asDouble() % 1, 0.0, "whole seconds");
            assertTrue(Math.abs(created.asLong() - startedAt) < 60, created.toString());
            BigInteger sequence = new BigInteger(d.get("SequenceNumber").asText());
            assertTrue(sequence.compareTo(previous) > 0);
            previous = sequence;
        }
        JsonNode insert = records.get(0).get("dynamodb");
        assertFalse(insert.has("OldImage"));
        JsonNode image = insert.get("NewImage");
        assertEquals("text", image.at("/s/S").asText());
        assertEquals("42.5", image.at("/n/N").asText());
        assertEquals(Base64.getEncoder().encodeToString(new byte[]{1, 2, 3}), image.at("/b/B").asText());
        assertEquals(Set.of("a", "b"), texts(image.at("/ss/SS")));
        assertEquals(Set.of("1", "2"), texts(image.at("/ns/NS")));
        assertEquals(Set.of(Base64.getEncoder().encodeToString(new byte[]{9})), texts(image.at("/bs/BS")));
        assertEquals("y", image.at("/m/M/x/S").asText());
        assertEquals("1", image.at("/m/M/inner/M/k/N").asText());
        assertEquals(json.createArrayNode().add(json.createObjectNode().put("S", "a")).add(json.createObjectNode().put("N", "1"))
                .add(json.createObjectNode().put("BOOL", false)), image.at("/l/L"));
        assertTrue(image.at("/t/BOOL").isBoolean() && image.at("/t/BOOL").asBoolean());
        assertTrue(image.at("/nil/NULL").isBoolean() && image.at("/nil/NULL").asBoolean());
        assertEquals(12, image.size());

        JsonNode modify = records.get(1).get("dynamodb");
        assertEquals("text", modify.at("/OldImage/s/S").asText());
        assertEquals("changed", modify.at("/NewImage/s/S").asText());
        JsonNode remove = records.get(2).get("dynamodb");
        assertFalse(remove.has("NewImage"));
        assertEquals("changed", remove.at("/OldImage/s/S").asText());
        // SizeBytes by DynamoDB's item-size rules: the REMOVE's keys are pk "p" + sk "ALL" = 2+1 + 2+3.
        assertTrue(remove.get("SizeBytes").asLong() > 8, remove.get("SizeBytes").toString());
    }

    @Test
    void sizeBytesFollowsDynamoDbItemSizes() {
        // The Lambda docs' example event: Keys {id:"2"} + NewImage {id:"2", key:"original"} has SizeBytes 17, i.e.
        // attribute names + values. Here the keys are pk "p" + sk "k" (3 + 3 bytes).
        String table = createTable();
        Recorder handler = new Recorder();
        try (var source = source(streamArn(table), handler, options())) {
            put(table, "k", Map.of("key", s("original")));
            put(table, "k", Map.of("key", s("updated"), "n", AttributeValue.fromN("-12.50"), "m",
                    AttributeValue.fromM(Map.of("a", AttributeValue.fromBool(true)))));
            dynamoDb.deleteItem(b -> b.tableName(table).key(key("p", "k")));
            assertTrue(source.awaitCaughtUp(WAIT));
        }
        List<Long> sizes = handler.invocations.stream().flatMap(List::stream)
                .map(r -> r.at("/dynamodb/SizeBytes").asLong()).toList();
        long keys = 6;
        long original = keys + 3 + 8;
        long updated = keys + 3 + 7 + (1 + 3) + (1 + 3 + (1 + 1 + 1)); // n: 3 significant digits = 3 bytes; m: 3 + a + 1 + 1
        assertEquals(List.of(keys + original, keys + updated + original, keys + updated), sizes);
    }

    @Test
    void transactionalWritesComeInOrderAndACancelledOneLeavesNoRecords() {
        String table = createTable();
        Recorder handler = new Recorder();
        try (var source = source(streamArn(table), handler, options())) {
            put(table, "x");
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(key("p", "a"))).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(table).key(key("p", "x"))
                            .updateExpression("SET v = :v").expressionAttributeValues(Map.of(":v", s("1")))).build()));
            assertThrows(TransactionCanceledException.class, () -> dynamoDb.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(key("p", "cancelled"))).build(),
                    TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(key("p", "x"))
                            .conditionExpression("attribute_not_exists(pk)")).build())));
            put(table, "after");
            assertTrue(source.awaitCaughtUp(WAIT));
        }
        List<JsonNode> records = handler.invocations.stream().flatMap(List::stream).toList();
        assertEquals(List.of("INSERT x", "INSERT a", "MODIFY x", "INSERT after"), records.stream()
                .map(r -> r.get("eventName").asText() + " " + r.at("/dynamodb/Keys/sk/S").asText()).toList());
    }

    // --- failures ---

    @Test
    void partialBatchFailureRetriesFromTheFailedRecordOnly() {
        String table = createTable();
        for (String sk : List.of("r1", "r2", "r3", "r4", "r5")) put(table, sk);
        Recorder handler = new Recorder(event -> {
            for (JsonNode r : event.get("Records")) {
                if (r.at("/dynamodb/Keys/sk/S").asText().equals("r3") && event.get("Records").size() == 5) {
                    return "{\"batchItemFailures\":[{\"itemIdentifier\":\"" + r.at("/dynamodb/SequenceNumber").asText() + "\"}]}";
                }
            }
            return "{\"batchItemFailures\":[]}";
        });
        try (var source = source(streamArn(table), handler, options().withStartingPosition("TRIM_HORIZON"))) {
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of(List.of("r1", "r2", "r3", "r4", "r5"), List.of("r3", "r4", "r5")), handler.sortKeys());
            DynamoStreamEventSource.Stats stats = source.stats();
            assertEquals(2, stats.invocations());
            assertEquals(8, stats.recordsDelivered());
            assertEquals(1, stats.failedInvocations());
            assertEquals(1, stats.retries());
            assertEquals(0, stats.discardedBatches());
        }
    }

    @Test
    void lowestReportedFailureWinsAndABadIdentifierFailsTheWholeBatch() {
        String table = createTable();
        for (String sk : List.of("r1", "r2", "r3", "r4")) put(table, sk);
        List<String> answers = new CopyOnWriteArrayList<>();
        Recorder handler = new Recorder(event -> {
            JsonNode records = event.get("Records");
            String answer = switch (answers.size()) {
                // r4 and r2 failed: the checkpoint goes before r2.
                case 0 -> failures(records.get(3), records.get(1));
                // an identifier that is no record of the batch: all of r2..r4 again
                case 1 -> "{\"batchItemFailures\":[{\"itemIdentifier\":\"12345\"}]}";
                // an empty identifier: the same again
                case 2 -> "{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}";
                default -> "{}";
            };
            answers.add(answer);
            return answer;
        });
        try (var source = source(streamArn(table), handler, options().withStartingPosition("TRIM_HORIZON"))) {
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of(List.of("r1", "r2", "r3", "r4"), List.of("r2", "r3", "r4"), List.of("r2", "r3", "r4"),
                    List.of("r2", "r3", "r4")), handler.sortKeys());
        }
    }

    @Test
    void itemFailuresAreIgnoredWithoutReportBatchItemFailures() {
        String table = createTable();
        for (String sk : List.of("r1", "r2")) put(table, sk);
        Recorder handler = new Recorder(event -> failures(event.get("Records").get(0)));
        try (var source = source(streamArn(table), handler, options().withStartingPosition("TRIM_HORIZON")
                .withReportBatchItemFailures(false))) {
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of(List.of("r1", "r2")), handler.sortKeys());
        }
    }

    @Test
    void wholeBatchFailureRetriesTheSameBatchAndBlocksTheShard() {
        String table = createTable();
        for (String sk : List.of("r1", "r2", "r3")) put(table, sk);
        int[] calls = {0};
        Recorder handler = new Recorder(event -> {
            if (++calls[0] <= 2) throw new IllegalStateException("boom");
            return "";
        });
        try (var source = source(streamArn(table), handler, options().withStartingPosition("TRIM_HORIZON"))) {
            awaitUntil(() -> handler.invocations.size() >= 1);
            put(table, "r4"); // written while r1..r3 are failing: waits behind them
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of(List.of("r1", "r2", "r3"), List.of("r1", "r2", "r3"), List.of("r1", "r2", "r3"), List.of("r4")),
                    handler.sortKeys());
            List<JsonNode> first = handler.invocations.get(0);
            List<JsonNode> third = handler.invocations.get(2);
            assertEquals(first, third, "a retry sends the very same records");
            assertEquals(2, source.stats().failedInvocations());
            assertEquals(2, source.stats().retries());
        }
    }

    @Test
    void anInvocationPastTheTimeoutFails() {
        String table = createTable();
        put(table, "r1");
        int[] calls = {0};
        Recorder handler = new Recorder(event -> {
            if (++calls[0] == 1) sleep(300);
            return "";
        });
        try (var source = source(streamArn(table), handler, options().withStartingPosition("TRIM_HORIZON")
                .withFunctionTimeout(Duration.ofMillis(100)))) {
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of(List.of("r1"), List.of("r1")), handler.sortKeys());
            assertEquals(1, source.stats().failedInvocations());
        }
    }

    @Test
    void maximumRetryAttemptsDiscardsTheBatchAndCallsOnFailure() {
        String table = createTable();
        for (String sk : List.of("bad1", "bad2", "bad3")) put(table, sk);
        Recorder handler = new Recorder(event -> {
            if (event.at("/Records/0/dynamodb/Keys/sk/S").asText().startsWith("bad")) throw new IllegalStateException("boom");
            return "";
        });
        List<JsonNode> failures = new CopyOnWriteArrayList<>();
        String streamArn = streamArn(table);
        try (var source = new DynamoStreamEventSource(streams, streamArn, handler,
                options().withStartingPosition("TRIM_HORIZON").withMaximumRetryAttempts(2), failures::add).start()) {
            assertTrue(source.awaitCaughtUp(WAIT));
            put(table, "good"); // the shard goes on after the discard
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of(List.of("bad1", "bad2", "bad3"), List.of("bad1", "bad2", "bad3"), List.of("bad1", "bad2", "bad3"),
                    List.of("good")), handler.sortKeys());
            assertEquals(1, source.stats().discardedBatches());
            assertEquals(2, source.stats().retries());
        }
        assertEquals(1, failures.size());
        JsonNode failure = failures.get(0);
        List<JsonNode> batch = handler.invocations.get(0);
        assertEquals("RetryAttemptsExhausted", failure.at("/requestContext/condition").asText());
        assertEquals(3, failure.at("/requestContext/approximateInvokeCount").asInt());
        assertTrue(failure.at("/requestContext/functionArn").asText().endsWith(":function:test-fn"));
        assertFalse(failure.at("/requestContext/requestId").asText().isEmpty());
        assertEquals(200, failure.at("/responseContext/statusCode").asInt());
        assertEquals("Unhandled", failure.at("/responseContext/functionError").asText());
        assertEquals("1.0", failure.get("version").asText());
        assertTrue(failure.get("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        JsonNode info = failure.get("DDBStreamBatchInfo");
        assertEquals(streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards().get(0).shardId(),
                info.get("shardId").asText());
        assertEquals(batch.get(0).at("/dynamodb/SequenceNumber").asText(), info.get("startSequenceNumber").asText());
        assertEquals(batch.get(2).at("/dynamodb/SequenceNumber").asText(), info.get("endSequenceNumber").asText());
        assertTrue(info.get("approximateArrivalOfFirstRecord").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertTrue(info.get("approximateArrivalOfLastRecord").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertEquals(3, info.get("batchSize").asInt());
        assertEquals(streamArn, info.get("streamArn").asText());
    }

    @Test
    void bisectIsolatesTheBadRecordWithoutUsingRetries() {
        String table = createTable();
        for (String sk : List.of("r1", "r2", "poison", "r4")) put(table, sk);
        Recorder handler = new Recorder(event -> {
            for (JsonNode r : event.get("Records")) {
                if (r.at("/dynamodb/Keys/sk/S").asText().equals("poison")) throw new IllegalStateException("poison");
            }
            return "";
        });
        List<JsonNode> failures = new CopyOnWriteArrayList<>();
        try (var source = new DynamoStreamEventSource(streams, streamArn(table), handler, options()
                .withStartingPosition("TRIM_HORIZON").withBisectBatchOnFunctionError(true).withMaximumRetryAttempts(0),
                failures::add).start()) {
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of(List.of("r1", "r2", "poison", "r4"), List.of("r1", "r2"), List.of("poison", "r4"),
                    List.of("poison"), List.of("r4")), handler.sortKeys());
            assertEquals(0, source.stats().retries());
            assertEquals(1, source.stats().discardedBatches());
        }
        assertEquals(1, failures.size());
        assertEquals(1, failures.get(0).at("/DDBStreamBatchInfo/batchSize").asInt());
        assertEquals(handler.invocations.get(3).get(0).at("/dynamodb/SequenceNumber").asText(),
                failures.get(0).at("/DDBStreamBatchInfo/startSequenceNumber").asText());
        assertEquals(3, failures.get(0).at("/requestContext/approximateInvokeCount").asInt());
    }

    // --- filtering, batching ---

    @Test
    void filterDropsRecordsBeforeInvocation() {
        String table = createTable();
        FilterCriteria filter = FilterCriteria.of(
                "{\"eventName\":[\"INSERT\"],\"dynamodb\":{\"Keys\":{\"sk\":{\"S\":[{\"prefix\":\"MSG#\"}]}}}}",
                "{\"dynamodb\":{\"NewImage\":{\"status\":{\"S\":[{\"anything-but\":[\"closed\"]}]}}}}",
                "{\"eventName\":[\"REMOVE\"],\"dynamodb\":{\"OldImage\":{\"keep\":{\"BOOL\":[{\"exists\":true}]}}}}");
        Recorder handler = new Recorder();
        try (var source = source(streamArn(table), handler, options().withFilter(filter))) {
            put(table, "MSG#1");                                   // INSERT MSG#: delivered
            put(table, "DIALOG", Map.of("status", s("open")));     // not closed: delivered
            put(table, "DIALOG", Map.of("status", s("closed")));   // MODIFY to closed: dropped
            put(table, "MSG#1", Map.of("status", s("closed")));    // MODIFY, closed: dropped
            put(table, "OTHER");                                   // no status: dropped
            put(table, "KEEP", Map.of("keep", AttributeValue.fromBool(true), "status", s("closed"))); // dropped
            dynamoDb.deleteItem(b -> b.tableName(table).key(key("p", "KEEP")));   // REMOVE with keep: delivered
            dynamoDb.deleteItem(b -> b.tableName(table).key(key("p", "OTHER")));  // REMOVE without: dropped
            assertTrue(source.awaitCaughtUp(WAIT));
            List<String> delivered = handler.invocations.stream().flatMap(List::stream)
                    .map(r -> r.get("eventName").asText() + " " + r.at("/dynamodb/Keys/sk/S").asText()).toList();
            assertEquals(List.of("INSERT MSG#1", "INSERT DIALOG", "REMOVE KEEP"), delivered);
            assertEquals(5, source.stats().recordsFilteredOut());
        }
    }

    @Test
    void aPollWithOnlyFilteredRecordsInvokesNothing() {
        String table = createTable();
        for (int i = 0; i < 5; i++) put(table, "DIALOG" + i);
        Recorder handler = new Recorder();
        try (var source = source(streamArn(table), handler, options().withStartingPosition("TRIM_HORIZON")
                .withFilter(FilterCriteria.of("{\"dynamodb\":{\"Keys\":{\"sk\":{\"S\":[{\"prefix\":\"MSG#\"}]}}}}")))) {
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(0, handler.invocations.size());
            assertEquals(0, source.stats().invocations());
            assertEquals(5, source.stats().recordsFilteredOut());
            put(table, "MSG#after");
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of(List.of("MSG#after")), handler.sortKeys());
        }
    }

    @Test
    void batchSizeIsRespected() {
        String table = createTable();
        for (int i = 1; i <= 8; i++) put(table, "r" + i);
        Recorder handler = new Recorder();
        try (var source = source(streamArn(table), handler, options().withStartingPosition("TRIM_HORIZON").withBatchSize(3))) {
            assertTrue(source.awaitCaughtUp(WAIT));
        }
        assertEquals(List.of(List.of("r1", "r2", "r3"), List.of("r4", "r5", "r6"), List.of("r7", "r8")), handler.sortKeys());
    }

    @Test
    void batchingWindowGathersRecords() {
        String table = createTable();
        Recorder handler = new Recorder();
        try (var source = source(streamArn(table), handler, options().withMaximumBatchingWindow(Duration.ofSeconds(2)))) {
            for (int i = 1; i <= 3; i++) {
                put(table, "w" + i);
                sleep(100);
            }
            assertTrue(source.awaitCaughtUp(WAIT));
        }
        assertEquals(List.of(List.of("w1", "w2", "w3")), handler.sortKeys());
    }

    // --- awaitCaughtUp, close ---

    @Test
    void awaitCaughtUpWaitsForTheHandlerToFinish() throws InterruptedException {
        String table = createTable();
        CountDownLatch release = new CountDownLatch(1);
        List<String> finished = new CopyOnWriteArrayList<>();
        Recorder handler = new Recorder(event -> {
            await(release);
            event.get("Records").forEach(r -> finished.add(r.at("/dynamodb/Keys/sk/S").asText()));
            return "";
        });
        try (var source = source(streamArn(table), handler, options())) {
            assertTrue(source.awaitCaughtUp(Duration.ofSeconds(2)), "nothing written yet");
            put(table, "r1");
            put(table, "r2");
            assertFalse(source.awaitCaughtUp(Duration.ofMillis(500)), "the handler is still blocked");
            release.countDown();
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of("r1", "r2"), finished);
            for (int i = 3; i <= 30; i++) put(table, "r" + i);
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(30, finished.size());
            assertTrue(source.stats().lastIteratorAgeMillis() >= 0);
        }
    }

    @Test
    void closeStopsQuicklyWhenIdleAndWhileRetrying() {
        String table = createTable();
        try (var idle = source(streamArn(table), new Recorder(), options())) {
            sleep(300);
            long t0 = System.nanoTime();
            idle.close();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "close took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
        Recorder failing = new Recorder(event -> {
            throw new IllegalStateException("always");
        });
        put(table, "r1");
        var retrying = source(streamArn(table), failing, options().withStartingPosition("TRIM_HORIZON")
                .withPollInterval(Duration.ofMillis(250)));
        awaitUntil(() -> failing.invocations.size() >= 2);
        long t0 = System.nanoTime();
        retrying.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "close took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        int after = failing.invocations.size();
        sleep(600);
        assertEquals(after, failing.invocations.size(), "no invocations after close()");
    }

    @Test
    void optionsAreChecked() {
        var defaults = DynamoStreamEventSource.Options.defaults("fn");
        assertEquals(100, defaults.batchSize());
        assertEquals(Duration.ofMillis(250), defaults.pollInterval());
        assertEquals(Duration.ZERO, defaults.maximumBatchingWindow());
        assertEquals("LATEST", defaults.startingPosition());
        assertEquals(-1, defaults.maximumRetryAttempts());
        assertTrue(defaults.reportBatchItemFailures());
        assertThrows(IllegalArgumentException.class, () -> defaults.withBatchSize(10_001));
        assertThrows(IllegalArgumentException.class, () -> defaults.withBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withStartingPosition("AT_TIMESTAMP"));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaximumRetryAttempts(-2));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaximumBatchingWindow(Duration.ofSeconds(301)));
    }

    // --- helpers ---

    DynamoStreamEventSource.Options options() {
        return DynamoStreamEventSource.Options.defaults("test-fn").withPollInterval(Duration.ofMillis(50));
    }

    DynamoStreamEventSource source(String streamArn, RequestStreamHandler handler, DynamoStreamEventSource.Options options) {
        return new DynamoStreamEventSource(streams, streamArn, handler, options, null).start();
    }

    String createTable() {
        String name = "esm-ddb-" + System.nanoTime();
        dynamoDb.createTable(b -> b.tableName(name)
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(name));
        return name;
    }

    String streamArn(String table) {
        String arn = dynamoDb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        assertNotNull(arn);
        return arn;
    }

    void put(String table, String sk) {
        put(table, sk, Map.of());
    }

    void put(String table, String sk, Map<String, AttributeValue> more) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(key("p", sk));
        item.putAll(more);
        dynamoDb.putItem(b -> b.tableName(table).item(item));
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", s(pk), "sk", s(sk));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static String failures(JsonNode... records) {
        StringBuilder list = new StringBuilder();
        for (JsonNode r : records) {
            if (!list.isEmpty()) list.append(',');
            list.append("{\"itemIdentifier\":\"").append(r.at("/dynamodb/SequenceNumber").asText()).append("\"}");
        }
        return "{\"batchItemFailures\":[" + list + "]}";
    }

    JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static Set<String> texts(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    static void awaitUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + WAIT);
            sleep(20);
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) throw new AssertionError("latch not released");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
