package dev.tgdesk.push;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.domain.Json;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.observability.Log;
import dev.tgdesk.observability.Priming;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.realtime.Change;
import dev.tgdesk.realtime.EventBus;
import dev.tgdesk.realtime.EventDraft;
import dev.tgdesk.realtime.EventPlanner;
import dev.tgdesk.realtime.PushGateway;
import dev.tgdesk.realtime.RealtimePublisher;
import dev.tgdesk.storage.DynamoDialogDirectory;
import dev.tgdesk.storage.DynamoRealtimeStore;
import dev.tgdesk.storage.StreamChanges;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The data table's stream consumer (DynamoDB Streams event source, {@code ReportBatchItemFailures}): decodes the
 * records and hands the changes to {@link RealtimePublisher}. A failure fails the batch from its first record (the
 * journal makes the redelivery harmless). Environment: {@code BOT_ID}, {@code REALTIME_TABLE_NAME},
 * {@code TABLE_NAME}, {@code WEBSOCKET_MANAGEMENT_URL} ({@code https://{api}.execute-api.{region}.amazonaws.com/{stage}}),
 * {@code EVENT_BUS_NAME} (empty: no bus), {@code AGENTS_SEE_UNASSIGNED}. SnapStart priming: {@link #prime()}.
 */
public final class PushHandler implements RequestStreamHandler, Resource {

    /** What priming reads and calls besides the handler (null parts are skipped). */
    public record PrimingTargets(DynamoRealtimeStore store, DynamoDialogDirectory dialogs, PushGateway gateway) {
    }

    private final RealtimePublisher publisher;
    private final String botId;
    private final PrimingTargets priming;
    private final ObjectMapper json = Json.mapper();

    public PushHandler() {
        this(Wiring.fromEnvironment());
        Core.getGlobalContext().register(this);
    }

    private PushHandler(Wiring w) {
        this(w.publisher, AwsClients.requiredEnv("BOT_ID"), w.priming);
    }

    public PushHandler(RealtimePublisher publisher, String botId) {
        this(publisher, botId, null);
    }

    public PushHandler(RealtimePublisher publisher, String botId, PrimingTargets priming) {
        this.publisher = publisher;
        this.botId = botId;
        this.priming = priming;
    }

    private record Wiring(RealtimePublisher publisher, PrimingTargets priming) {
        static Wiring fromEnvironment() {
            var dynamo = AwsClients.dynamoDb();
            var store = new DynamoRealtimeStore(dynamo, AwsClients.requiredEnv("REALTIME_TABLE_NAME"));
            var management = ApiGatewayManagementApiClient.builder().httpClient(AwsClients.httpClient())
                    .region(DefaultAwsRegionProviderChain.builder().build().getRegion())
                    .endpointOverride(URI.create(AwsClients.requiredEnv("WEBSOCKET_MANAGEMENT_URL"))).build();
            String busName = System.getenv("EVENT_BUS_NAME");
            EventBus bus = busName == null || busName.isBlank() ? EventBus.NONE
                    : new EventBridgeBus(EventBridgeClient.builder().httpClient(AwsClients.httpClient()).build(), busName.strip());
            var dialogs = new DynamoDialogDirectory(dynamo, AwsClients.requiredEnv("TABLE_NAME"));
            var gateway = new ApiGatewayPushGateway(management);
            return new Wiring(PushHandler.publisher(store, dialogs, gateway, bus, Visibility.fromEnvironment()),
                    new PrimingTargets(store, dialogs, gateway));
        }
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
            Log.error("stream batch failed", e, "records", records.size());
            failedFrom = records.isEmpty() ? null : records.getFirst().sequenceNumber();
            if (failedFrom == null) throw e;
        }
        var answer = json.createObjectNode();
        var failures = answer.putArray("batchItemFailures");
        if (failedFrom != null) failures.addObject().put("itemIdentifier", Objects.requireNonNull(failedFrom));
        output.write(json.writeValueAsString(answer).getBytes(StandardCharsets.UTF_8));
    }

    // ---- SnapStart priming --------------------------------------------------------------------------------------

    /** A dialog opened and its first message, as the stream delivers them (DynamoDB JSON), for bot 0 — no real bot's. */
    static final String SAMPLE_EVENT = """
            {"Records":[
             {"eventID":"p1","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
              "dynamodb":{"ApproximateCreationDateTime":1780000000,"Keys":{"pk":{"S":"B#0#DLG#snapstart-priming"},"sk":{"S":"DIALOG"}},
               "NewImage":{"pk":{"S":"B#0#DLG#snapstart-priming"},"sk":{"S":"DIALOG"},"dialogId":{"S":"snapstart-priming"},
                "kind":{"S":"private"},"chatId":{"N":"1"},"contactUserId":{"N":"1"},"title":{"S":"a"},"status":{"S":"open"},
                "openedAt":{"N":"1780000000000"},"lastActivityAt":{"N":"1780000000000"},"lastPreview":{"S":"/start"},
                "lastSeq":{"N":"1"},"handler":{"S":"bot"},"inboundCount":{"N":"1"}},
               "SequenceNumber":"100000000000000000001","SizeBytes":400,"StreamViewType":"NEW_AND_OLD_IMAGES"},
              "eventSourceARN":"arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000"},
             {"eventID":"p2","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
              "dynamodb":{"ApproximateCreationDateTime":1780000000,"Keys":{"pk":{"S":"B#0#DLG#snapstart-priming"},"sk":{"S":"MSG#000000000001"}},
               "NewImage":{"pk":{"S":"B#0#DLG#snapstart-priming"},"sk":{"S":"MSG#000000000001"},"type":{"S":"text"},
                "direction":{"S":"in"},"at":{"N":"1780000000000"},"fromUserId":{"N":"1"},"preview":{"S":"/start"},
                "data":{"S":"{\\"text\\":\\"/start\\"}"}},
               "SequenceNumber":"100000000000000000002","SizeBytes":300,"StreamViewType":"NEW_AND_OLD_IMAGES"},
              "eventSourceARN":"arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000"}]}""";

    /** A well-formed connection id no connection has (API Gateway answers 410 Gone). */
    static final String NO_CONNECTION = "AAAAAAAAAAAAAAA=";

    /**
     * Runs before the snapshot: (1) a stream batch as Lambda delivers it through {@link #handleRequest} — a dialog and
     * its first message of bot 0, so every record is decoded and skipped as not this bot's: nothing is journalled, pushed
     * or published; (2) the same records decoded for bot 0 and planned into events, numbered and encoded (pure);
     * (3) the reads a batch starts with: this bot's live connections ({@code Query}), a journal head and a dialog that
     * do not exist ({@code GetItem}, {@code BatchGetItem}); (4) a post to a connection id no connection has (API Gateway
     * answers 410; a frame of a type the inbox ignores). EventBridge is not primed: the bus is published to after the
     * pushes, off the path to operators.
     */
    public Priming.Report prime() {
        Priming p = Priming.of("push")
                .step("handler", () -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    handleRequest(new ByteArrayInputStream(SAMPLE_EVENT.getBytes(StandardCharsets.UTF_8)), out, null);
                    Priming.expect(json.readTree(out.toByteArray()).path("batchItemFailures").isEmpty(), "the sample batch succeeds");
                })
                .step("decode-and-plan", () -> {
                    List<Change> changes = new ArrayList<>();
                    for (var d : StreamChanges.decode(json.readTree(SAMPLE_EVENT), "0")) if (d.change() != null) changes.add(d.change());
                    List<EventDraft> drafts = EventPlanner.plan(changes, Map.of());
                    Priming.expect(!drafts.isEmpty(), "the sample changes make events");
                    long seq = 1;
                    for (EventDraft d : drafts) json.writeValueAsBytes(d.numbered(seq++));
                });
        if (priming != null && priming.store() != null) {
            p.step("dynamodb-reads", () -> {
                priming.store().connections(botId, System.currentTimeMillis());
                priming.store().lastSeq(botId, "snapstart-priming");
                if (priming.dialogs() != null) priming.dialogs().dialogs(botId, List.of("snapstart-priming"));
            });
        }
        if (priming != null && priming.gateway() != null) {
            p.step("post-to-nobody", () -> Priming.expect(priming.gateway().post(NO_CONNECTION,
                            "{\"type\":\"snapstart-priming\"}".getBytes(StandardCharsets.UTF_8)) != PushGateway.Outcome.DELIVERED,
                    "nobody is connected as " + NO_CONNECTION));
        }
        return p.run();
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
    }
}
