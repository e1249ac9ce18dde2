package dev.tgdesk.websocket;

import dev.tgdesk.emulators.Stderr;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.observability.Priming;
import dev.tgdesk.realtime.RealtimeAccess;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import dev.tgdesk.storage.DynamoRealtimeStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SnapStart priming on moto: ping, a refused $connect, one read; no AWS writes, no "refused" log line. */
class WebSocketPrimingTest {

    @Test
    void primingPingsIsRefusedAndOnlyReads() {
        LocalAws aws = LocalAws.shared();
        LocalResources res = TemplateResources.create(aws, "wsp" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-");
        AwsCallCounter calls = new AwsCallCounter();
        var dynamo = aws.dynamoDb(calls);
        var store = new DynamoRealtimeStore(dynamo, res.tableName("RealtimeTable"));
        var operators = new DynamoOperatorDirectory(dynamo, res.tableName("DataTable"));
        var handler = new WebSocketHandler(new RealtimeAccess(store, store, operators, System::currentTimeMillis), "7003",
                System::currentTimeMillis, operators);

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Priming.Report report = Stderr.capture(log, () -> handler.prime());
        assertTrue(report.ok(), "failed steps: " + report.failed() + "\n" + log);
        assertEquals(3, report.steps());
        assertEquals(Map.of("DynamoDb.GetItem", 1), calls.snapshot(), "one read, no writes");
        assertFalse(log.toString(StandardCharsets.UTF_8).contains("connection refused"), log.toString());
    }

    @Test
    void withoutADirectoryTheHandlerStepsStillRun() {
        var handler = new WebSocketHandler(new RealtimeAccess(null, null, null, System::currentTimeMillis), "7003", System::currentTimeMillis);
        Priming.Report report = handler.prime();
        assertTrue(report.ok(), report.failed().toString());
        assertEquals(2, report.steps());
    }
}
