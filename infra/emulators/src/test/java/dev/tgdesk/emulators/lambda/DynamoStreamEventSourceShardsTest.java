package dev.tgdesk.emulators.lambda;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What moto cannot show (it has one shard that never closes, and its iterators last 15 minutes): shards that close
 * and have children, DescribeStream pages, expired iterators — against an in-memory DynamoDB Streams.
 */
class DynamoStreamEventSourceShardsTest {

    private static final String ARN = "arn:aws:dynamodb:eu-west-1:111122223333:table/t/stream/2024-01-01T00:00:00.000";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aClosedShardIsReadToItsEndBeforeItsChildren() {
        FakeStreams fake = new FakeStreams();
        fake.shard("shard-a", null).add("a1", "a2").close();
        fake.shard("shard-b", "shard-a").add("b1");
        fake.shard("shard-c", "shard-b").add("c1"); // a grandchild, open
        Recorder handler = new Recorder();
        try (var source = new DynamoStreamEventSource(fake, ARN, handler, options("TRIM_HORIZON"), null).start()) {
            awaitUntil(() -> handler.keys().contains("b1"));
            sleep(300); // time enough for c to start, were it not waiting for b
            assertEquals(List.of("a1", "a2", "b1"), handler.keys(), "b waits until a is done, c until b is");
            fake.shard("shard-b").add("b2").close();
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of("a1", "a2", "b1", "b2", "c1"), handler.keys());
            assertEquals("eu-west-1", handler.records.get(0).get("awsRegion").asText());
            fake.shard("shard-c").add("c2");
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of("a1", "a2", "b1", "b2", "c1", "c2"), handler.keys());
        }
    }

    @Test
    void latestSkipsClosedShardsAndStartsOpenOnesAtTheirEnd() {
        FakeStreams fake = new FakeStreams();
        fake.shard("shard-a", null).add("old-a").close();
        fake.shard("shard-b", "shard-a").add("old-b");
        Recorder handler = new Recorder();
        try (var source = new DynamoStreamEventSource(fake, ARN, handler, options("LATEST"), null).start()) {
            fake.shard("shard-b").add("new-b").close();
            fake.shard("shard-c", "shard-b").add("new-c"); // appears after start(): read from its start
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of("new-b", "new-c"), handler.keys());
        }
    }

    @Test
    void anExpiredIteratorIsReplacedAfterTheLastRecordRead() {
        FakeStreams fake = new FakeStreams();
        FakeShard shard = fake.shard("shard-a", null).add("r1");
        Recorder handler = new Recorder();
        try (var source = new DynamoStreamEventSource(fake, ARN, handler, options("TRIM_HORIZON"), null).start()) {
            assertTrue(source.awaitCaughtUp(WAIT));
            fake.expireAllIterators();
            shard.add("r2");
            assertTrue(source.awaitCaughtUp(WAIT));
            assertEquals(List.of("r1", "r2"), handler.keys());
            assertTrue(fake.afterSequenceRequests.contains(shard.sequence(0)), fake.afterSequenceRequests.toString());
        }
    }

    private static DynamoStreamEventSource.Options options(String startingPosition) {
        return DynamoStreamEventSource.Options.defaults("fn").withStartingPosition(startingPosition)
                .withPollInterval(Duration.ofMillis(20));
    }

    private final class Recorder implements RequestStreamHandler {
        final List<JsonNode> records = new CopyOnWriteArrayList<>();

        @Override
        public void handleRequest(java.io.InputStream input, java.io.OutputStream output,
                                  com.amazonaws.services.lambda.runtime.Context context) throws java.io.IOException {
            json.readTree(input).get("Records").forEach(records::add);
        }

        List<String> keys() {
            return records.stream().map(r -> r.at("/dynamodb/Keys/id/S").asText()).toList();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + WAIT);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** A shard: records with sequence numbers from its own range; closed = it has an ending sequence number. */
    private static final class FakeShard {
        final String id;
        final String parent;
        final long base;
        final List<Record> records = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        FakeShard(String id, String parent, long base) {
            this.id = id;
            this.parent = parent;
            this.base = base;
        }

        synchronized FakeShard add(String... keys) {
            if (closed) throw new IllegalStateException("closed");
            for (String key : keys) {
                String sequence = sequence(records.size());
                records.add(Record.builder().eventID("e-" + sequence).eventName(OperationType.INSERT).eventVersion("1.1")
                        .eventSource("aws:dynamodb").awsRegion("eu-west-1")
                        .dynamodb(StreamRecord.builder().approximateCreationDateTime(Instant.now())
                                .keys(Map.of("id", AttributeValue.fromS(key)))
                                .newImage(Map.of("id", AttributeValue.fromS(key)))
                                .sequenceNumber(sequence).sizeBytes(10L).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).build())
                        .build());
            }
            return this;
        }

        String sequence(int index) {
            return Long.toString(base + index);
        }

        void close() {
            closed = true;
        }

        Shard describe() {
            return Shard.builder().shardId(id).parentShardId(parent).sequenceNumberRange(r -> r
                    .startingSequenceNumber(sequence(0)).endingSequenceNumber(closed ? sequence(records.size()) : null)).build();
        }
    }

    /** In-memory DynamoDB Streams: one shard per DescribeStream page; iterators are "shard|position". */
    private static final class FakeStreams implements DynamoDbStreamsClient {
        final List<FakeShard> shards = new CopyOnWriteArrayList<>();
        final Set<String> issued = ConcurrentHashMap.newKeySet();
        final Set<String> expired = ConcurrentHashMap.newKeySet();
        final List<String> afterSequenceRequests = new CopyOnWriteArrayList<>();

        FakeShard shard(String id, String parent) {
            FakeShard shard = new FakeShard(id, parent, 100_000L * (shards.size() + 1));
            shards.add(shard);
            return shard;
        }

        FakeShard shard(String id) {
            return shards.stream().filter(s -> s.id.equals(id)).findFirst().orElseThrow();
        }

        void expireAllIterators() {
            expired.addAll(issued);
        }

        @Override
        public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
            int from = 0;
            if (request.exclusiveStartShardId() != null) {
                from = shards.indexOf(shard(request.exclusiveStartShardId())) + 1;
            }
            List<Shard> page = new ArrayList<>();
            if (from < shards.size()) page.add(shards.get(from).describe());
            String last = from + 1 < shards.size() ? shards.get(from).id : null;
            return DescribeStreamResponse.builder().streamDescription(d -> d.streamArn(request.streamArn())
                    .shards(page).lastEvaluatedShardId(last)).build();
        }

        @Override
        public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
            FakeShard shard = shard(request.shardId());
            int position = switch (request.shardIteratorType()) {
                case TRIM_HORIZON -> 0;
                case LATEST -> shard.records.size();
                case AFTER_SEQUENCE_NUMBER -> {
                    afterSequenceRequests.add(request.sequenceNumber());
                    yield (int) (Long.parseLong(request.sequenceNumber()) - shard.base) + 1;
                }
                case AT_SEQUENCE_NUMBER -> (int) (Long.parseLong(request.sequenceNumber()) - shard.base);
                default -> throw new IllegalArgumentException(request.shardIteratorTypeAsString());
            };
            return GetShardIteratorResponse.builder().shardIterator(iterator(shard, position)).build();
        }

        @Override
        public GetRecordsResponse getRecords(GetRecordsRequest request) {
            String iterator = request.shardIterator();
            if (expired.contains(iterator)) throw ExpiredIteratorException.builder().message("expired").build();
            String[] parts = iterator.split("\\|");
            FakeShard shard = shard(parts[0]);
            int position = Integer.parseInt(parts[1]);
            synchronized (shard) {
                int end = Math.min(shard.records.size(), position + request.limit());
                List<Record> records = shard.records.subList(position, end);
                String next = shard.closed && end == shard.records.size() ? null : iterator(shard, end);
                return GetRecordsResponse.builder().records(List.copyOf(records)).nextShardIterator(next).build();
            }
        }

        private String iterator(FakeShard shard, int position) {
            // a fresh string each time, as real iterators are, so that expiring old ones spares new ones
            String iterator = shard.id + "|" + position + "|" + java.util.UUID.randomUUID();
            issued.add(iterator);
            return iterator;
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }
}
