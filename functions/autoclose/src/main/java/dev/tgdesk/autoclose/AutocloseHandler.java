package dev.tgdesk.autoclose;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.domain.Json;
import dev.tgdesk.observability.EmfMetrics;
import dev.tgdesk.operator.lifecycle.DialogCloser;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.storage.DynamoDialogLifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * The EventBridge schedule's target (the event's content is not used): runs {@link AutoClose} for the bot and
 * prints one EMF metric line with the counts. Environment: {@code BOT_ID}, {@code TABLE_NAME},
 * {@code OUTBOUND_QUEUE_URL}, {@code IDLE_HOURS} (default 24), {@code AUTOCLOSE_MESSAGE} (empty: none),
 * {@code AUTOCLOSE_BUDGET} (default 2000 dialogs per run).
 */
public final class AutocloseHandler implements RequestStreamHandler {

    public static final int DEFAULT_IDLE_HOURS = 24;
    public static final int DEFAULT_BUDGET = 2_000;

    private final AutoClose autoClose;
    private final String botId;
    private final PrintStream metricsOut;

    public AutocloseHandler() {
        this(fromEnvironment(), AwsClients.requiredEnv("BOT_ID"), System.out);
    }

    public AutocloseHandler(AutoClose autoClose, String botId, PrintStream metricsOut) {
        this.autoClose = autoClose;
        this.botId = botId;
        this.metricsOut = metricsOut;
    }

    private static AutoClose fromEnvironment() {
        String table = AwsClients.requiredEnv("TABLE_NAME");
        String queueUrl = AwsClients.requiredEnv("OUTBOUND_QUEUE_URL");
        int idleHours = intEnv("IDLE_HOURS", DEFAULT_IDLE_HOURS);
        var store = new DynamoDialogLifecycle(AwsClients.dynamoDb(), table, Json.mapper());
        var closer = new DialogCloser(store, Clock.systemUTC(), System.getenv("AUTOCLOSE_MESSAGE"), idleHours);
        return new AutoClose(store, closer, new SqsOutboundQueue(AwsClients.sqs(), queueUrl), Clock.systemUTC(),
                Duration.ofHours(idleHours), intEnv("AUTOCLOSE_BUDGET", DEFAULT_BUDGET));
    }

    static int intEnv(String name, int fallback) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) return fallback;
        int n = Integer.parseInt(v.strip());
        if (n <= 0) throw new IllegalStateException(name + " must be a positive number");
        return n;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes(); // the scheduled event carries nothing we need
        AutoClose.Result r = autoClose.run(botId, () -> context == null ? Long.MAX_VALUE : context.getRemainingTimeInMillis());
        metricsOut.println(emf(r, System.currentTimeMillis()));
        output.write(("{\"closed\":" + r.closed() + ",\"skipped\":" + r.skipped() + ",\"failed\":" + r.failed()
                + ",\"budgetReached\":" + r.budgetReached() + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** One CloudWatch Embedded Metric Format line: DialogsAutoClosed, DialogsAutoCloseSkipped, DialogsAutoCloseFailed. */
    static String emf(AutoClose.Result r, long at) {
        return "{\"_aws\":{\"Timestamp\":" + at + ",\"CloudWatchMetrics\":[{\"Namespace\":\"" + EmfMetrics.namespace()
                + "\",\"Dimensions\":[[\"Function\"]],"
                + "\"Metrics\":[{\"Name\":\"DialogsAutoClosed\",\"Unit\":\"Count\"},{\"Name\":\"DialogsAutoCloseSkipped\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"DialogsAutoCloseFailed\",\"Unit\":\"Count\"}]}]},\"Function\":\"autoclose\","
                + "\"DialogsAutoClosed\":" + r.closed() + ",\"DialogsAutoCloseSkipped\":" + r.skipped()
                + ",\"DialogsAutoCloseFailed\":" + r.failed() + ",\"BudgetReached\":" + r.budgetReached() + "}";
    }
}
