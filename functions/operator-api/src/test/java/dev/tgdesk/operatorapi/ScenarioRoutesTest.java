package dev.tgdesk.operatorapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.ApiRequest;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.scenarios.ScenarioAdmin;
import dev.tgdesk.operator.scenarios.ScenarioRoutes;
import dev.tgdesk.storage.DynamoScenarioCatalog;
import dev.tgdesk.storage.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scenario admin endpoints through the router, on the template's table in moto: upload (validated, versioned,
 * identical re-uploads create nothing), the list with where each scenario runs, activation for private chats and
 * groups, and the refusals (agents 403, unknown 404, invalid 400 with every problem). Each test has a bot of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScenarioRoutesTest {

    static final ObjectMapper JSON = Json.mapper();
    static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000 * 1000);
    static final String HELLO = """
            {"id": "hello", "name": "Hello", "triggers": [{"type": "first_message", "node": "greet"}],
             "nodes": [{"id": "greet", "type": "message", "text": "Hi, {{first_name|friend}}!"}], "edges": []}""";

    final AwsCallCounter calls = new AwsCallCounter();
    final Map<String, Caller> tokens = new ConcurrentHashMap<>();
    final AtomicLong now = new AtomicLong(1_764_000_000_000L);
    DynamoDbClient dynamo;
    String table;
    Router router;

    @BeforeAll
    void start() {
        LocalAws aws = LocalAws.shared();
        table = TemplateResources.create(aws, "scn-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-").tableName("DataTable");
        dynamo = aws.dynamoDb(calls);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        router = new Router(token -> {
            Caller c = tokens.get(token);
            if (c == null) throw ApiException.unauthorized();
            return c;
        }).add(new ScenarioRoutes(new ScenarioAdmin(new DynamoScenarioCatalog(dynamo, table), clock)));
    }

    @AfterAll
    void stop() {
        dynamo.close();
    }

    @Test
    void uploadsBecomeVersionsAndAnIdenticalUploadCreatesNone() throws Exception {
        String bot = bot(), admin = admin(bot);
        JsonNode first = created(post(admin, "/api/scenarios", HELLO));
        assertEquals("hello", first.get("scenario_id").asText());
        assertEquals(1, first.get("version").asInt());
        assertTrue(first.get("created").asBoolean());

        now.addAndGet(1000);
        JsonNode again = created(post(admin, "/api/scenarios", HELLO));
        assertEquals(1, again.get("version").asInt());
        assertFalse(again.get("created").asBoolean(), "the same document is not stored twice");

        now.addAndGet(1000);
        JsonNode changed = created(post(admin, "/api/scenarios", HELLO.replace("\"Hello\"", "\"Hello again\"")));
        assertEquals(2, changed.get("version").asInt());
        assertTrue(changed.get("created").asBoolean());

        String opinion = Files.readString(TemplateResources.locateTemplate().resolveSibling("scenarios").resolve("customer-opinion.json"));
        assertEquals("customer-opinion", created(post(admin, "/api/scenarios", opinion)).get("scenario_id").asText());

        JsonNode list = ok(get(admin, "/api/scenarios"));
        assertEquals(List.of("customer-opinion", "hello"), ids(list));
        JsonNode hello = row(list, "hello");
        assertEquals("Hello again", hello.get("name").asText());
        assertEquals(2, hello.get("latest_version").asInt());
        assertEquals(1_764_000_000_000L, hello.get("created_at").asLong(), "created with version 1");
        assertEquals(1_764_000_002_000L, hello.get("updated_at").asLong(), "updated with version 2");
        assertNull(hello.get("private_chats"), "runs nowhere yet");
        assertEquals(0, hello.get("groups").size());
        assertEquals("Customer opinion survey", row(list, "customer-opinion").get("name").asText());
    }

    @Test
    void anInvalidDocumentIs400WithEveryProblem() throws Exception {
        String bot = bot(), admin = admin(bot);
        ApiResponse r = post(admin, "/api/scenarios", """
                {"id": "bad id!", "triggers": [{"type": "start", "node": "nowhere"}],
                 "nodes": [{"id": "greet", "type": "message", "text": "hi", "colour": "red"}], "edges": []}""");
        JsonNode error = error(r, 400);
        assertEquals("body", error.get("field").asText());
        List<String> problems = new ArrayList<>();
        error.get("problems").forEach(p -> problems.add(p.asText()));
        assertTrue(problems.size() >= 3, problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("id")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("nowhere")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("colour")), problems.toString());
        assertEquals("the scenario is invalid (" + problems.size() + " problems)", error.get("message").asText());

        assertEquals(1, error(post(admin, "/api/scenarios", "{not json"), 400).get("problems").size());
        assertEquals(400, post(admin, "/api/scenarios", "[1, 2]").status());
        assertEquals(400, post(admin, "/api/scenarios", "").status());
        assertEquals(400, router.handle(new ApiRequest("POST", "/api/scenarios", null, Map.of(), auth(admin),
                new byte[]{'{', (byte) 0xC3, '}'})).status(), "not UTF-8");
        String huge = HELLO.replace("\"Hello\"", "\"" + "x".repeat(ScenarioAdmin.MAX_DOCUMENT_BYTES) + "\"");
        assertEquals("too_large", error(post(admin, "/api/scenarios", huge), 413).get("code").asText());
        assertEquals(List.of(), ids(ok(get(admin, "/api/scenarios"))), "nothing was stored");
    }

    @Test
    void activationAttachesTheLatestOrAGivenVersionToPrivateChatsOrAGroup() throws Exception {
        String bot = bot(), admin = admin(bot);
        created(post(admin, "/api/scenarios", HELLO));
        created(post(admin, "/api/scenarios", HELLO.replace("\"Hello\"", "\"Hello 2\"")));

        JsonNode priv = ok(post(admin, "/api/scenarios/hello/activate", "{}"));
        assertEquals("hello", priv.get("scenario_id").asText());
        assertEquals(2, priv.get("version").asInt(), "the latest version");
        assertEquals("private_chats", priv.get("target").asText());
        assertNull(priv.get("chat_id"));
        JsonNode group = ok(post(admin, "/api/scenarios/hello/activate", "{\"chat_id\": -1002111740617, \"version\": 1}"));
        assertEquals("group", group.get("target").asText());
        assertEquals(-1002111740617L, group.get("chat_id").asLong());
        assertEquals(1, group.get("version").asInt());
        ok(post(admin, "/api/scenarios/hello/activate", "{\"chat_id\": -4000000001}"));

        // what the scenario function reads: the bindings
        var bound = dynamo.getItem(b -> b.tableName(table).key(Map.of(Keys.PK, AttributeValue.fromS(Keys.bindings(bot)),
                Keys.SK, AttributeValue.fromS(Keys.BIND_PRIVATE_SK))).consistentRead(true)).item();
        assertEquals("hello", bound.get("scenarioId").s());
        assertEquals("2", bound.get("version").n());

        JsonNode row = row(ok(get(admin, "/api/scenarios")), "hello");
        assertEquals(2, row.get("private_chats").get("version").asInt());
        assertEquals(now.get(), row.get("private_chats").get("activated_at").asLong());
        List<String> groups = new ArrayList<>();
        row.get("groups").forEach(g -> groups.add(g.get("chat_id").asLong() + "@" + g.get("version").asInt()));
        assertEquals(Set.of("-1002111740617@1", "-4000000001@2"), Set.copyOf(groups));

        // another scenario takes over private chats; hello keeps its groups
        String other = HELLO.replace("\"id\": \"hello\"", "\"id\": \"other\"");
        created(post(admin, "/api/scenarios", other));
        ok(post(admin, "/api/scenarios/other/activate", ""));
        JsonNode list = ok(get(admin, "/api/scenarios"));
        assertNull(row(list, "hello").get("private_chats"));
        assertEquals(2, row(list, "hello").get("groups").size());
        assertEquals(1, row(list, "other").get("private_chats").get("version").asInt());

        // refusals
        assertEquals("not_found", error(post(admin, "/api/scenarios/nope/activate", "{}"), 404).get("code").asText());
        assertEquals(404, post(admin, "/api/scenarios/hello/activate", "{\"version\": 9}").status());
        assertEquals(404, post(admin, "/api/scenarios/..%2Fx/activate", "{}").status());
        assertEquals("chat_id", error(post(admin, "/api/scenarios/hello/activate", "{\"chat_id\": 42}"), 400).get("field").asText());
        assertEquals("chat_id", error(post(admin, "/api/scenarios/hello/activate", "{\"chat_id\": \"-100\"}"), 400).get("field").asText());
        assertEquals("version", error(post(admin, "/api/scenarios/hello/activate", "{\"version\": 0}"), 400).get("field").asText());
        assertEquals("body", error(post(admin, "/api/scenarios/hello/activate", "[]"), 400).get("field").asText());
        assertEquals(405, router.handle(new ApiRequest("GET", "/api/scenarios/hello/activate", null, Map.of(), auth(admin), null)).status());
    }

    @Test
    void agentsAreRefusedAndTokensAreRequired() throws Exception {
        String bot = bot(), admin = admin(bot), agent = agent(bot);
        created(post(admin, "/api/scenarios", HELLO));
        assertEquals("forbidden", error(get(agent, "/api/scenarios"), 403).get("code").asText());
        assertEquals(403, post(agent, "/api/scenarios", HELLO.replace("\"Hello\"", "\"Mine\"")).status());
        assertEquals(403, post(agent, "/api/scenarios/hello/activate", "{}").status());
        assertEquals(401, get("no-such-token", "/api/scenarios").status());
        assertEquals(401, router.handle(new ApiRequest("POST", "/api/scenarios", null, Map.of(), Map.of(),
                HELLO.getBytes(StandardCharsets.UTF_8))).status());
        assertEquals(1, row(ok(get(admin, "/api/scenarios")), "hello").get("latest_version").asInt(), "the agent stored nothing");
    }

    @Test
    void aScenarioStoredBeforeTheListIsListedWhenUploadedAgain() throws Exception {
        String bot = bot(), admin = admin(bot);
        // as the catalog stored versions before the list existed: the version and LATEST, no list entry
        var catalog = new DynamoScenarioCatalog(dynamo, table);
        catalog.store(bot, dev.tgdesk.scenario.ScenarioDocument.parse(HELLO), 1_700_000_000_000L);
        dynamo.deleteItem(b -> b.tableName(table).key(key(Keys.scenarioList(bot), Keys.scenarioListEntry("hello"))));
        dynamo.updateItem(b -> b.tableName(table).key(key(Keys.scenario(bot, "hello"), Keys.LATEST_SK)).updateExpression("REMOVE listed"));
        catalog.activate(bot, "hello", 1, null, 1_700_000_000_000L);
        JsonNode unlisted = row(ok(get(admin, "/api/scenarios")), "hello");
        assertNull(unlisted.get("latest_version"), "only the binding is known");
        assertEquals(1, unlisted.get("private_chats").get("version").asInt());

        assertFalse(created(post(admin, "/api/scenarios", HELLO)).get("created").asBoolean());
        JsonNode listed = row(ok(get(admin, "/api/scenarios")), "hello");
        assertEquals(1, listed.get("latest_version").asInt());
        assertEquals("Hello", listed.get("name").asText());
        assertEquals(1_700_000_000_000L, listed.get("created_at").asLong(), "when version 1 was stored");
        calls.reset();
        created(post(admin, "/api/scenarios", HELLO));
        assertEquals(Map.of("DynamoDb.GetItem", 1), calls.snapshot(), "listed once: a re-upload is one read");
    }

    @Test
    void awsCallsPerScenarioEndpoint() throws Exception {
        String bot = bot(), admin = admin(bot);
        calls.reset();
        created(post(admin, "/api/scenarios", HELLO));
        assertEquals(Map.of("DynamoDb.GetItem", 1, "DynamoDb.TransactWriteItems", 1), calls.snapshot(), "upload");
        calls.reset();
        ok(post(admin, "/api/scenarios/hello/activate", "{}"));
        assertEquals(Map.of("DynamoDb.GetItem", 2, "DynamoDb.PutItem", 1), calls.snapshot(), "activate");
        calls.reset();
        ok(get(admin, "/api/scenarios"));
        assertEquals(Map.of("DynamoDb.Query", 2), calls.snapshot(), "list");
    }

    // ---- helpers ----

    static String bot() {
        return Long.toString(IDS.incrementAndGet());
    }

    String admin(String bot) {
        return token(new Caller(bot, "admin", "admin@example.com", "Admin", Caller.Role.ADMIN, Set.of()));
    }

    String agent(String bot) {
        return token(new Caller(bot, "agent", "agent@example.com", "Agent", Caller.Role.AGENT, Set.of()));
    }

    String token(Caller c) {
        String t = c.botId() + "/" + c.operatorId();
        tokens.put(t, c);
        return t;
    }

    static Map<String, String> auth(String token) {
        return Map.of("authorization", "Bearer " + token);
    }

    ApiResponse get(String token, String path) {
        return router.handle(new ApiRequest("GET", path, null, Map.of(), auth(token), null));
    }

    ApiResponse post(String token, String path, String body) {
        return router.handle(new ApiRequest("POST", path, null, Map.of(), auth(token), body.getBytes(StandardCharsets.UTF_8)));
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(Keys.PK, AttributeValue.fromS(pk), Keys.SK, AttributeValue.fromS(sk));
    }

    static JsonNode ok(ApiResponse r) throws Exception {
        JsonNode body = JSON.readTree(r.body());
        assertEquals(200, r.status(), body.toString());
        return body;
    }

    static JsonNode created(ApiResponse r) throws Exception {
        JsonNode body = JSON.readTree(r.body());
        assertEquals(201, r.status(), body.toString());
        return body;
    }

    static JsonNode error(ApiResponse r, int status) throws Exception {
        JsonNode body = JSON.readTree(r.body());
        assertEquals(status, r.status(), body.toString());
        return body.get("error");
    }

    static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("items").forEach(i -> ids.add(i.get("scenario_id").asText()));
        return ids;
    }

    static JsonNode row(JsonNode list, String scenarioId) {
        for (JsonNode i : list.get("items")) if (i.get("scenario_id").asText().equals(scenarioId)) return i;
        throw new AssertionError(scenarioId + " not listed in " + list);
    }
}
