package dev.tgdesk.push;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.domain.Json;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.realtime.Change;
import dev.tgdesk.realtime.EventBus;
import dev.tgdesk.realtime.RealtimePublisher;
import dev.tgdesk.storage.DynamoDialogDirectory;
import dev.tgdesk.storage.DynamoRealtimeStore;
import dev.tgdesk.storage.StreamChanges;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The data table's stream consumer (DynamoDB Streams event source, {@code ReportBatchItemFailures}): decodes the
 * records and hands the changes to {@link RealtimePublisher}. A failure fails the batch from its first record (the
 * journal makes the redelivery harmless). Environment: {@code BOT_ID}, {@code REALTIME_TABLE_NAME},
 * {@code TABLE_NAME}, {@code WEBSOCKET_MANAGEMENT_URL} ({@code https://{api}.execute-api.{region}.amazonaws.com/{stage}}),
 * {@code EVENT_BUS_NAME} (empty: no bus), {@code AGENTS_SEE_UNASSIGNED}.
 */
public final class PushHandler implements RequestStreamHandler {

    private final RealtimePublisher publisher;
    private final String botId;
    private final ObjectMapper json = Json.mapper();

    public PushHandler() {
        this(fromEnvironment(), AwsClients.requiredEnv("BOT_ID"));
    }

    public PushHandler(RealtimePublisher publisher, String botId) {
        this.publisher = publisher;
        this.botId = botId;
    }

    private static RealtimePublisher fromEnvironment() {
        var dynamo = AwsClients.dynamoDb();
        var store = new DynamoRealtimeStore(dynamo, AwsClients.requiredEnv("REALTIME_TABLE_NAME"));
        var management = ApiGatewayManagementApiClient.builder().httpClient(AwsClients.httpClient())
                .region(DefaultAwsRegionProviderChain.builder().build().getRegion())
                .endpointOverride(URI.create(AwsClients.requiredEnv("WEBSOCKET_MANAGEMENT_URL"))).build();
        String busName = System.getenv("EVENT_BUS_NAME");
        EventBus bus = busName == null || busName.isBlank() ? EventBus.NONE
                : new EventBridgeBus(EventBridgeClient.builder().httpClient(AwsClients.httpClient()).build(), busName.strip());
        return publisher(store, new DynamoDialogDirectory(dynamo, AwsClients.requiredEnv("TABLE_NAME")),
                new ApiGatewayPushGateway(management), bus, Visibility.fromEnvironment());
    }

    /** The publisher as deployed, on the given stores and gateways (also the local runner's). */
    public static RealtimePublisher publisher(DynamoRealtimeStore store, DynamoDialogDirectory dialogs, ApiGatewayPushGateway push,
                                              EventBus bus, Visibility visibility) {
        return new RealtimePublisher(store, store, push, bus, dialogs, visibility, EmfMetrics.forFunction("push"),
                System::currentTimeMillis, POSTS);
    }

    /** Posts to different connections go out side by side (blocking HTTP calls on virtual threads). */
    private static final ExecutorService POSTS = Executors.newVirtualThreadPerTaskExecutor();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = json.readTree(input);
        List<StreamChanges.Decoded> records = StreamChanges.decode(event, botId);
        List<Change> changes = new ArrayList<>();
        for (StreamChanges.Decoded r : records) if (r.change() != null) changes.add(r.change());
        String failedFrom = null;
        try {
            if (!changes.isEmpty()) publisher.publish(botId, changes);
        } catch (RuntimeException e) {
            System.err.println("{\"level\":\"ERROR\",\"message\":\"stream batch failed\",\"error\":\""
                    + e.getClass().getSimpleName() + "\",\"records\":" + records.size() + "}");
            failedFrom = records.isEmpty() ? null : records.getFirst().sequenceNumber();
            if (failedFrom == null) throw e;
        }
        var answer = json.createObjectNode();
        var failures = answer.putArray("batchItemFailures");
        if (failedFrom != null) failures.addObject().put("itemIdentifier", Objects.requireNonNull(failedFrom));
        output.write(json.writeValueAsString(answer).getBytes(StandardCharsets.UTF_8));
    }
}
