package dev.tgdesk.push;

import dev.tgdesk.emulators.Stderr;
import com.sun.net.httpserver.HttpServer;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.observability.Priming;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.realtime.EventBus;
import dev.tgdesk.realtime.RealtimePublisher;
import dev.tgdesk.storage.DynamoDialogDirectory;
import dev.tgdesk.storage.DynamoRealtimeStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SnapStart priming on moto with a stand-in for API Gateway's @connections API (answers 410 Gone, as for a connection
 * that does not exist): the sample batch is skipped, the reads run, one post to nobody; nothing journalled or published.
 */
class PushPrimingTest {

    @Test
    void primingDecodesReadsAndPostsToNobodyWithoutWriting() throws Exception {
        LocalAws aws = LocalAws.shared();
        LocalResources res = TemplateResources.create(aws, "pup" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-");
        AwsCallCounter calls = new AwsCallCounter();
        var dynamo = aws.dynamoDb(calls);
        var store = new DynamoRealtimeStore(dynamo, res.tableName("RealtimeTable"));
        var dialogs = new DynamoDialogDirectory(dynamo, res.tableName("DataTable"));
        List<String> posts = new CopyOnWriteArrayList<>();
        HttpServer connections = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        connections.createContext("/", exchange -> {
            posts.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"message\":\"Gone\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-amzn-ErrorType", "GoneException");
            exchange.sendResponseHeaders(410, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        connections.start();
        try (var management = ApiGatewayManagementApiClient.builder().region(aws.region()).credentialsProvider(aws.credentials())
                .endpointOverride(URI.create("http://127.0.0.1:" + connections.getAddress().getPort() + "/live")).build()) {
            ByteArrayOutputStream emf = new ByteArrayOutputStream();
            var gateway = new ApiGatewayPushGateway(management);
            List<String> published = new CopyOnWriteArrayList<>();
            EventBus bus = (botId, events) -> published.add(botId);
            var publisher = new RealtimePublisher(store, store, gateway, bus, dialogs, new Visibility(true),
                    new EmfMetrics("tgdesk", "push", new PrintStream(emf, true, StandardCharsets.UTF_8)), System::currentTimeMillis, null);
            var handler = new PushHandler(publisher, "7004", new PushHandler.PrimingTargets(store, dialogs, gateway));

            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Priming.Report report = Stderr.capture(log, () -> handler.prime());

            assertTrue(report.ok(), "failed steps: " + report.failed() + "\n" + log);
            assertEquals(4, report.steps());
            assertEquals(Map.of("DynamoDb.Query", 1, "DynamoDb.GetItem", 1, "DynamoDb.BatchGetItem", 1), calls.snapshot(), "reads only");
            assertEquals(List.of("POST /live/@connections/" + PushHandler.NO_CONNECTION), posts);
            assertEquals(List.of(), published, "nothing on the event bus");
            assertEquals("", emf.toString(StandardCharsets.UTF_8));
            assertEquals(0, aws.dynamoDb().scan(b -> b.tableName(res.tableName("RealtimeTable"))).count(), "nothing journalled");
        } finally {
            connections.stop(0);
        }
    }
}
