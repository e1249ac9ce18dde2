package dev.tgdesk.emulators.lambda;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The local stand-in for a Lambda SQS event source mapping: long-polls a queue, hands batches to a
 * {@link RequestStreamHandler} as the exact event Lambda builds, and deletes what the handler finished.
 *
 * <ul>
 * <li>Event: {@code {"Records":[{messageId, receiptHandle, body, attributes{ApproximateReceiveCount, SentTimestamp,
 *     SenderId, ApproximateFirstReceiveTimestamp, + MessageGroupId, MessageDeduplicationId, SequenceNumber on FIFO},
 *     messageAttributes, md5OfBody, eventSource "aws:sqs", eventSourceARN, awsRegion}]}}.</li>
 * <li>Result ({@code ReportBatchItemFailures}): records listed in {@code batchItemFailures} stay on the queue
 *     (their visibility untouched: they come back when it expires, or when the handler changed it); the others
 *     are deleted. A failure entry that names no record of the batch fails the whole batch, as in Lambda. A handler
 *     exception, or an invocation that outlives the function timeout, deletes nothing.</li>
 * <li>{@code maximumConcurrency} pollers run side by side, each invoking its own handler instance when built
 *     with a supplier (one per concurrent "execution environment"), like ESM {@code MaximumConcurrency}.</li>
 * </ul>
 */
