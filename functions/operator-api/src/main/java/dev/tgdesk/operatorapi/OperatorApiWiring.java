package dev.tgdesk.operatorapi;

import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.aws.BotToken;
import dev.tgdesk.aws.TokenSigningSecret;
import dev.tgdesk.domain.Json;
import dev.tgdesk.operator.ContactFieldDefinition;
import dev.tgdesk.operator.ContactFieldRules;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.actions.ContactFieldCatalog;
import dev.tgdesk.operator.actions.DialogActions;
import dev.tgdesk.operator.actions.DialogActionsRoutes;
import dev.tgdesk.operator.actions.TeamDirectory;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.identity.AccessTokens;
import dev.tgdesk.operator.identity.AdminRoutes;
import dev.tgdesk.operator.identity.IdentityRoutes;
import dev.tgdesk.operator.identity.OperatorAccounts;
import dev.tgdesk.operator.identity.OperatorDirectory;
import dev.tgdesk.operator.identity.PasswordHasher;
import dev.tgdesk.operator.identity.TokenAuthenticator;
import dev.tgdesk.operator.inbox.InboxRoutes;
import dev.tgdesk.operator.inbox.InboxService;
import dev.tgdesk.operator.lifecycle.DialogCloser;
import dev.tgdesk.operator.lifecycle.LifecycleRoutes;
import dev.tgdesk.operator.scenarios.ScenarioAdmin;
import dev.tgdesk.operator.scenarios.ScenarioRoutes;
import dev.tgdesk.operator.telegram.WebhookStatusRoutes;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.realtime.RealtimeAccess;
import dev.tgdesk.realtime.RealtimeRoutes;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.storage.DynamoDialogActions;
import dev.tgdesk.storage.DynamoDialogDirectory;
import dev.tgdesk.storage.DynamoDialogLifecycle;
import dev.tgdesk.storage.DynamoRealtimeStore;
import dev.tgdesk.storage.DynamoInboxQueries;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import dev.tgdesk.storage.DynamoScenarioCatalog;
import dev.tgdesk.storage.S3FileStore;
import dev.tgdesk.telegram.TelegramClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The operator API's endpoints and what they need, in one place: identity and admin, inbox reads, dialog
 * actions, close/reopen, scenarios, real time, the webhook's status at Telegram. Lambda builds it from the
 * environment; the local runner and tests from {@link Deps}.
 */
public final class OperatorApiWiring {

    private OperatorApiWiring() {
    }

    /** Everything the endpoints use; built once per container. */
    public record Deps(DynamoDbClient dynamo, SqsClient sqs, S3Client s3, String table, String botId, String inboundQueueUrl,
                       String outboundQueueUrl, String filesBucket, TelegramClient telegram, byte[] signingSecret,
                       Duration tokenTtl, Visibility visibility, Clock clock, String realtimeTable, String webSocketUrl) {
    }

    /** The router as built from the environment, with what priming needs. */
    record Wired(Router router, SqsClient sqs, String outboundQueueUrl) {
    }

    static Wired fromEnvironment() {
        Deps deps = depsFromEnvironment();
        return new Wired(router(deps), deps.sqs(), deps.outboundQueueUrl());
    }

    private static Deps depsFromEnvironment() {
        return new Deps(AwsClients.dynamoDb(), AwsClients.sqs(), S3FileStore.defaultClient(), AwsClients.requiredEnv("TABLE_NAME"),
                AwsClients.requiredEnv("BOT_ID"), AwsClients.requiredEnv("INBOUND_QUEUE_URL"),
                AwsClients.requiredEnv("OUTBOUND_QUEUE_URL"), AwsClients.requiredEnv("FILES_BUCKET"),
                TelegramClient.fromEnvironment(BotToken.fromEnvironment()).withRequestTimeout(Duration.ofSeconds(8)),
                TokenSigningSecret.fromEnvironment(), AccessTokens.ttlFromEnvironment(System.getenv()),
                Visibility.fromEnvironment(), Clock.systemUTC(), AwsClients.requiredEnv("REALTIME_TABLE_NAME"),
                System.getenv("WEBSOCKET_URL"));
    }

    public static Router router(Deps d) {
        var directory = new DynamoOperatorDirectory(d.dynamo(), d.table());
        var tokens = new AccessTokens(d.signingSecret(), d.tokenTtl());
        var accounts = new OperatorAccounts(directory, new PasswordHasher(), tokens, d.clock());
        var inbox = new InboxService(new DynamoInboxQueries(d.dynamo(), d.table()), d.visibility());
        var inboundQueue = new SqsInboundQueue(d.sqs(), d.inboundQueueUrl(), Json.mapper());
        var actions = new DialogActions(new DynamoDialogActions(d.dynamo(), d.table()),
                new SqsOutboundQueue(d.sqs(), d.outboundQueueUrl(), Json.mapper()), inboundQueue::publishControl,
                new S3FileStore(d.s3(), d.filesBucket()), d.telegram(), fieldCatalog(directory), teamDirectory(directory),
                d.visibility(), d.clock());
        var lifecycle = new DynamoDialogLifecycle(d.dynamo(), d.table());
        // a manual close sends no closing message (that is auto-close's, with its idle threshold)
        var closer = new DialogCloser(lifecycle, d.clock(), "", 24);
        return new Router(new TokenAuthenticator(tokens, directory, d.clock()))
                .add(new IdentityRoutes(accounts, d.botId()))
                .add(new AdminRoutes(accounts))
                .add(new InboxRoutes(inbox))
                .add(new DialogActionsRoutes(actions))
                .add(new LifecycleRoutes(lifecycle, closer, d.visibility()))
                .add(new ScenarioRoutes(new ScenarioAdmin(new DynamoScenarioCatalog(d.dynamo(), d.table()), d.clock())))
                .add(realtime(d, directory))
                .add(new WebhookStatusRoutes(() -> d.telegram().getWebhookInfo()));
    }

    private static RealtimeRoutes realtime(Deps d, OperatorDirectory directory) {
        var store = new DynamoRealtimeStore(d.dynamo(), d.realtimeTable());
        var access = new RealtimeAccess(store, store, directory, d.clock()::millis);
        return new RealtimeRoutes(access, store, new DynamoDialogDirectory(d.dynamo(), d.table()), d.visibility(), d.webSocketUrl());
    }

    private static ContactFieldCatalog fieldCatalog(OperatorDirectory directory) {
        return new ContactFieldCatalog() {
            @Override
            public List<ContactFieldDefinition> contactFields(String botId) {
                return directory.contactFields(botId);
            }

            @Override
            public String validate(ContactFieldDefinition definition, String value) {
                try {
                    return ContactFieldRules.validate(definition, value);
                } catch (ApiException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
        };
    }

    private static TeamDirectory teamDirectory(OperatorDirectory directory) {
        return new TeamDirectory() {
            @Override
            public boolean operatorExists(String botId, String operatorId) {
                return directory.operator(botId, operatorId).isPresent();
            }

            @Override
            public boolean teamExists(String botId, String teamId) {
                return directory.team(botId, teamId).isPresent();
            }
        };
    }
}
