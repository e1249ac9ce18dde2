package dev.tgdesk.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.CfnTemplate;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.lambda.DynamoStreamEventSource;
import dev.tgdesk.emulators.lambda.FilterCriteria;
import dev.tgdesk.local.websocket.WebSocketApiServer;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.push.ApiGatewayPushGateway;
import dev.tgdesk.push.EventBridgeBus;
import dev.tgdesk.push.PushHandler;
import dev.tgdesk.realtime.RealtimeAccess;
import dev.tgdesk.storage.DynamoDialogDirectory;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import dev.tgdesk.storage.DynamoRealtimeStore;
import dev.tgdesk.websocket.WebSocketHandler;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The real-time side, wired like the deployment: the WebSocket API (local stand-in) with the real
 * {@link WebSocketHandler} on its routes and an {@code @connections} endpoint; the real {@link PushHandler} fed by
 * the stand-in for Lambda's DynamoDB Streams event source mapping (the template's batch size and filter) reading
 * the data table's stream on the emulator; the event bus on the emulator's EventBridge.
 */
final class LocalRealtime implements AutoCloseable {

    static final String WEBSOCKET_FUNCTION = "WebSocketFunction";
    static final String PUSH_FUNCTION = "PushFunction";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final AwsCallCounter pushCalls = new AwsCallCounter();
    private final WebSocketApiServer webSocket;
    private final DynamoStreamEventSource stream;
    private final String realtimeTable;
    private final String eventBusName;

    LocalRealtime(LocalAws aws, LocalResources resources, DynamoDbClient dynamo, String botId, int webSocketPort,
                  String resourcePrefix) {
        String table = resources.tableName("DataTable");
        realtimeTable = resources.tableName("RealtimeTable");
        var store = new DynamoRealtimeStore(dynamo, realtimeTable);
        var access = new RealtimeAccess(store, store, new DynamoOperatorDirectory(dynamo, table), System::currentTimeMillis);
        RequestStreamHandler routes = new WebSocketHandler(access, botId, System::currentTimeMillis);
        webSocket = new WebSocketApiServer(WebSocketApiServer.Options.defaults().withPort(webSocketPort),
                Map.of("$connect", routes, "$disconnect", routes, "$default", routes)).start();
        started.push(webSocket);

        // the push function's own clients, counted (benchmarks report AWS calls per pushed event)
        DynamoDbClient pushDynamo = aws.dynamoDb(pushCalls);
        started.push(pushDynamo);
        ApiGatewayManagementApiClient management = aws.configure(ApiGatewayManagementApiClient.builder(), "APIGATEWAYMANAGEMENTAPI",
                pushCalls).endpointOverride(webSocket.managementEndpoint()).build();
        started.push(management);
        EventBridgeClient events = aws.configure(EventBridgeClient.builder(), "EVENTBRIDGE", pushCalls).build();
        started.push(events);
        eventBusName = resourcePrefix + "events";
        try {
            events.createEventBus(b -> b.name(eventBusName));
        } catch (ResourceAlreadyExistsException exists) {
            // a runtime before this one on the same emulator
        }
        var pushStore = new DynamoRealtimeStore(pushDynamo, realtimeTable);
        var push = new PushHandler(PushHandler.publisher(pushStore, new DynamoDialogDirectory(pushDynamo, table),
                new ApiGatewayPushGateway(management), new EventBridgeBus(events, eventBusName), Visibility.fromEnvironment()), botId);

        DynamoDbStreamsClient streams = aws.dynamoDbStreams();
        started.push(streams);
        stream = new DynamoStreamEventSource(streams, resources.table("DataTable").streamArn(), push,
                DynamoStreamEventSource.Options.defaults(PUSH_FUNCTION).withBatchSize(100)
                        .withFilter(FilterCriteria.of(templateFilters())), null).start();
        started.push(stream);
    }

    /** The push function's FilterCriteria patterns from template.yaml: the local filter is the deployed one. */
    static List<String> templateFilters() {
        CfnTemplate template = CfnTemplate.load(TemplateResources.locateTemplate());
        var filters = template.resource(PUSH_FUNCTION).orElseThrow().properties()
                .path("Events").path("TableChanges").path("Properties").path("FilterCriteria").path("Filters");
        List<String> patterns = new java.util.ArrayList<>();
        filters.forEach(f -> patterns.add(f.path("Pattern").asText()));
        if (patterns.isEmpty()) throw new IllegalStateException("template.yaml: " + PUSH_FUNCTION + " has no stream filter");
        return patterns;
    }

    URI webSocketUrl() {
        return webSocket.webSocketUrl();
    }

    WebSocketApiServer webSocket() {
        return webSocket;
    }

    DynamoStreamEventSource stream() {
        return stream;
    }

    /** Every AWS call the push function made (DynamoDB, @connections, EventBridge). */
    AwsCallCounter pushCalls() {
        return pushCalls;
    }

    String realtimeTable() {
        return realtimeTable;
    }

    String eventBusName() {
        return eventBusName;
    }

    @Override
    public void close() {
        RuntimeException failure = LocalRuntime.closeAll(started, null);
        if (failure != null) throw failure;
    }
}
