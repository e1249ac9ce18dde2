package dev.tgdesk.emulators.lambda;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The local stand-in for a Lambda DynamoDB Streams event source mapping: one poller per shard reads the stream
 * and hands batches to a {@link RequestStreamHandler} as the event Lambda builds.
 *
 * <ul>
 * <li>Event: {@code {"Records":[{eventID, eventName, eventVersion "1.1", eventSource "aws:dynamodb", awsRegion,
 *     dynamodb{ApproximateCreationDateTime, Keys, NewImage, OldImage, SequenceNumber, SizeBytes, StreamViewType},
 *     eventSourceARN, + userIdentity for TTL deletions}]}}, attribute values in DynamoDB JSON.
 *     {@code ApproximateCreationDateTime} is epoch seconds as a JSON float ({@code 1.578648338E9}, as Lambda
 *     sends it), rounded down to the second as DynamoDB does. {@code SizeBytes} is approximate: DynamoDB's item-size
 *     rules applied to Keys + images (attribute names and values; numbers by significant digits).</li>
 * <li>Order and blocking: records of a shard go out in order, one batch at a time; a failing batch is retried (same
 *     records, same order) and blocks its shard meanwhile. A retry waits one {@code pollInterval}.</li>
 * <li>Result with {@code reportBatchItemFailures}: {@code {"batchItemFailures":[{"itemIdentifier":"<SequenceNumber>"}]}}
 *     checkpoints just before the lowest failed sequence number, and the rest of the batch is retried from there.
 *     An empty list, {@code null}, {@code {}} or no output is success; an itemIdentifier that is null, empty or
 *     names no record of the batch fails the whole batch. A handler exception, or an invocation that outlives
 *     {@code functionTimeout} (it is not interrupted), fails the whole batch.</li>
 * <li>{@code maximumRetryAttempts}: a batch (a remainder after item failures, or with bisect a half) that still fails
 *     after that many retries is discarded and {@code onFailure} gets the DynamoDB Streams on-failure record
 *     ({@code requestContext}, {@code responseContext}, {@code version}, {@code timestamp}, {@code DDBStreamBatchInfo}).
 *     A retry after reported item failures counts as a retry of the remaining records.</li>
 * <li>{@code bisectBatchOnFunctionError}: a batch that fails as a whole is split in two and the halves are tried in
 *     order; splitting does not count as a retry (a half keeps the retries its batch used). Reported item failures
 *     split at the failed record instead (Lambda: "bisected at the returned sequence number").</li>
 * <li>Filter: records no pattern matches are dropped before batching (and checkpointed past); they never reach the
 *     handler, and a poll that yields only such records invokes nothing.</li>
 * <li>Batching: up to {@code batchSize} matching records and 6 MB of event; with a {@code maximumBatchingWindow}
 *     the poller keeps reading until the batch is full or the window has passed — it opens when the first record
 *     is waiting, and not before the previous invocation ended. A full batch is followed by the next poll at once,
 *     otherwise by one after {@code pollInterval}.</li>
 * <li>Shards: found with DescribeStream at start and every second after; with LATEST, shards open at start() begin
 *     at their LATEST iterator, taken inside start(); other shards begin at TRIM_HORIZON once their parent is done.
 *     A closed shard ends when GetRecords returns no NextShardIterator. An expired iterator is replaced by one
 *     AFTER_SEQUENCE_NUMBER of the last record read.</li>
 * </ul>
 *
 * Not emulated: MaximumRecordAgeInSeconds, ParallelizationFactor (always 1), tumbling windows, on-success
 * destinations, Lambda's throttling and service-side retries.
 */
