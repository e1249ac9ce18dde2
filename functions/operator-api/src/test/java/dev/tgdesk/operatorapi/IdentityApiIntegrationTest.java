package dev.tgdesk.operatorapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.operator.ContactFieldDefinition;
import dev.tgdesk.operator.api.ApiRequest;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.identity.AccessTokens;
import dev.tgdesk.operator.identity.AdminRoutes;
import dev.tgdesk.operator.identity.IdentityRoutes;
import dev.tgdesk.operator.identity.OperatorAccounts;
import dev.tgdesk.operator.identity.PasswordHasher;
import dev.tgdesk.operator.identity.TokenAuthenticator;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Identity and admin endpoints through the real {@link Router}, {@link TokenAuthenticator} and
 * {@link DynamoOperatorDirectory} on the emulated table (moto).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityApiIntegrationTest {

    static final String BOT = "777000333";
    static final String ADMIN_EMAIL = "Ann@Example.org";
    static final String ADMIN_PASSWORD = "admin-password-1";
    static final ObjectMapper JSON = Json.mapper();
    static final byte[] SECRET = "integration-test-signing-secret-0123456789".getBytes(StandardCharsets.UTF_8);

    final AwsCallCounter calls = new AwsCallCounter();
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    final Clock clock = new Clock() {
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
            return now.get();
        }
    };

    DynamoDbClient dynamo;
    DynamoOperatorDirectory directory;
    OperatorAccounts accounts;
    Router router;
    String adminToken;
    String adminId;

    @BeforeAll
    void start() {
        LocalAws aws = LocalAws.shared();
        String prefix = "idit-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-";
        String table = TemplateResources.create(aws, prefix).tableName("DataTable");
        dynamo = aws.dynamoDb(calls);
        directory = new DynamoOperatorDirectory(dynamo, table);
        AccessTokens tokens = new AccessTokens(SECRET, Duration.ofHours(1));
        accounts = new OperatorAccounts(directory, new PasswordHasher(), tokens, clock);
        router = new Router(new TokenAuthenticator(tokens, directory, clock))
                .add(new IdentityRoutes(accounts, BOT))
                .add(new AdminRoutes(accounts));
        assertTrue(accounts.createAdminIfAbsent(BOT, ADMIN_EMAIL, "Ann", ADMIN_PASSWORD));
        assertFalse(accounts.createAdminIfAbsent(BOT, "ann@example.ORG", "Ann again", "another-password"), "refused: the email exists");
        JsonNode login = ok(call("POST", "/api/auth/login", null, Map.of("email", "ann@example.org", "password", ADMIN_PASSWORD)));
        adminToken = login.get("token").asText();
        adminId = login.path("operator").path("id").asText();
    }

    @AfterAll
    void stop() {
        dynamo.close();
    }

    // ---- helpers ----

    ApiResponse call(String method, String path, String token, Object body) {
        Map<String, String> headers = token == null ? Map.of() : Map.of("authorization", "Bearer " + token);
        byte[] bytes = body == null ? new byte[0] : Json.write(JSON, body).getBytes(StandardCharsets.UTF_8);
        return router.handle(new ApiRequest(method, path, Map.of(), Map.of(), headers, bytes));
    }

    static JsonNode json(ApiResponse r) {
        try {
            return r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode ok(ApiResponse r) {
        assertTrue(r.status() / 100 == 2, () -> "expected success, got " + r.status() + " " + new String(r.body(), StandardCharsets.UTF_8));
        return json(r);
    }

    static void assertError(int status, String field, ApiResponse r) {
        assertEquals(status, r.status(), () -> new String(r.body(), StandardCharsets.UTF_8));
        if (field != null) assertEquals(field, json(r).path("error").path("field").asText());
    }

    JsonNode createOperator(String email, String role, List<String> teams) {
        return ok(call("POST", "/api/operators", adminToken, Map.of("email", email, "name", "Op " + email, "role", role,
                "teams", teams, "password", "password-" + email)));
    }

    String login(String email, String password) {
        return ok(call("POST", "/api/auth/login", null, Map.of("email", email, "password", password))).get("token").asText();
    }

    static String unique(String name) {
        return name + "-" + Long.toString(System.nanoTime(), 36) + "@example.org";
    }

    // ---- signing in ----

    @Test
    void loginAnswersATokenAndTheOperator() {
        JsonNode login = ok(call("POST", "/api/auth/login", null, Map.of("email", " ANN@example.org", "password", ADMIN_PASSWORD)));
        assertEquals(3, login.get("token").asText().split("\\.").length);
        assertNotNull(Instant.parse(login.get("expires_at").asText()));
        assertEquals("admin", login.path("operator").path("role").asText());
        assertEquals(ADMIN_EMAIL, login.path("operator").path("email").asText());
        assertFalse(login.toString().contains("pbkdf2"), "never the hash");
        JsonNode me = ok(call("GET", "/api/me", login.get("token").asText(), null));
        assertEquals(adminId, me.get("id").asText());
    }

    @Test
    void wrongPasswordAndUnknownEmailAreTheSame401() {
        ApiResponse wrong = call("POST", "/api/auth/login", null, Map.of("email", ADMIN_EMAIL, "password", "wrong-password-1"));
        ApiResponse unknown = call("POST", "/api/auth/login", null, Map.of("email", "nobody@example.org", "password", "wrong-password-1"));
        ApiResponse missing = call("POST", "/api/auth/login", null, Map.of("email", ADMIN_EMAIL));
        assertEquals(401, wrong.status());
        assertEquals(401, unknown.status());
        assertEquals(401, missing.status());
        assertArrayEquals(wrong.body(), unknown.body());
        assertArrayEquals(wrong.body(), missing.body());
        // unknown email hashes anyway: time both (medians of 3; a hash is hundreds of ms, a DynamoDB read a few)
        long wrongMs = medianMs(() -> call("POST", "/api/auth/login", null, Map.of("email", ADMIN_EMAIL, "password", "wrong-password-1")));
        long unknownMs = medianMs(() -> call("POST", "/api/auth/login", null, Map.of("email", "nobody@example.org", "password", "wrong-password-1")));
        System.out.println("login timing: wrong password " + wrongMs + " ms, unknown email " + unknownMs + " ms");
        assertTrue(unknownMs > wrongMs / 2, "unknown email " + unknownMs + " ms vs wrong password " + wrongMs + " ms");
    }

    static long medianMs(Runnable r) {
        long[] t = new long[3];
        for (int i = 0; i < 3; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1_000_000;
        }
        java.util.Arrays.sort(t);
        return t[1];
    }

    @Test
    void expiredTamperedAndMissingTokensAre401() {
        String token = login(ADMIN_EMAIL, ADMIN_PASSWORD);
        assertEquals(200, call("GET", "/api/me", token, null).status());
        now.set(now.get().plus(Duration.ofHours(1)).plusSeconds(1));
        try {
            assertError(401, null, call("GET", "/api/me", token, null));
        } finally {
            now.set(Instant.now());
        }
        String[] p = token.split("\\.");
        String forged = p[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"sub\":\"" + adminId + "\",\"bot\":\"" + BOT + "\",\"iat\":1,\"exp\":99999999999,\"ver\":1}").getBytes(StandardCharsets.UTF_8)) + "." + p[2];
        assertError(401, null, call("GET", "/api/me", forged, null));
        assertError(401, null, call("GET", "/api/me", token.substring(0, token.length() - 3) + "abc", null));
        assertError(401, null, call("GET", "/api/me", null, null));
        assertError(401, null, call("GET", "/api/operators", "garbage", null));
    }

    @Test
    void authenticationIsOneRead() {
        String token = login(ADMIN_EMAIL, ADMIN_PASSWORD);
        calls.reset();
        assertEquals(200, call("GET", "/api/me", token, null).status());
        assertEquals(Map.of("DynamoDb.GetItem", 1), calls.snapshot());
    }

    @Test
    void disablingAnOperatorRevokesTheirTokensAndLogin() {
        String email = unique("dis");
        String id = createOperator(email, "agent", List.of()).get("id").asText();
        String token = login(email, "password-" + email);
        assertEquals(200, call("GET", "/api/me", token, null).status());
        assertEquals(204, call("DELETE", "/api/operators/" + id, adminToken, null).status());
        assertError(401, null, call("GET", "/api/me", token, null));
        assertError(401, null, call("POST", "/api/auth/login", null, Map.of("email", email, "password", "password-" + email)));
        assertTrue(ok(call("GET", "/api/operators/" + id, adminToken, null)).get("disabled").asBoolean());
        // enabled again: can sign in, the old token stays dead
        ok(call("PUT", "/api/operators/" + id, adminToken, Map.of("disabled", false)));
        login(email, "password-" + email);
        assertError(401, null, call("GET", "/api/me", token, null));
    }

    @Test
    void changingThePasswordRevokesOldTokens() {
        String email = unique("pw");
        createOperator(email, "agent", List.of());
        String old = login(email, "password-" + email);
        String other = login(email, "password-" + email);
        assertError(400, "current", call("POST", "/api/me/password", old, Map.of("current", "not-my-password", "new", "brand-new-password")));
        assertError(400, "new", call("POST", "/api/me/password", old, Map.of("current", "password-" + email, "new", "short")));
        JsonNode changed = ok(call("POST", "/api/me/password", old, Map.of("current", "password-" + email, "new", "brand-new-password")));
        assertError(401, null, call("GET", "/api/me", old, null));
        assertError(401, null, call("GET", "/api/me", other, null));
        assertEquals(200, call("GET", "/api/me", changed.get("token").asText(), null).status());
        assertError(401, null, call("POST", "/api/auth/login", null, Map.of("email", email, "password", "password-" + email)));
        login(email, "brand-new-password");
    }

    @Test
    void anAdminResetRevokesTooAndAdminsCannotLockThemselvesOut() {
        String email = unique("reset");
        String id = createOperator(email, "agent", List.of()).get("id").asText();
        String token = login(email, "password-" + email);
        ok(call("PUT", "/api/operators/" + id, adminToken, Map.of("password", "reset-by-admin-1")));
        assertError(401, null, call("GET", "/api/me", token, null));
        login(email, "reset-by-admin-1");
        assertEquals(409, call("PUT", "/api/operators/" + adminId, adminToken, Map.of("role", "agent")).status());
        assertEquals(409, call("DELETE", "/api/operators/" + adminId, adminToken, null).status());
    }

    // ---- roles ----

    @Test
    void agentsGet403OnEveryAdminEndpoint() {
        String email = unique("agent");
        createOperator(email, "agent", List.of());
        String agent = login(email, "password-" + email);
        List<Router.Route> adminRoutes = router.routes().stream().filter(r -> r.access() == Router.Access.ADMIN).toList();
        assertEquals(11, adminRoutes.size());
        for (Router.Route r : adminRoutes) {
            String path = r.pattern().replace("{operatorId}", adminId).replace("{teamId}", "aaaaaaaaaaaaaaaaaaaaaa").replace("{name}", "city");
            ApiResponse response = call(r.method(), path, agent, Map.of("name", "x"));
            assertEquals(403, response.status(), r.method() + " " + r.pattern());
        }
        assertEquals(200, call("GET", "/api/me", agent, null).status());
    }

    @Test
    void aRoleChangeAppliesToTheNextRequest() {
        String email = unique("promote");
        String id = createOperator(email, "agent", List.of()).get("id").asText();
        String token = login(email, "password-" + email);
        assertEquals(403, call("GET", "/api/operators/" + id, token, null).status());
        ok(call("PUT", "/api/operators/" + id, adminToken, Map.of("role", "admin")));
        assertEquals(200, call("GET", "/api/operators/" + id, token, null).status());
    }

    // ---- operators ----

    @Test
    void validationErrorsNameTheField() {
        assertError(400, "email", call("POST", "/api/operators", adminToken, Map.of("email", "no-at-sign", "name", "X", "password", "long-enough-1")));
        assertError(400, "name", call("POST", "/api/operators", adminToken, Map.of("email", unique("v"), "name", " ", "password", "long-enough-1")));
        assertError(400, "role", call("POST", "/api/operators", adminToken, Map.of("email", unique("v"), "name", "X", "role", "boss", "password", "long-enough-1")));
        assertError(400, "password", call("POST", "/api/operators", adminToken, Map.of("email", unique("v"), "name", "X", "password", "123456789")));
        assertError(400, "teams", call("POST", "/api/operators", adminToken, Map.of("email", unique("v"), "name", "X", "password", "long-enough-1", "teams", List.of("nope"))));
        assertError(400, "teams", call("POST", "/api/operators", adminToken, Map.of("email", unique("v"), "name", "X", "password", "long-enough-1", "teams", List.of("bbbbbbbbbbbbbbbbbbbbbb"))));
        assertError(400, "teams", call("POST", "/api/operators", adminToken, Map.of("email", unique("v"), "name", "X", "password", "long-enough-1", "teams", "t1")));
        assertError(400, "disabled", call("PUT", "/api/operators/" + adminId, adminToken, Map.of("disabled", "yes")));
        assertError(400, "body", call("POST", "/api/operators", adminToken, null));
        assertError(404, null, call("GET", "/api/operators/unknown", adminToken, null));
        assertError(404, null, call("PUT", "/api/operators/cccccccccccccccccccccc", adminToken, Map.of("name", "X")));
        assertEquals(0, directory.operators(BOT).stream().filter(o -> o.name().equals("X")).count(), "nothing half-created");
    }

    @Test
    void emailsAreUniqueIgnoringCaseEvenUnderConcurrentCreates() throws Exception {
        String email = unique("twice");
        assertEquals(201, call("POST", "/api/operators", adminToken, Map.of("email", email, "name", "A", "password", "long-enough-1")).status());
        assertError(409, null, call("POST", "/api/operators", adminToken, Map.of("email", email.toUpperCase(), "name", "B", "password", "long-enough-1")));

        String raced = unique("race");
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<CompletableFuture<ApiResponse>> both = new ArrayList<>();
        for (String name : List.of("first", "second")) {
            both.add(CompletableFuture.supplyAsync(() -> {
                try {
                    barrier.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return call("POST", "/api/operators", adminToken, Map.of("email", raced, "name", name, "password", "long-enough-1"));
            }));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var f : both) statuses.add(f.get().status());
        statuses.sort(null);
        assertEquals(List.of(201, 409), statuses);
        assertEquals(1, directory.operators(BOT).stream().filter(o -> o.email().equals(raced)).count());

        // changing an email moves the claim: the old one is free, a taken one is refused
        String mover = unique("mover");
        String id = createOperator(mover, "agent", List.of()).get("id").asText();
        String moved = unique("moved");
        ok(call("PUT", "/api/operators/" + id, adminToken, Map.of("email", moved)));
        assertError(409, null, call("PUT", "/api/operators/" + id, adminToken, Map.of("email", email)));
        login(moved, "password-" + mover);
        assertError(401, null, call("POST", "/api/auth/login", null, Map.of("email", mover, "password", "password-" + mover)));
        createOperator(mover, "agent", List.of()); // the old address is free again
    }

    // ---- teams ----

    Set<String> teamsOf(String operatorId) {
        return directory.operator(BOT, operatorId).orElseThrow().teamIds();
    }

    Set<String> membersOf(String teamId) {
        return directory.team(BOT, teamId).orElseThrow().memberIds();
    }

    @Test
    void teamMembershipStaysConsistentOnBothSides() {
        String a = createOperator(unique("ta"), "agent", List.of()).get("id").asText();
        String b = createOperator(unique("tb"), "agent", List.of()).get("id").asText();
        JsonNode sales = ok(call("POST", "/api/teams", adminToken, Map.of("name", "Sales", "members", List.of(a))));
        String salesId = sales.get("id").asText();
        assertEquals(Set.of(a), membersOf(salesId));
        assertEquals(Set.of(salesId), teamsOf(a));

        // from the operator's side
        String c = createOperator(unique("tc"), "agent", List.of(salesId)).get("id").asText();
        assertEquals(Set.of(a, c), membersOf(salesId));
        ok(call("PUT", "/api/operators/" + a, adminToken, Map.of("teams", List.of())));
        assertEquals(Set.of(c), membersOf(salesId));
        assertEquals(Set.of(), teamsOf(a));

        // from the team's side
        ok(call("PUT", "/api/teams/" + salesId, adminToken, Map.of("name", "Sales EU", "members", List.of(b, c))));
        assertEquals(Set.of(salesId), teamsOf(b));
        assertEquals(Set.of(b, c), membersOf(salesId));
        assertError(400, "members", call("PUT", "/api/teams/" + salesId, adminToken, Map.of("members", List.of(b, "dddddddddddddddddddddd"))));
        assertEquals(Set.of(b, c), membersOf(salesId), "nothing half-applied");

        // the caller's teams come from the store on every request
        String tokenB = login(directory.operator(BOT, b).orElseThrow().email(), "password-" + directory.operator(BOT, b).orElseThrow().email());
        assertEquals(List.of(salesId), JSON.convertValue(ok(call("GET", "/api/me", tokenB, null)).get("teams"), List.class));

        // deleting the team removes it from its members
        assertEquals(204, call("DELETE", "/api/teams/" + salesId, adminToken, null).status());
        assertEquals(Set.of(), teamsOf(b));
        assertEquals(Set.of(), teamsOf(c));
        assertError(404, null, call("GET", "/api/teams/" + salesId, adminToken, null));
        assertError(400, "teams", call("PUT", "/api/operators/" + b, adminToken, Map.of("teams", List.of(salesId))));
    }

    @Test
    void teamsAreListedAndValidated() {
        String id = ok(call("POST", "/api/teams", adminToken, Map.of("name", "Support"))).get("id").asText();
        Set<String> listed = new HashSet<>();
        ok(call("GET", "/api/teams", adminToken, null)).get("teams").forEach(t -> listed.add(t.get("id").asText()));
        assertTrue(listed.contains(id));
        assertError(400, "name", call("POST", "/api/teams", adminToken, Map.of("name", "")));
        assertError(400, "members", call("POST", "/api/teams", adminToken, Map.of("name", "Ghosts", "members", List.of("eeeeeeeeeeeeeeeeeeeeee"))));
        assertTrue(ok(call("GET", "/api/operators", adminToken, null)).get("operators").size() >= 1);
    }

    // ---- contact fields ----

    @Test
    void contactFieldDefinitionsRoundTrip() {
        ok(call("POST", "/api/contact-fields", adminToken, Map.of("name", "tier", "label", "Tier", "type", "choice", "options", List.of("Gold", "Silver"))));
        ok(call("POST", "/api/contact-fields", adminToken, Map.of("name", "orders", "label", "Orders", "type", "number")));
        assertError(409, null, call("POST", "/api/contact-fields", adminToken, Map.of("name", "orders", "label", "Orders", "type", "number")));
        assertError(400, "name", call("POST", "/api/contact-fields", adminToken, Map.of("name", "Bad Name", "label", "X", "type", "text")));
        assertError(400, "options", call("POST", "/api/contact-fields", adminToken, Map.of("name", "mood", "label", "Mood", "type", "choice")));
        assertError(400, "type", call("POST", "/api/contact-fields", adminToken, Map.of("name", "mood", "label", "Mood", "type", "emoji")));

        JsonNode list = ok(call("GET", "/api/contact-fields", adminToken, null));
        assertEquals("[{\"name\":\"orders\",\"label\":\"Orders\",\"type\":\"number\"},"
                + "{\"name\":\"tier\",\"label\":\"Tier\",\"type\":\"choice\",\"options\":[\"Gold\",\"Silver\"]}]", list.get("fields").toString());

        ok(call("PUT", "/api/contact-fields/tier", adminToken, Map.of("label", "Level", "type", "choice", "options", List.of("Gold", "Silver", "Bronze"))));
        ContactFieldDefinition tier = directory.contactFields(BOT).stream().filter(d -> d.name().equals("tier")).findFirst().orElseThrow();
        assertEquals(List.of("Gold", "Silver", "Bronze"), tier.options());
        assertEquals("Bronze", dev.tgdesk.operator.ContactFieldRules.validate(tier, "bronze"));
        assertError(404, null, call("PUT", "/api/contact-fields/missing", adminToken, Map.of("label", "X", "type", "text")));
        assertEquals(204, call("DELETE", "/api/contact-fields/orders", adminToken, null).status());
        assertError(404, null, call("DELETE", "/api/contact-fields/orders", adminToken, null));
        assertEquals(List.of("tier"), directory.contactFields(BOT).stream().map(ContactFieldDefinition::name).toList());
    }
}
