package dev.tgdesk.webhook;

import dev.tgdesk.emulators.Stderr;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.inbox.UpdateIngest;
import dev.tgdesk.inbox.WebhookEndpoint;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.observability.Priming;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.storage.DynamoInboxStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SnapStart priming on the emulators: every step runs, nothing is stored, enqueued or counted. And WebhookErrors. */
class WebhookPrimingTest {

    static final String BOT_ID = "7001";
    static final String SECRET = "priming-test-secret-123";
    final ObjectMapper json = Json.mapper();

    @Test
    void primingRunsEveryStepWithoutWritingEnqueueingOrCounting() {
        LocalAws aws = LocalAws.shared();
        LocalResources res = TemplateResources.create(aws, "whp-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-");
        String table = res.tableName("DataTable");
        String queueUrl = res.queueUrl("InboundQueue");
        AwsCallCounter calls = new AwsCallCounter();
        DynamoDbClient dynamo = aws.dynamoDb(calls);
        SqsClient sqs = aws.sqs(calls);
        ByteArrayOutputStream emf = new ByteArrayOutputStream();
        var metrics = new EmfMetrics("tgdesk", "webhook", new PrintStream(emf, true, StandardCharsets.UTF_8));
        var store = new DynamoInboxStore(dynamo, table, json);
        var endpoint = new WebhookEndpoint(BOT_ID, SECRET, json, new UpdateIngest(store, new SqsInboundQueue(sqs, queueUrl, json), json), metrics);
        var handler = new WebhookHandler(endpoint, metrics, new WebhookHandler.PrimingTargets(store, BOT_ID, sqs, queueUrl));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Priming.Report report = primeCapturingLog(handler, log);

        assertTrue(report.ok(), "failed steps: " + report.failed() + "\n" + log);
        assertEquals(4, report.steps());
        assertEquals("", emf.toString(StandardCharsets.UTF_8), "priming must not count as traffic");
        assertEquals(Map.of("DynamoDb.BatchGetItem", 1, "Sqs.SendMessage", 1), calls.snapshot(), "one read, one refused send");
        assertEquals(0, aws.dynamoDb().scan(b -> b.tableName(table)).count(), "nothing stored");
        String waiting = aws.sqs().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
        assertEquals("0", waiting, "nothing enqueued");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("\"message\":\"SnapStart priming done\""), log.toString());
    }

    @Test
    void primingWithoutAwsTargetsStillRunsTheHandlerPath() {
        var handler = new WebhookHandler(new WebhookEndpoint(BOT_ID, SECRET, json, new UpdateIngest(null, null, json), dev.tgdesk.observability.Metrics.NONE));
        Priming.Report report = primeCapturingLog(handler, new ByteArrayOutputStream());
        assertTrue(report.ok(), report.failed().toString());
        assertEquals(List.of(), report.failed());
        assertEquals(2, report.steps());
    }

    @Test
    void aStorageFailureIsA500CountedAsWebhookErrorsAndLoggedWithoutTheUpdate() throws Exception {
        LocalAws aws = LocalAws.shared();
        ByteArrayOutputStream emf = new ByteArrayOutputStream();
        var metrics = new EmfMetrics("tgdesk", "webhook", new PrintStream(emf, true, StandardCharsets.UTF_8));
        // a table that does not exist: the read fails, as DynamoDB failing would
        var store = new DynamoInboxStore(aws.dynamoDb(), "no-such-table-" + System.nanoTime(), json);
        var handler = new WebhookHandler(new WebhookEndpoint(BOT_ID, SECRET, json,
                new UpdateIngest(store, new SqsInboundQueue(aws.sqs(), "http://127.0.0.1:1/none", json), json), metrics), metrics, null);
        String update = "{\"update_id\":5,\"message\":{\"message_id\":1,\"date\":0,\"chat\":{\"id\":42,\"type\":\"private\",\"first_name\":\"Zed\"},"
                + "\"from\":{\"id\":42,\"is_bot\":false,\"first_name\":\"Zed\",\"username\":\"zed_secret_name\"},\"text\":\"my card number 4111\"}}";
        String event = "{\"headers\":{\"x-telegram-bot-api-secret-token\":\"" + SECRET + "\"},\"body\":" + json.valueToTree(update)
                + ",\"isBase64Encoded\":false}";

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        JsonNode answer = Stderr.capture(log, () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
            return json.readTree(out.toByteArray());
        });
        assertEquals(500, answer.path("statusCode").asInt());
        String metricLines = emf.toString(StandardCharsets.UTF_8);
        assertTrue(metricLines.contains("\"WebhookErrors\":1"), metricLines);
        String logged = log.toString(StandardCharsets.UTF_8);
        JsonNode line = json.readTree(logged.lines().filter(l -> l.contains("update not recorded")).findFirst().orElseThrow());
        assertEquals("ERROR", line.path("level").asText());
        assertFalse(line.path("error").asText().isEmpty());
        for (String secret : List.of("Zed", "zed_secret_name", "4111", SECRET)) {
            assertFalse(logged.contains(secret), "the log must not contain " + secret + ": " + logged);
        }
    }

    private static Priming.Report primeCapturingLog(WebhookHandler handler, ByteArrayOutputStream log) {
        return Stderr.capture(log, () -> handler.prime());
    }
}
