package dev.tgdesk.operatorapi;

import dev.tgdesk.emulators.Stderr;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.observability.Priming;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.telegram.TelegramClient;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SnapStart priming on the emulators: three 401s through the handler, one read, one refused send, nothing written. */
class OperatorApiPrimingTest {

    @Test
    void primingRunsEveryStepWithoutWriting() {
        LocalAws aws = LocalAws.shared();
        LocalResources res = TemplateResources.create(aws, "oap-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-");
        String table = res.tableName("DataTable");
        String outboundUrl = res.queueUrl("OutboundQueue");
        AwsCallCounter calls = new AwsCallCounter();
        var sqs = aws.sqs(calls);
        var router = OperatorApiWiring.router(new OperatorApiWiring.Deps(aws.dynamoDb(calls), sqs,
                aws.configure(S3Client.builder(), "S3", calls).forcePathStyle(true).build(), table, "7002", res.queueUrl("InboundQueue"),
                outboundUrl, res.bucketName("FilesBucket"), new TelegramClient(HttpClient.newHttpClient(), dev.tgdesk.domain.Json.mapper(),
                URI.create("http://127.0.0.1:9"), "7002:unused-token-for-the-priming-test_0123456789"),
                "priming-test-signing-secret-0123456789".getBytes(StandardCharsets.UTF_8), Duration.ofHours(1), new Visibility(true),
                Clock.systemUTC(), res.tableName("RealtimeTable"), null));
        var handler = new OperatorApiHandler(router, new OperatorApiHandler.PrimingTargets(sqs, outboundUrl));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Priming.Report report = Stderr.capture(log, () -> handler.prime());

        assertTrue(report.ok(), "failed steps: " + report.failed() + "\n" + log);
        assertEquals(4, report.steps());
        // the unknown email's lookup; the forged token is refused before any read; the refused send
        assertEquals(Map.of("DynamoDb.GetItem", 1, "Sqs.SendMessageBatch", 1), calls.snapshot());
        assertEquals(0, aws.dynamoDb().scan(b -> b.tableName(table)).count(), "nothing stored");
        assertEquals("0", aws.sqs().getQueueAttributes(b -> b.queueUrl(outboundUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }
}
