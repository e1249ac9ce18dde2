package dev.tgdesk.emulators.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local SQS event source mapping against ElasticMQ (or LocalStack), with the template's FIFO queue. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqsEventSourceTest {

    final ObjectMapper json = new ObjectMapper();
    LocalAws aws;
    SqsClient sqs;
    LocalResources resources;

    @BeforeAll
    void start() {
        aws = LocalAws.shared();
        sqs = aws.sqs();
        resources = TemplateResources.create(aws, "esm-" + System.currentTimeMillis() % 100000 + "-");
    }

    /** Records every event; fails the records whose body starts with "fail" on their first delivery. */
    final class Recorder implements RequestStreamHandler {
        final List<JsonNode> records = new CopyOnWriteArrayList<>();
        final Map<String, Integer> seen = new ConcurrentHashMap<>();
        volatile boolean throwOnce;
        final String queueUrl;

        Recorder(String queueUrl) {
            this.queueUrl = queueUrl;
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
            JsonNode event = json.readTree(input);
            assertTrue(context.getRemainingTimeInMillis() > 0);
            if (throwOnce) {
                throwOnce = false;
                for (JsonNode r : event.get("Records")) visibleNow(r);
                throw new IllegalStateException("boom");
            }
            StringBuilder failures = new StringBuilder();
            for (JsonNode r : event.get("Records")) {
                records.add(r);
                int n = seen.merge(r.get("body").asText(), 1, Integer::sum);
                if (r.get("body").asText().startsWith("fail") && n == 1) {
                    visibleNow(r);
                    if (!failures.isEmpty()) failures.append(',');
                    failures.append("{\"itemIdentifier\":\"").append(r.get("messageId").asText()).append("\"}");
                }
            }
            output.write(("{\"batchItemFailures\":[" + failures + "]}").getBytes(StandardCharsets.UTF_8));
        }

        void visibleNow(JsonNode r) {
            sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(r.get("receiptHandle").asText()).visibilityTimeout(0));
        }
    }

    @Test
    void deliversLambdaShapedEventsAndDeletesOnlySuccessfulRecords() throws Exception {
        String url = resources.queueUrl("OutboundQueue");
        Recorder handler = new Recorder(url);
        for (String body : List.of("a1", "fail-a2", "b1")) {
            String group = body.endsWith("1") && body.startsWith("b") ? "chat-b" : "chat-a";
            sqs.sendMessage(b -> b.queueUrl(url).messageBody(body).messageGroupId(group).messageDeduplicationId(body));
        }
        try (SqsEventSource source = new SqsEventSource(sqs, url, () -> handler,
                SqsEventSource.Options.defaults("test-fn").withMaximumConcurrency(2)).start()) {
            await(() -> handler.seen.getOrDefault("fail-a2", 0) == 2 && handler.seen.size() == 3 && source.idle()
                    && queueEmpty(url));
            assertEquals(1, source.failures());
            assertEquals(3, source.deleted());
            assertEquals(0, source.errors());
        }
        JsonNode first = handler.records.stream().filter(r -> r.get("body").asText().equals("a1")).findFirst().orElseThrow();
        assertEquals("aws:sqs", first.get("eventSource").asText());
        assertEquals(resources.queueArn("OutboundQueue"), first.get("eventSourceARN").asText());
        assertEquals("us-east-1", first.get("awsRegion").asText());
        assertEquals("chat-a", first.get("attributes").get("MessageGroupId").asText());
        assertEquals("a1", first.get("attributes").get("MessageDeduplicationId").asText());
        assertEquals("1", first.get("attributes").get("ApproximateReceiveCount").asText());
        assertTrue(first.get("attributes").has("SentTimestamp"));
        assertTrue(first.get("attributes").has("SequenceNumber"));
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest("a1".getBytes(StandardCharsets.UTF_8))), first.get("md5OfBody").asText());
        JsonNode again = handler.records.stream().filter(r -> r.get("body").asText().equals("fail-a2"))
                .reduce((a, b) -> b).orElseThrow();
        assertEquals("2", again.get("attributes").get("ApproximateReceiveCount").asText());
    }

    @Test
    void handlerExceptionDeletesNothing() {
        String url = sqs.createQueue(b -> b.queueName("esm-std-" + System.nanoTime())).queueUrl();
        Recorder handler = new Recorder(url);
        handler.throwOnce = true;
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("x"));
        try (SqsEventSource source = new SqsEventSource(sqs, url, handler,
                SqsEventSource.Options.defaults("test-fn").withMaximumConcurrency(1)).start()) {
            await(() -> handler.seen.containsKey("x") && source.idle() && queueEmpty(url));
            assertEquals(1, source.errors());
            assertEquals(2, source.invocations());
            assertEquals(1, source.deleted());
            assertEquals(1, handler.records.size());
            assertEquals("2", handler.records.get(0).get("attributes").get("ApproximateReceiveCount").asText());
            assertTrue(!handler.records.get(0).get("attributes").has("MessageGroupId"));
        }
    }

    private boolean queueEmpty(String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return "0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                && "0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 30 s");
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