public final class DynamoStreamEventSource implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DynamoStreamEventSource.class.getName());

    /** Lambda's payload limit for a synchronous invocation. */
    private static final int MAX_EVENT_BYTES = 6 * 1024 * 1024;
    /** GetRecords' own maximum. */
    private static final int MAX_GET_RECORDS = 1000;
    private static final Duration SHARD_DISCOVERY_INTERVAL = Duration.ofSeconds(1);
    private static final DateTimeFormatter MILLIS_UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * @param batchSize                  matching records per invocation, 1–10 000 (default 100)
     * @param pollInterval               idle poll interval per shard (default 250 ms: Lambda polls each shard 4 times a second)
     * @param maximumBatchingWindow      how long to gather records before invoking, 0–300 s (default 0)
     * @param startingPosition           {@code LATEST} (default) or {@code TRIM_HORIZON}
     * @param maximumRetryAttempts       retries before a failing batch is discarded, -1 (until the record expires:
     *                                   here, forever) to 10 000 (default -1)
     * @param bisectBatchOnFunctionError split a batch that fails as a whole in two before retrying (default false)
     * @param reportBatchItemFailures    honour {@code batchItemFailures} in the function's result (default true)
     * @param functionTimeout            the function's timeout: the context's deadline (default 20 s)
     * @param filter                     {@code FilterCriteria}; null delivers everything
     */
    public record Options(String functionName, int batchSize, Duration pollInterval, Duration maximumBatchingWindow,
                          String startingPosition, int maximumRetryAttempts, boolean bisectBatchOnFunctionError,
                          boolean reportBatchItemFailures, Duration functionTimeout, int memoryMb, FilterCriteria filter) {
        public Options {
            Objects.requireNonNull(functionName, "functionName");
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(maximumBatchingWindow, "maximumBatchingWindow");
            Objects.requireNonNull(functionTimeout, "functionTimeout");
            if (batchSize < 1 || batchSize > 10_000) throw new IllegalArgumentException("batchSize must be 1–10000: " + batchSize);
            if (pollInterval.isNegative() || pollInterval.isZero()) throw new IllegalArgumentException("pollInterval must be positive");
            if (maximumBatchingWindow.isNegative() || maximumBatchingWindow.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("maximumBatchingWindow must be 0–300 s");
            }
            if (!"LATEST".equals(startingPosition) && !"TRIM_HORIZON".equals(startingPosition)) {
                throw new IllegalArgumentException("startingPosition must be LATEST or TRIM_HORIZON: " + startingPosition);
            }
            if (maximumRetryAttempts < -1 || maximumRetryAttempts > 10_000) {
                throw new IllegalArgumentException("maximumRetryAttempts must be -1–10000: " + maximumRetryAttempts);
            }
            if (functionTimeout.isNegative() || functionTimeout.isZero()) throw new IllegalArgumentException("functionTimeout must be positive");
            if (memoryMb < 1) throw new IllegalArgumentException("memoryMb must be positive");
        }

        public static Options defaults(String functionName) {
            return new Options(functionName, 100, Duration.ofMillis(250), Duration.ZERO, "LATEST", -1, false, true,
                    Duration.ofSeconds(20), 1024, null);
        }

        public Options withBatchSize(int n) {
            return new Options(functionName, n, pollInterval, maximumBatchingWindow, startingPosition, maximumRetryAttempts,
                    bisectBatchOnFunctionError, reportBatchItemFailures, functionTimeout, memoryMb, filter);
        }

        public Options withPollInterval(Duration d) {
            return new Options(functionName, batchSize, d, maximumBatchingWindow, startingPosition, maximumRetryAttempts,
                    bisectBatchOnFunctionError, reportBatchItemFailures, functionTimeout, memoryMb, filter);
        }

        public Options withMaximumBatchingWindow(Duration d) {
            return new Options(functionName, batchSize, pollInterval, d, startingPosition, maximumRetryAttempts,
                    bisectBatchOnFunctionError, reportBatchItemFailures, functionTimeout, memoryMb, filter);
        }

        public Options withStartingPosition(String position) {
            return new Options(functionName, batchSize, pollInterval, maximumBatchingWindow, position, maximumRetryAttempts,
                    bisectBatchOnFunctionError, reportBatchItemFailures, functionTimeout, memoryMb, filter);
        }

        public Options withMaximumRetryAttempts(int n) {
            return new Options(functionName, batchSize, pollInterval, maximumBatchingWindow, startingPosition, n,
                    bisectBatchOnFunctionError, reportBatchItemFailures, functionTimeout, memoryMb, filter);
        }

        public Options withBisectBatchOnFunctionError(boolean b) {
            return new Options(functionName, batchSize, pollInterval, maximumBatchingWindow, startingPosition, maximumRetryAttempts,
                    b, reportBatchItemFailures, functionTimeout, memoryMb, filter);
        }

        public Options withReportBatchItemFailures(boolean b) {
            return new Options(functionName, batchSize, pollInterval, maximumBatchingWindow, startingPosition, maximumRetryAttempts,
                    bisectBatchOnFunctionError, b, functionTimeout, memoryMb, filter);
        }

        public Options withFunctionTimeout(Duration d) {
            return new Options(functionName, batchSize, pollInterval, maximumBatchingWindow, startingPosition, maximumRetryAttempts,
                    bisectBatchOnFunctionError, reportBatchItemFailures, d, memoryMb, filter);
        }

        public Options withMemoryMb(int mb) {
            return new Options(functionName, batchSize, pollInterval, maximumBatchingWindow, startingPosition, maximumRetryAttempts,
                    bisectBatchOnFunctionError, reportBatchItemFailures, functionTimeout, mb, filter);
        }

        public Options withFilter(FilterCriteria f) {
            return new Options(functionName, batchSize, pollInterval, maximumBatchingWindow, startingPosition, maximumRetryAttempts,
                    bisectBatchOnFunctionError, reportBatchItemFailures, functionTimeout, memoryMb, f);
        }
    }

    /**
     * @param invocations           handler invocations
     * @param recordsDelivered      records handed to the handler (a redelivered record counts again)
     * @param recordsFilteredOut    records dropped by the filter
     * @param failedInvocations     invocations that did not fully succeed (exception, timeout, bad result, or batchItemFailures)
     * @param retries               invocations that retried records of an earlier failed one (bisected halves excluded)
     * @param discardedBatches      batches given up after maximumRetryAttempts (each reported to onFailure)
     * @param lastIteratorAgeMillis age of the last record of the latest invocation when it ended (Lambda's IteratorAge)
     */
    public record Stats(long invocations, long recordsDelivered, long recordsFilteredOut, long failedInvocations,
                        long retries, long discardedBatches, long lastIteratorAgeMillis) {
    }

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final RequestStreamHandler handler;
    private final Options options;
    private final Consumer<JsonNode> onFailure;
    private final String region;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicBoolean running = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<String, ShardPoller> pollers = new ConcurrentHashMap<>();
    /** Shards this mapping is through with: read to their end, or closed before a LATEST start. */
    private final Set<String> doneShards = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    /** Known shards waiting for their parent to be done. */
    private volatile int waitingShards;

    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong recordsDelivered = new AtomicLong();
    private final AtomicLong recordsFilteredOut = new AtomicLong();
    private final AtomicLong failedInvocations = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong discardedBatches = new AtomicLong();
    private final AtomicLong lastIteratorAgeMillis = new AtomicLong();

    /**
     * @param onFailure the on-failure destination: gets the record Lambda would send to an SQS/SNS destination when
     *                  a batch is discarded after its retries; may be null
     */
    public DynamoStreamEventSource(DynamoDbStreamsClient streams, String streamArn, RequestStreamHandler handler,
                                   Options options, Consumer<JsonNode> onFailure) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.streamArn = Objects.requireNonNull(streamArn, "streamArn");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.options = Objects.requireNonNull(options, "options");
        this.onFailure = onFailure;
        String[] arn = streamArn.split(":");
        this.region = arn.length > 3 && !arn[3].isEmpty() ? arn[3] : "us-east-1";
    }

    /** Finds the shards and starts polling; with LATEST, records written after this returns are delivered. */
    public synchronized DynamoStreamEventSource start() {
        if (stopped.getCount() == 0) throw new IllegalStateException("closed");
        if (!running.compareAndSet(false, true)) throw new IllegalStateException("already started");
        try {
            discoverShards(true);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        startThread("shards", () -> {
            while (await(SHARD_DISCOVERY_INTERVAL)) {
                try {
                    discoverShards(false);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "DescribeStream for {0} failed: {1}", options.functionName(), e.toString());
                }
            }
        });
        return this;
    }

    /**
     * Blocks until every record written to the table before this call has been handed to the handler and finished
     * (successfully, discarded after its retries, or filtered out), or the timeout passes; returns whether it caught
     * up. For tests.
     *
     * <p>How: for each shard it reads ahead from the poller's own read position (its current shard iterator, reused
     * with a second GetRecords) to the newest record there is, and waits until the poller's checkpoint — the newest
     * record it is through with, every earlier one included — has reached it. It looks for new shards first; shards
     * that start later (children of a closed shard) are measured when they start, and a shard still waiting for its
     * parent means not caught up.
     */
    public boolean awaitCaughtUp(Duration timeout) {
        if (!running.get()) throw new IllegalStateException("not running");
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            discoverShards(false); // a shard that appeared since the last discovery holds records written before now
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "DescribeStream failed: {0}", e.toString());
        }
        Map<ShardPoller, BigInteger> targets = new HashMap<>(); // null: nothing to wait for in that shard
        while (true) {
            boolean caughtUp = waitingShards == 0;
            for (ShardPoller poller : pollers.values()) {
                if (!targets.containsKey(poller)) {
                    try {
                        targets.put(poller, poller.newestSequenceNumber());
                    } catch (RuntimeException e) {
                        caughtUp = false; // try again on the next round
                        continue;
                    }
                }
                if (!poller.isThrough(targets.get(poller))) caughtUp = false;
            }
            if (caughtUp) return true;
            if (System.nanoTime() > deadline || !running.get()) return false;
            if (!await(Duration.ofMillis(10))) return false;
        }
    }

    public Stats stats() {
        return new Stats(invocations.get(), recordsDelivered.get(), recordsFilteredOut.get(), failedInvocations.get(),
                retries.get(), discardedBatches.get(), lastIteratorAgeMillis.get());
    }

    /** Stops polling and retrying; an invocation in progress is waited for (up to the function timeout + 5 s). */
    @Override
    public void close() {
        running.set(false);
        stopped.countDown();
        List<Thread> started;
        synchronized (threads) {
            started = List.copyOf(threads);
            threads.clear();
        }
        for (Thread t : started) {
            if (t == Thread.currentThread()) continue;
            try {
                t.join(options.functionTimeout().toMillis() + 5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // --- shards ---

    /** Starts a poller for each shard that is due; synchronized so start(), the discovery thread and pollers agree. */
    private synchronized void discoverShards(boolean initial) {
        if (!running.get()) return;
        List<Shard> shards = new ArrayList<>();
        String last = null;
        do {
            DescribeStreamRequest request = DescribeStreamRequest.builder().streamArn(streamArn).exclusiveStartShardId(last).build();
            StreamDescription description = streams.describeStream(request).streamDescription();
            shards.addAll(description.shards());
            last = description.lastEvaluatedShardId();
        } while (last != null);

        Set<String> known = new HashSet<>();
        shards.forEach(s -> known.add(s.shardId()));
        int waiting = 0;
        for (Shard shard : shards) {
            String id = shard.shardId();
            if (pollers.containsKey(id) || doneShards.contains(id)) continue;
            boolean closed = shard.sequenceNumberRange() != null && shard.sequenceNumberRange().endingSequenceNumber() != null;
            if (initial && options.startingPosition().equals("LATEST")) {
                if (closed) {
                    doneShards.add(id); // nothing will be written there after start()
                } else {
                    startPoller(id, ShardIteratorType.LATEST);
                }
                continue;
            }
            String parent = shard.parentShardId();
            if (parent == null || !known.contains(parent) || doneShards.contains(parent)) {
                startPoller(id, ShardIteratorType.TRIM_HORIZON);
            } else {
                waiting++;
            }
        }
        waitingShards = waiting;
    }

    private void startPoller(String shardId, ShardIteratorType start) {
        ShardPoller poller = new ShardPoller(shardId, start);
        poller.iterator = poller.newIterator(start, null); // taken now: LATEST means "after start()"
        pollers.put(shardId, poller);
        startThread(shardId, poller::run);
    }

    private void startThread(String name, Runnable body) {
        Thread t = new Thread(body, "ddb-esm-" + options.functionName() + "-" + name);
        t.setDaemon(true);
        synchronized (threads) {
            threads.add(t);
        }
        t.start();
    }

    /** Waits up to {@code d}; false once the source is closing. */
    private boolean await(Duration d) {
        try {
            return !stopped.await(d.toNanos(), TimeUnit.NANOSECONDS) && running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A record read from the shard: its Lambda-shaped JSON and what batching needs. */
    private record Entry(ObjectNode record, BigInteger sequenceNumber, Instant created, int bytes, boolean matches) {
        String sequence() {
            return sequenceNumber.toString();
        }
    }

    /** A run of records being tried: the whole batch, a half of it, or what is left after item failures. */
    private record Piece(List<Entry> records, int retries, int invokeCount) {
        Entry last() {
            return records.get(records.size() - 1);
        }
    }

    /** How an invocation went: {@code done} records from the head succeeded; {@code error} = the function failed. */
    private record Result(int done, boolean error, String requestId) {
    }

    private final class ShardPoller {
        final String shardId;
        final ShardIteratorType startedAt;
        /** Position of the next read; null once the shard is closed and read to its end. */
        volatile String iterator;
        /** Newest sequence number read. Written before {@link #iterator}, read after it (see newestSequenceNumber). */
        volatile BigInteger lastRead;
        /** Newest sequence number this poller is through with (delivered, discarded or filtered), all earlier included. */
        volatile BigInteger checkpoint;
        /** Read, not yet through with; filtered-out records wait here until the records before them are done. */
        final Deque<Entry> buffer = new ArrayDeque<>();
        int matching; // entries in buffer that pass the filter
        long waitingSince; // System.nanoTime() when matching last went from 0 to more
        boolean failing; // log a failing read once, not on every poll

        ShardPoller(String shardId, ShardIteratorType startedAt) {
            this.shardId = shardId;
            this.startedAt = startedAt;
        }

        void run() {
            long lastInvocationEnd = System.nanoTime();
            while (running.get()) {
                try {
                    if (matching < options.batchSize() && iterator != null) {
                        while (read() && matching < options.batchSize() && iterator != null && running.get()) {
                            // a full page: more is waiting, read on before invoking
                        }
                    }
                    if (matching == 0) {
                        if (iterator == null) {
                            finishShard();
                            return;
                        }
                        await(options.pollInterval());
                        continue;
                    }
                    // The window opens when a record is waiting, but not before the previous invocation ended.
                    long windowStart = Math.max(lastInvocationEnd, waitingSince);
                    long windowLeft = windowStart + options.maximumBatchingWindow().toNanos() - System.nanoTime();
                    if (windowLeft > 0 && matching < options.batchSize() && iterator != null && bufferedBytes() < MAX_EVENT_BYTES) {
                        await(Duration.ofNanos(Math.min(windowLeft, options.pollInterval().toNanos())));
                        continue;
                    }
                    List<Entry> batch = nextBatch();
                    process(batch);
                    lastInvocationEnd = System.nanoTime();
                    if (batch.size() < options.batchSize() && matching == 0) await(options.pollInterval());
                } catch (RuntimeException e) {
                    if (!running.get()) return;
                    if (!failing) LOG.log(System.Logger.Level.WARNING, "stream poller " + options.functionName() + "/" + shardId + " failed", e);
                    failing = true;
                    await(Duration.ofMillis(500));
                }
            }
        }

        /** One GetRecords; true when it returned a full page. */
        boolean read() {
            GetRecordsResponse response;
            try {
                response = streams.getRecords(GetRecordsRequest.builder().shardIterator(iterator).limit(MAX_GET_RECORDS).build());
                failing = false;
            } catch (ExpiredIteratorException e) {
                iterator = lastRead != null
                        ? newIterator(ShardIteratorType.AFTER_SEQUENCE_NUMBER, lastRead.toString())
                        : newIterator(startedAt, null);
                return false;
            } catch (TrimmedDataAccessException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}/{1}: records trimmed from the stream before they were read; going on from TRIM_HORIZON",
                        options.functionName(), shardId);
                iterator = newIterator(ShardIteratorType.TRIM_HORIZON, null);
                return false;
            } catch (RuntimeException e) {
                if (!running.get()) return false;
                if (!failing) {
                    LOG.log(System.Logger.Level.WARNING, "GetRecords for {0}/{1} failed (retrying quietly): {2}",
                            options.functionName(), shardId, e.toString());
                }
                failing = true;
                await(Duration.ofMillis(500));
                return false;
            }
            for (Record r : response.records()) {
                Entry entry = entry(r);
                buffer.addLast(entry);
                if (entry.matches()) {
                    if (matching++ == 0) waitingSince = System.nanoTime();
                } else {
                    recordsFilteredOut.incrementAndGet();
                }
            }
            if (!response.records().isEmpty()) lastRead = buffer.peekLast().sequenceNumber();
            iterator = response.nextShardIterator(); // after lastRead: awaitCaughtUp relies on that order
            dropFilteredHead();
            return response.records().size() >= MAX_GET_RECORDS;
        }

        String newIterator(ShardIteratorType type, String sequenceNumber) {
            return streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shardId).shardIteratorType(type)
                    .sequenceNumber(sequenceNumber)).shardIterator();
        }

        /** The next batch: up to batchSize matching records from the head, within the payload limit. */
        List<Entry> nextBatch() {
            List<Entry> batch = new ArrayList<>();
            int bytes = 0;
            for (Entry e : buffer) {
                if (!e.matches()) continue;
                if (batch.size() == options.batchSize() || (!batch.isEmpty() && bytes + e.bytes() > MAX_EVENT_BYTES)) break;
                batch.add(e);
                bytes += e.bytes();
            }
            return batch;
        }

        int bufferedBytes() {
            int bytes = 0;
            for (Entry e : buffer) {
                if (e.matches()) bytes += e.bytes();
            }
            return bytes;
        }

        /** Tries a batch until it is done: succeeded, or (pieces of it) discarded. Returns early on close(). */
        void process(List<Entry> batch) {
            Deque<Piece> pieces = new ArrayDeque<>();
            pieces.add(new Piece(batch, 0, 0));
            boolean retrying = false;
            while (!pieces.isEmpty()) {
                if (!running.get() || (retrying && !await(options.pollInterval()))) return;
                Piece piece = pieces.removeFirst();
                if (retrying) retries.incrementAndGet();
                Result result = invoke(piece.records(), piece.invokeCount() == 0);
                int invoked = piece.invokeCount() + 1;
                if (result.done() == piece.records().size()) {
                    finishThrough(piece.last());
                    retrying = false;
                    continue;
                }
                failedInvocations.incrementAndGet();
                if (result.done() > 0) finishThrough(piece.records().get(result.done() - 1));
                List<Entry> rest = piece.records().subList(result.done(), piece.records().size());
                if (result.error() && options.bisectBatchOnFunctionError() && rest.size() > 1) {
                    // Splitting does not use up a retry: each half keeps the count its batch had.
                    int half = rest.size() / 2;
                    pieces.addFirst(new Piece(List.copyOf(rest.subList(half, rest.size())), piece.retries(), invoked));
                    pieces.addFirst(new Piece(List.copyOf(rest.subList(0, half)), piece.retries(), invoked));
                    retrying = false; // the halves are new batches, tried at once
                } else if (options.maximumRetryAttempts() >= 0 && piece.retries() >= options.maximumRetryAttempts()) {
                    discard(new Piece(List.copyOf(rest), piece.retries(), invoked), result);
                    retrying = false;
                } else {
                    pieces.addFirst(new Piece(List.copyOf(rest), piece.retries() + 1, invoked));
                    retrying = true;
                }
            }
        }

        /** One invocation; a failure is logged with its stack trace only on a batch's first invocation. */
        Result invoke(List<Entry> records, boolean first) {
            invocations.incrementAndGet();
            recordsDelivered.addAndGet(records.size());
            ObjectNode event = json.createObjectNode();
            ArrayNode list = event.putArray("Records");
            records.forEach(e -> list.add(e.record()));
            byte[] input;
            try {
                input = json.writeValueAsBytes(event);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long deadline = System.currentTimeMillis() + options.functionTimeout().toMillis();
            LocalLambdaContext context = new LocalLambdaContext(options.functionName(), deadline, options.memoryMb());
            try {
                handler.handleRequest(new ByteArrayInputStream(input), out, context);
            } catch (Exception | Error e) {
                String what = "function " + options.functionName() + " failed on " + shardId + " "
                        + records.get(0).sequence() + ".." + records.get(records.size() - 1).sequence();
                if (first) {
                    LOG.log(System.Logger.Level.WARNING, what, e);
                } else {
                    LOG.log(System.Logger.Level.WARNING, what + " again: " + e);
                }
                return ended(records, new Result(0, true, context.getAwsRequestId()));
            }
            if (System.currentTimeMillis() > deadline) {
                LOG.log(System.Logger.Level.WARNING, "function {0} ran past its timeout on {1}", options.functionName(), shardId);
                return ended(records, new Result(0, true, context.getAwsRequestId()));
            }
            return ended(records, result(out.toByteArray(), records, context.getAwsRequestId()));
        }

        private Result ended(List<Entry> records, Result result) {
            Instant lastCreated = records.get(records.size() - 1).created();
            if (lastCreated != null) lastIteratorAgeMillis.set(Math.max(0, Duration.between(lastCreated, Instant.now()).toMillis()));
            return result;
        }

        /** Reads {@code batchItemFailures}: the number of records before the lowest failed one. */
        private Result result(byte[] output, List<Entry> records, String requestId) {
            Result success = new Result(records.size(), false, requestId);
            Result failed = new Result(0, true, requestId);
            if (!options.reportBatchItemFailures() || output.length == 0) return success;
            JsonNode root;
            try {
                root = json.readTree(output);
            } catch (IOException e) {
                return success; // not a partial-batch response
            }
            if (root == null || !root.isObject() || !root.has("batchItemFailures") || root.get("batchItemFailures").isNull()) {
                return success;
            }
            JsonNode failures = root.get("batchItemFailures");
            if (!failures.isArray()) return invalid(failed, failures);
            int lowest = records.size();
            for (JsonNode f : failures) {
                JsonNode id = f.get("itemIdentifier");
                int index = id != null && id.isTextual() && !id.asText().isEmpty() ? indexOf(records, id.asText()) : -1;
                if (index < 0) return invalid(failed, f);
                lowest = Math.min(lowest, index);
            }
            return lowest == records.size() ? success : new Result(lowest, false, requestId);
        }

        private Result invalid(Result failed, JsonNode entry) {
            LOG.log(System.Logger.Level.WARNING, "function {0}: invalid batchItemFailures entry {1}; the whole batch fails",
                    options.functionName(), entry);
            return failed;
        }

        private int indexOf(List<Entry> records, String sequenceNumber) {
            for (int i = 0; i < records.size(); i++) {
                if (records.get(i).sequence().equals(sequenceNumber)) return i;
            }
            return -1;
        }

        private void discard(Piece piece, Result last) {
            discardedBatches.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "function {0}: discarding {1} record(s) of {2} ({3}..{4}) after {5} retries",
                    options.functionName(), piece.records().size(), shardId, piece.records().get(0).sequence(),
                    piece.last().sequence(), piece.retries());
            finishThrough(piece.last());
            if (onFailure == null) return;
            try {
                onFailure.accept(onFailureRecord(piece, last));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "onFailure destination of " + options.functionName() + " failed", e);
            }
        }

        /** What Lambda sends to an SQS/SNS on-failure destination for a discarded DynamoDB Streams batch. */
        private ObjectNode onFailureRecord(Piece piece, Result last) {
            ObjectNode record = json.createObjectNode();
            ObjectNode request = record.putObject("requestContext");
            request.put("requestId", last.requestId());
            request.put("functionArn", "arn:aws:lambda:" + region + ":000000000000:function:" + options.functionName());
            request.put("condition", "RetryAttemptsExhausted");
            request.put("approximateInvokeCount", piece.invokeCount());
            ObjectNode response = record.putObject("responseContext");
            response.put("statusCode", 200);
            response.put("executedVersion", "$LATEST");
            if (last.error()) response.put("functionError", "Unhandled");
            record.put("version", "1.0");
            record.put("timestamp", MILLIS_UTC.format(Instant.now()));
            ObjectNode info = record.putObject("DDBStreamBatchInfo");
            info.put("shardId", shardId);
            info.put("startSequenceNumber", piece.records().get(0).sequence());
            info.put("endSequenceNumber", piece.last().sequence());
            info.put("approximateArrivalOfFirstRecord", seconds(piece.records().get(0).created()));
            info.put("approximateArrivalOfLastRecord", seconds(piece.last().created()));
            info.put("batchSize", piece.records().size());
            info.put("streamArn", streamArn);
            return record;
        }

        /** Done with every buffered record up to {@code last} (and filtered-out ones right after it). */
        private void finishThrough(Entry last) {
            while (!buffer.isEmpty()) {
                Entry e = buffer.removeFirst();
                if (e.matches()) matching--;
                checkpoint = e.sequenceNumber();
                if (e == last) break;
            }
            dropFilteredHead();
        }

        /** Filtered-out records at the head have nothing before them left to wait for. */
        private void dropFilteredHead() {
            while (!buffer.isEmpty() && !buffer.peekFirst().matches()) {
                checkpoint = buffer.removeFirst().sequenceNumber();
            }
        }

        private void finishShard() {
            doneShards.add(shardId);
            LOG.log(System.Logger.Level.DEBUG, "{0}: shard {1} closed and read to its end", options.functionName(), shardId);
            try {
                discoverShards(false); // start the children now rather than at the next discovery
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "DescribeStream after {0} closed failed: {1}", shardId, e.toString());
            }
        }

        /** True when this poller is through with {@code target} (null: nothing to wait for). */
        boolean isThrough(BigInteger target) {
            BigInteger done = checkpoint;
            return target == null || (done != null && done.compareTo(target) >= 0);
        }

        /**
         * The newest sequence number in this shard right now, as seen from this poller: reads ahead from its read
         * position to the end, then takes the newest it has read itself. The iterator is read before
         * {@link #lastRead}, and {@link #read} writes them the other way round, so a read in between is not missed.
         */
        BigInteger newestSequenceNumber() {
            String position = iterator;
            BigInteger newest = null;
            for (int page = 0; position != null && page < 100; page++) {
                GetRecordsResponse response;
                try {
                    response = streams.getRecords(GetRecordsRequest.builder().shardIterator(position).limit(MAX_GET_RECORDS).build());
                } catch (ExpiredIteratorException e) {
                    BigInteger read = lastRead;
                    position = read == null ? null : newIterator(ShardIteratorType.AFTER_SEQUENCE_NUMBER, read.toString());
                    continue;
                }
                if (response.records().isEmpty()) break;
                newest = new BigInteger(response.records().get(response.records().size() - 1).dynamodb().sequenceNumber());
                position = response.nextShardIterator();
            }
            BigInteger read = lastRead;
            if (newest == null) return read;
            return read == null || newest.compareTo(read) > 0 ? newest : read;
        }
    }

    // --- records in Lambda's shape ---

    private Entry entry(Record r) {
        StreamRecord s = r.dynamodb();
        ObjectNode record = json.createObjectNode();
        record.put("eventID", r.eventID());
        record.put("eventName", r.eventNameAsString());
        record.put("eventVersion", "1.1");
        record.put("eventSource", "aws:dynamodb");
        record.put("awsRegion", r.awsRegion() != null ? r.awsRegion() : region);
        ObjectNode dynamodb = record.putObject("dynamodb");
        Instant created = s.approximateCreationDateTime();
        if (created != null) {
            created = created.truncatedTo(ChronoUnit.SECONDS);
            dynamodb.put("ApproximateCreationDateTime", (double) created.getEpochSecond());
        }
        long size = 0;
        if (s.hasKeys()) {
            dynamodb.set("Keys", item(s.keys()));
            size += itemSize(s.keys());
        }
        if (s.hasNewImage()) {
            dynamodb.set("NewImage", item(s.newImage()));
            size += itemSize(s.newImage());
        }
        if (s.hasOldImage()) {
            dynamodb.set("OldImage", item(s.oldImage()));
            size += itemSize(s.oldImage());
        }
        dynamodb.put("SequenceNumber", s.sequenceNumber());
        dynamodb.put("SizeBytes", size);
        dynamodb.put("StreamViewType", s.streamViewTypeAsString());
        if (r.userIdentity() != null) {
            ObjectNode identity = record.putObject("userIdentity");
            identity.put("type", r.userIdentity().type());
            identity.put("principalId", r.userIdentity().principalId());
        }
        record.put("eventSourceARN", streamArn);
        int bytes;
        try {
            bytes = json.writeValueAsBytes(record).length + 1;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        boolean matches = options.filter() == null || options.filter().matches(record);
        return new Entry(record, new BigInteger(s.sequenceNumber()), created, bytes, matches);
    }

    private ObjectNode item(Map<String, AttributeValue> item) {
        ObjectNode node = json.createObjectNode();
        item.forEach((name, value) -> node.set(name, attribute(value)));
        return node;
    }

    /** An attribute value in DynamoDB JSON. */
    private ObjectNode attribute(AttributeValue v) {
        ObjectNode node = json.createObjectNode();
        switch (v.type()) {
            case S -> node.put("S", v.s());
            case N -> node.put("N", v.n());
            case B -> node.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
            case SS -> v.ss().forEach(node.putArray("SS")::add);
            case NS -> v.ns().forEach(node.putArray("NS")::add);
            case BS -> {
                ArrayNode bs = node.putArray("BS");
                v.bs().forEach(b -> bs.add(Base64.getEncoder().encodeToString(b.asByteArray())));
            }
            case M -> node.set("M", item(v.m()));
            case L -> {
                ArrayNode list = node.putArray("L");
                v.l().forEach(element -> list.add(attribute(element)));
            }
            case NUL -> node.put("NULL", true);
            case BOOL -> node.put("BOOL", v.bool());
            default -> throw new IllegalStateException("unknown attribute type in a stream record: " + v.type());
        }
        return node;
    }

    /** DynamoDB's item-size rules, roughly: names + values; numbers by significant digits; 3 bytes per map/list. */
    private static long itemSize(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8(e.getKey()) + valueSize(e.getValue());
        }
        return size;
    }

    private static long valueSize(AttributeValue v) {
        return switch (v.type()) {
            case S -> utf8(v.s());
            case N -> numberSize(v.n());
            case B -> v.b().asByteArray().length;
            case SS -> v.ss().stream().mapToLong(DynamoStreamEventSource::utf8).sum();
            case NS -> v.ns().stream().mapToLong(DynamoStreamEventSource::numberSize).sum();
            case BS -> v.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
            case M -> 3 + v.m().entrySet().stream().mapToLong(e -> utf8(e.getKey()) + valueSize(e.getValue()) + 1).sum();
            case L -> 3 + v.l().stream().mapToLong(e -> valueSize(e) + 1).sum();
            case NUL, BOOL -> 1;
            default -> 0;
        };
    }

    private static long numberSize(String n) {
        String digits = n.replaceFirst("^[-+]", "").replaceFirst("[eE].*$", "").replace(".", "")
                .replaceFirst("^0+", "").replaceFirst("0+$", "");
        return (digits.length() + 1) / 2 + 1;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String seconds(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