public final class SqsEventSource implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SqsEventSource.class.getName());

    /** System attributes Lambda copies into {@code attributes}, in its order. */
    private static final List<String> EVENT_ATTRIBUTES = List.of("ApproximateReceiveCount", "AWSTraceHeader", "SentTimestamp",
            "SequenceNumber", "MessageGroupId", "SenderId", "MessageDeduplicationId", "ApproximateFirstReceiveTimestamp");

    /**
     * @param batchSize          records per invocation, 1–10 (FIFO queues allow at most 10)
     * @param maximumConcurrency pollers invoking the function in parallel (ESM MaximumConcurrency, ≥ 1 here)
     * @param waitTime           long-poll wait of each ReceiveMessage (0–20 s; short keeps close() quick)
     * @param functionTimeout    the function's timeout: the context's deadline
     */
    public record Options(String functionName, int batchSize, int maximumConcurrency, Duration waitTime,
                          Duration functionTimeout, int memoryMb) {
        public Options {
            Objects.requireNonNull(functionName, "functionName");
            if (batchSize < 1 || batchSize > 10) throw new IllegalArgumentException("batchSize must be 1–10: " + batchSize);
            if (maximumConcurrency < 1) throw new IllegalArgumentException("maximumConcurrency must be ≥ 1");
            if (waitTime.isNegative() || waitTime.toSeconds() > 20) throw new IllegalArgumentException("waitTime must be 0–20 s");
        }

        public static Options defaults(String functionName) {
            return new Options(functionName, 10, 2, Duration.ofSeconds(1), Duration.ofSeconds(20), 1024);
        }

        public Options withBatchSize(int n) {
            return new Options(functionName, n, maximumConcurrency, waitTime, functionTimeout, memoryMb);
        }

        public Options withMaximumConcurrency(int n) {
            return new Options(functionName, batchSize, n, waitTime, functionTimeout, memoryMb);
        }

        public Options withWaitTime(Duration d) {
            return new Options(functionName, batchSize, maximumConcurrency, d, functionTimeout, memoryMb);
        }

        public Options withFunctionTimeout(Duration d) {
            return new Options(functionName, batchSize, maximumConcurrency, waitTime, d, memoryMb);
        }
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final Supplier<? extends RequestStreamHandler> handlers;
    private final Options options;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> pollers = new ArrayList<>();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private String queueArn;
    private String region;

    /** One handler instance shared by all pollers. */
    public SqsEventSource(SqsClient sqs, String queueUrl, RequestStreamHandler handler, Options options) {
        this(sqs, queueUrl, () -> handler, options);
    }

    /** A handler instance per poller, like one per Lambda execution environment. */
    public SqsEventSource(SqsClient sqs, String queueUrl, Supplier<? extends RequestStreamHandler> handlers, Options options) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.handlers = Objects.requireNonNull(handlers, "handlers");
        this.options = Objects.requireNonNull(options, "options");
    }

    public synchronized SqsEventSource start() {
        if (!running.compareAndSet(false, true)) throw new IllegalStateException("already started");
        queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String[] arn = queueArn.split(":");
        region = arn.length > 3 ? arn[3] : "us-east-1";
        for (int i = 0; i < options.maximumConcurrency(); i++) {
            RequestStreamHandler handler = handlers.get();
            Thread t = new Thread(() -> poll(handler), "sqs-esm-" + options.functionName() + "-" + i);
            t.setDaemon(true);
            pollers.add(t);
            t.start();
        }
        return this;
    }

    /** Stops polling and waits for invocations in progress to finish. */
    @Override
    public void close() {
        running.set(false);
        List<Thread> threads;
        synchronized (this) {
            threads = List.copyOf(pollers);
            pollers.clear();
        }
        for (Thread t : threads) {
            try {
                t.join(options.waitTime().toMillis() + options.functionTimeout().toMillis() + 5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Handler invocations so far. */
    public long invocations() {
        return invocations.get();
    }

    /** Records handed to the handler (a redelivered message counts again). */
    public long records() {
        return records.get();
    }

    /** Records the handler reported in {@code batchItemFailures}, or that failed with their whole batch. */
    public long failures() {
        return failures.get();
    }

    /** Invocations that threw (or timed out). */
    public long errors() {
        return errors.get();
    }

    /** Records deleted after a successful invocation. */
    public long deleted() {
        return deleted.get();
    }

    /** True while no poller is inside an invocation. */
    public boolean idle() {
        return busy.get() == 0;
    }

    private void poll(RequestStreamHandler handler) {
        while (running.get()) {
            List<Message> messages;
            try {
                messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                        .maxNumberOfMessages(options.batchSize())
                        .waitTimeSeconds((int) options.waitTime().toSeconds())
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .messageAttributeNames("All")).messages();
            } catch (RuntimeException e) {
                if (!running.get()) return;
                LOG.log(System.Logger.Level.WARNING, "receive from {0} failed: {1}", queueUrl, e.toString());
                sleep(500);
                continue;
            }
            if (messages.isEmpty()) continue;
            busy.incrementAndGet();
            try {
                invoke(handler, messages);
            } finally {
                busy.decrementAndGet();
            }
        }
    }

    /** One invocation with one batch; returns the ids of records left on the queue. */
    Set<String> invoke(RequestStreamHandler handler, List<Message> messages) {
        invocations.incrementAndGet();
        records.addAndGet(messages.size());
        Set<String> all = new HashSet<>();
        messages.forEach(m -> all.add(m.messageId()));
        byte[] event = Json.bytes(json, event(messages));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long started = System.currentTimeMillis();
        long deadline = started + options.functionTimeout().toMillis();
        try {
            handler.handleRequest(new ByteArrayInputStream(event), out,
                    new LocalLambdaContext(options.functionName(), deadline, options.memoryMb()));
        } catch (Exception | Error e) {
            errors.incrementAndGet();
            failures.addAndGet(messages.size());
            LOG.log(System.Logger.Level.WARNING, "function " + options.functionName() + " failed; batch stays on the queue", e);
            return all;
        }
        if (System.currentTimeMillis() > deadline) {
            errors.incrementAndGet();
            failures.addAndGet(messages.size());
            LOG.log(System.Logger.Level.WARNING, "function {0} ran past its timeout; batch stays on the queue", options.functionName());
            return all;
        }
        Set<String> failed = failedIds(out.toByteArray(), all);
        failures.addAndGet(failed.size());
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
                        .receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) {
            try {
                var response = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
                deleted.addAndGet(response.successful().size());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "delete from {0} failed: {1}", queueUrl, e.toString());
            }
        }
        return failed;
    }

    /** {@code batchItemFailures} of the response; an empty or non-JSON response means all succeeded. */
    private Set<String> failedIds(byte[] response, Set<String> all) {
        if (response.length == 0) return Set.of();
        JsonNode root;
        try {
            root = json.readTree(response);
        } catch (java.io.IOException e) {
            return Set.of(); // not a partial-batch response: Lambda counts the invocation as a success
        }
        if (root == null || !root.has("batchItemFailures")) return Set.of();
        JsonNode list = root.get("batchItemFailures");
        if (list.isNull()) return Set.of();
        Set<String> failed = new HashSet<>();
        for (JsonNode f : list) {
            JsonNode id = f.get("itemIdentifier");
            if (id == null || !id.isTextual() || id.asText().isEmpty() || !all.contains(id.asText())) {
                LOG.log(System.Logger.Level.WARNING, "invalid batchItemFailures entry {0}: the whole batch fails", f);
                return all;
            }
            failed.add(id.asText());
        }
        return failed;
    }

    private ObjectNode event(List<Message> messages) {
        ObjectNode event = json.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            Map<String, String> system = m.attributesAsStrings();
            for (String name : EVENT_ATTRIBUTES) {
                if (system.containsKey(name)) attributes.put(name, system.get(name));
            }
            ObjectNode messageAttributes = r.putObject("messageAttributes");
            m.messageAttributes().forEach((name, v) -> messageAttributes.set(name, attribute(v)));
            r.put("md5OfBody", m.md5OfBody() != null ? m.md5OfBody() : md5(m.body()));
            if (m.md5OfMessageAttributes() != null) r.put("md5OfMessageAttributes", m.md5OfMessageAttributes());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", region);
        }
        return event;
    }

    private ObjectNode attribute(MessageAttributeValue v) {
        ObjectNode a = json.createObjectNode();
        if (v.stringValue() != null) a.put("stringValue", v.stringValue());
        if (v.binaryValue() != null) a.put("binaryValue", java.util.Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
        a.putArray("stringListValues");
        a.putArray("binaryListValues");
        a.put("dataType", v.dataType());
        return a;
    }

    private static String md5(String body) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Json {
        static byte[] bytes(ObjectMapper json, Object value) {
            try {
                return json.writeValueAsBytes(value);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
