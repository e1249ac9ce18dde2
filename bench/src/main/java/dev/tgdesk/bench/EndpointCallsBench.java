package dev.tgdesk.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.domain.UpdateParser;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.inbox.UpdateIngest;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.api.ApiRequest;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.identity.AccessTokens;
import dev.tgdesk.operator.identity.OperatorAccounts;
import dev.tgdesk.operator.identity.PasswordHasher;
import dev.tgdesk.operatorapi.OperatorApiWiring;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.storage.DynamoInboxStore;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import dev.tgdesk.telegram.TelegramClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * AWS calls per operator API endpoint (not a test): the real router with every area, on the emulators, an
 * SDK interceptor counting each call. Run: {@code infra/bench-endpoints.sh}.
 */
public final class EndpointCallsBench {

    static final String BOT = "777000111";
    static final ObjectMapper JSON = Json.mapper();

    public static void main(String[] args) throws Exception {
        try (LocalAws aws = LocalAws.start(); FakeTelegram fake = new FakeTelegram().start()) {
            fake.addBot(BOT + ":AAbenchmarkTokenForEndpointCalls_0123", "bench_bot");
            LocalResources res = TemplateResources.create(aws, "epb-");
            AwsCallCounter calls = new AwsCallCounter();
            var dynamo = aws.dynamoDb(calls);
            var sqs = aws.sqs(calls);
            S3Client s3 = aws.configure(S3Client.builder(), "S3", calls).forcePathStyle(true).build();
            String table = res.tableName("DataTable");
            var telegram = new TelegramClient(HttpClient.newHttpClient(), JSON, fake.baseUrl(), BOT + ":AAbenchmarkTokenForEndpointCalls_0123");
            Router router = OperatorApiWiring.router(new OperatorApiWiring.Deps(dynamo, sqs, s3, table, BOT,
                    res.queueUrl("InboundQueue"), res.queueUrl("OutboundQueue"), res.bucketName("FilesBucket"), telegram,
                    new byte[32], Duration.ofHours(1), new Visibility(true), Clock.systemUTC(),
                    res.tableName("RealtimeTable"), null));
            new OperatorAccounts(new DynamoOperatorDirectory(dynamo, table), new PasswordHasher(),
                    new AccessTokens(new byte[32], Duration.ofHours(1)), Clock.systemUTC())
                    .createAdminIfAbsent(BOT, "admin@bench.local", "Admin", "bench-admin-password");
            // one private dialog, recorded by the webhook's rules
            String update = "{\"update_id\":1,\"message\":{\"message_id\":1,\"date\":1700000000,\"chat\":{\"id\":42,\"type\":\"private\","
                    + "\"first_name\":\"Ann\"},\"from\":{\"id\":42,\"is_bot\":false,\"first_name\":\"Ann\"},\"text\":\"hello\"}}";
            var parsed = (UpdateParser.Outcome.Parsed) new UpdateParser(JSON).parse(update.getBytes(StandardCharsets.UTF_8));
            new UpdateIngest(new DynamoInboxStore(dynamo, table, JSON), new SqsInboundQueue(sqs, res.queueUrl("InboundQueue"), JSON), JSON)
                    .accept(BOT, parsed.update(), update);

            Map<String, Map<String, Integer>> table2 = new LinkedHashMap<>();
            Call call = (name, method, path, token, body) -> {
                calls.reset();
                ApiResponse r = router.handle(new ApiRequest(method, path.split("\\?")[0], null, query(path),
                        token == null ? Map.of() : Map.of("authorization", "Bearer " + token),
                        body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
                table2.put(name + "  (" + r.status() + ")", new TreeMap<>(calls.snapshot()));
                return r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
            };
            String token = call.run("POST /api/auth/login", "POST", "/api/auth/login", null,
                    "{\"email\":\"admin@bench.local\",\"password\":\"bench-admin-password\"}").get("token").asText();
            call.run("GET /api/me", "GET", "/api/me", token, null);
            String team = call.run("POST /api/teams", "POST", "/api/teams", token, "{\"name\":\"Support\"}").get("id").asText();
            call.run("POST /api/operators", "POST", "/api/operators", token,
                    "{\"email\":\"agent@bench.local\",\"name\":\"Agent\",\"role\":\"agent\",\"password\":\"agent-password-1\",\"teams\":[\"" + team + "\"]}");
            call.run("GET /api/operators", "GET", "/api/operators", token, null);
            call.run("POST /api/contact-fields", "POST", "/api/contact-fields", token, "{\"name\":\"plan\",\"label\":\"Plan\",\"type\":\"text\"}");
            String dialog = call.run("GET /api/dialogs", "GET", "/api/dialogs?limit=30", token, null).path("items").get(0).path("dialog_id").asText();
            String d = "/api/dialogs/" + dialog;
            call.run("GET /api/dialogs/{id}", "GET", d, token, null);
            call.run("GET /api/dialogs/{id}/history", "GET", d + "/history?limit=30", token, null);
            call.run("POST /api/dialogs/{id}/read", "POST", d + "/read", token, "{\"seq\":1}");
            call.run("GET /api/groups", "GET", "/api/groups", token, null);
            call.run("POST /api/dialogs/{id}/takeover", "POST", d + "/takeover", token, null);
            call.run("POST /api/dialogs/{id}/messages", "POST", d + "/messages", token, "{\"text\":\"Hello from the team\"}");
            call.run("POST /api/dialogs/{id}/notes", "POST", d + "/notes", token, "{\"text\":\"internal\"}");
            call.run("PUT /api/dialogs/{id}/assignment", "PUT", d + "/assignment", token, "{\"team\":\"" + team + "\"}");
            call.run("GET /api/dialogs/{id}/contact", "GET", d + "/contact", token, null);
            call.run("PUT /api/dialogs/{id}/contact/fields", "PUT", d + "/contact/fields", token, "{\"plan\":\"pro\"}");
            call.run("GET /api/dialogs/{id}/files", "GET", d + "/files", token, null);
            call.run("POST /api/dialogs/{id}/giveback", "POST", d + "/giveback", token, null);
            call.run("POST /api/dialogs/{id}/contact/block", "POST", d + "/contact/block", token, null);
            call.run("POST /api/dialogs/{id}/contact/unblock", "POST", d + "/contact/unblock", token, null);
            call.run("POST /api/dialogs/{id}/close", "POST", d + "/close", token, null);
            call.run("POST /api/dialogs/{id}/reopen", "POST", d + "/reopen", token, null);

            System.out.println();
            System.out.println("== AWS calls per operator API endpoint (one call each, after sign-in; emulators, SDK interceptor)");
            table2.forEach((name, counts) -> System.out.printf("%-44s %s%n", name, counts));
        }
    }

    @FunctionalInterface
    interface Call {
        JsonNode run(String name, String method, String path, String token, String body) throws Exception;
    }

    static Map<String, String> query(String path) {
        Map<String, String> q = new LinkedHashMap<>();
        int i = path.indexOf('?');
        if (i < 0) return q;
        for (String pair : path.substring(i + 1).split("&")) {
            String[] kv = pair.split("=", 2);
            q.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return q;
    }
}
