package dev.tgdesk.operatorapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.inbox.UpdateIngest;
import dev.tgdesk.inbox.WebhookEndpoint;
import dev.tgdesk.observability.Metrics;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.ApiRequest;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.inbox.InboxRoutes;
import dev.tgdesk.operator.inbox.InboxService;
import dev.tgdesk.outbound.BotApiCall;
import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.queue.SqsInboundQueue;
import dev.tgdesk.storage.DialogIndex;
import dev.tgdesk.storage.DynamoInboxQueries;
import dev.tgdesk.storage.DynamoInboxStore;
import dev.tgdesk.storage.GroupIndex;
import dev.tgdesk.storage.Keys;
import dev.tgdesk.storage.OutboundItems;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inbox read endpoints through the router, against the emulators (moto DynamoDB with the template's table and
 * indexes, ElasticMQ for the webhook's queue). Dialogs come either from real updates through the webhook's rules or
 * are seeded as the assignment endpoints will store them (index keys from {@link DialogIndex}). Each test uses a
 * bot id of its own, so its partitions hold only its own dialogs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboxRoutesTest {

    static final ObjectMapper JSON = Json.mapper();
    static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000 * 1000);
    static final String SECRET = "inbox-test-secret";
    static final long T0 = 1_764_000_000_000L;

    final AwsCallCounter calls = new AwsCallCounter();
    final Map<String, Caller> tokens = new ConcurrentHashMap<>();
    LocalAws aws;
    DynamoDbClient dynamo;
    DynamoDbClient inspect;
    SqsClient sqs;
    String table;
    String queueUrl;
    Router router;

    @BeforeAll
    void start() {
        aws = LocalAws.shared();
        LocalResources res = TemplateResources.create(aws, "inbx-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-");
        table = res.tableName("DataTable");
        queueUrl = res.queueUrl("InboundQueue");
        dynamo = aws.dynamoDb(calls);
        inspect = aws.dynamoDb();
        sqs = aws.sqs();
        router = new Router(token -> {
            Caller c = tokens.get(token);
            if (c == null) throw ApiException.unauthorized();
            return c;
        });
        router.add(new InboxRoutes(new InboxService(new DynamoInboxQueries(dynamo, table), new Visibility(true))));
    }

    @AfterAll
    void stop() {
        dynamo.close();
        inspect.close();
        sqs.close();
    }

    // ---- webhook index maintenance -------------------------------------------------------------------------

    @Test
    void aNewDialogFromTheWebhookHasEveryIndexKeyAndCountsClientMessages() throws Exception {
        String bot = bot();
        long user = IDS.incrementAndGet();
        webhook(bot, text(user, 1, "hello"));
        String dialogId = chatItem(bot, user).get("activeDialogId").s();
        Map<String, AttributeValue> d = dialogItem(bot, dialogId);
        assertEquals(Keys.assigneePartition(bot, Keys.UNASSIGNED, "private", "open"), d.get("gsi3pk").s(), "unassigned pool");
        assertEquals(d.get("gsi1sk").s(), d.get("gsi3sk").s());
        assertNotNull(d.get("gsi4sk"), "ByCreated");
        assertEquals("1", d.get("inboundCount").n());
        assertEquals("user" + user, d.get("username").s());

        webhook(bot, text(user, 2, "second"));
        webhook(bot, callback(user, "yes"));
        d = dialogItem(bot, dialogId);
        assertEquals("2", d.get("inboundCount").n(), "a button press is not an unread message");
        assertEquals(d.get("gsi1sk").s(), d.get("gsi2sk").s(), "activity moves every sort key");
        assertEquals(d.get("gsi1sk").s(), d.get("gsi3sk").s());

        // an admin lists it from ByStatus, an agent without teams from the unassigned pool
        JsonNode admin = ok(get(admin(bot), "/api/dialogs", Map.of()));
        assertEquals(List.of(dialogId), ids(admin));
        assertEquals(2, admin.get("items").get(0).get("unread").asInt());
        assertEquals("User", admin.get("items").get(0).get("title").asText());
        assertEquals(List.of(dialogId), ids(ok(get(agent(bot, "a1"), "/api/dialogs", Map.of()))));
        assertEquals(List.of(dialogId), ids(ok(get(admin(bot), "/api/dialogs", Map.of("sort", "created_desc")))));
    }

    // ---- filters, sorts, cursors ------------------------------------------------------------------------

    @Test
    void everyFilterAndSortIsServedFromItsIndex() throws Exception {
        String bot = bot();
        // activity order p4 > p3 > p2 > p1; creation order p2 > p3 > p4 > p1
        seedOpened(bot, "p1", "private", "open", null, null, 10, 1);
        seedOpened(bot, "p2", "private", "open", "t1", null, 20, 9);
        seedOpened(bot, "p3", "private", "open", "t1", "op1", 30, 5);
        seedOpened(bot, "p4", "private", "open", null, "op2", 40, 2);
        seed(bot, "p5", "private", "closed", "t1", null, 50, 3);
        seed(bot, "g1", "group", "open", null, null, 60, 4);
        seed(bot, "c1", "channel", "open", null, null, 70, 6);
        String admin = admin(bot);
        assertEquals(List.of("p4", "p3", "p2", "p1"), ids(ok(get(admin, "/api/dialogs", Map.of()))));
        assertEquals(List.of("p1", "p2", "p3", "p4"), ids(ok(get(admin, "/api/dialogs", Map.of("sort", "activity_asc")))));
        assertEquals(List.of("p2", "p3", "p4", "p1"), ids(ok(get(admin, "/api/dialogs", Map.of("sort", "created_desc")))));
        assertEquals(List.of("p1", "p4", "p3", "p2"), ids(ok(get(admin, "/api/dialogs", Map.of("sort", "created_asc")))));
        assertEquals(List.of("p5"), ids(ok(get(admin, "/api/dialogs", Map.of("status", "closed")))));
        assertEquals(List.of("g1"), ids(ok(get(admin, "/api/dialogs", Map.of("kind", "group")))));
        assertEquals(List.of("c1"), ids(ok(get(admin, "/api/dialogs", Map.of("kind", "channel")))));
        assertEquals(List.of("p3", "p2"), ids(ok(get(admin, "/api/dialogs", Map.of("team", "t1")))));
        assertEquals(List.of("p5"), ids(ok(get(admin, "/api/dialogs", Map.of("team", "t1", "status", "closed")))));
        assertEquals(List.of("p3"), ids(ok(get(admin, "/api/dialogs", Map.of("assignee", "op1")))));
        assertEquals(List.of("p1"), ids(ok(get(admin, "/api/dialogs", Map.of("assignee", "unassigned")))));
        assertEquals(List.of("p2", "p3"), ids(ok(get(admin, "/api/dialogs", Map.of("team", "t1", "sort", "activity_asc")))));
        assertEquals(List.of(), ids(ok(get(admin, "/api/dialogs", Map.of("assignee", "me")))));
        // an agent in t1, assigned p4 elsewhere: own, team, pool — merged by activity
        String op2 = agent(bot, "op2", "t1");
        assertEquals(List.of("p4", "p3", "p2", "p1"), ids(ok(get(op2, "/api/dialogs", Map.of()))));
        assertEquals(List.of("p4"), ids(ok(get(op2, "/api/dialogs", Map.of("assignee", "me")))));
        assertEquals(List.of("p1"), ids(ok(get(op2, "/api/dialogs", Map.of("assignee", "unassigned")))));
        assertEquals(List.of("p1", "p2", "p3", "p4"), ids(ok(get(op2, "/api/dialogs", Map.of("sort", "activity_asc")))));
        JsonNode row = ok(get(admin, "/api/dialogs", Map.of("assignee", "op1"))).get("items").get(0);
        assertEquals("t1", row.get("team").asText());
        assertEquals("op1", row.get("assignee").asText());
        assertEquals("open", row.get("status").asText());
        assertEquals("operator", row.get("handler").asText());
        assertEquals("preview p3", row.get("last_preview").asText());
    }

    @Test
    void cursorsWalkEveryDialogOnceForAdminsAndForAgentsMergingTheirPartitions() throws Exception {
        String bot = bot();
        List<String> adminExpected = new ArrayList<>();
        Set<String> agentVisible = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String team = switch (i % 5) { case 0 -> "t1"; case 1 -> "t2"; case 2 -> "t3"; default -> null; };
            String manager = switch (i % 3) { case 0 -> "ag"; case 1 -> "other"; default -> null; };
            String id = "d" + i;
            // a few share one activity time: the dialog id breaks the tie
            seed(bot, id, "private", "open", team, manager, 1000 + i / 2, 1);
            adminExpected.add(id);
            boolean visible = "ag".equals(manager) || "t1".equals(team) || "t2".equals(team) || team == null && manager == null;
            if (visible) agentVisible.add(id);
        }
        adminExpected.sort(Comparator.comparing((String id) -> Keys.activitySort(T0 + 1000 + Integer.parseInt(id.substring(1)) / 2, id)).reversed());
        assertEquals(adminExpected, walk(admin(bot), Map.of(), 7));
        List<String> asc = new ArrayList<>(adminExpected);
        java.util.Collections.reverse(asc);
        assertEquals(asc, walk(admin(bot), Map.of("sort", "activity_asc"), 4));
        List<String> agentExpected = adminExpected.stream().filter(agentVisible::contains).toList();
        assertTrue(agentExpected.size() >= 15, "the agent sees dialogs from all three kinds of partition");
        for (int limit : new int[]{1, 3, 4, 30}) {
            assertEquals(agentExpected, walk(agent(bot, "ag", "t1", "t2"), Map.of(), limit), "limit " + limit);
        }
    }

    @Test
    void anAgentNeverSeesAnotherTeamsDialog() throws Exception {
        String bot = bot();
        seed(bot, "mine", "private", "open", "t1", null, 10, 1);
        seed(bot, "theirs", "private", "open", "t3", null, 20, 1);
        seed(bot, "theirsClosed", "private", "closed", "t3", null, 30, 1);
        seed(bot, "otherManager", "private", "open", null, "op9", 40, 1);
        seed(bot, "theirsGroup", "group", "open", "t3", null, 50, 1);
        String agent = agent(bot, "ag", "t1");
        Set<String> seen = new HashSet<>();
        for (Map<String, String> q : List.of(Map.<String, String>of(), Map.of("status", "closed"), Map.of("kind", "group"),
                Map.of("assignee", "me"), Map.of("assignee", "unassigned"), Map.of("team", "t1"), Map.of("unread", "true"),
                Map.of("sort", "activity_asc"))) {
            seen.addAll(ids(ok(get(agent, "/api/dialogs", q))));
        }
        assertEquals(Set.of("mine"), seen);
        for (String id : List.of("theirs", "theirsClosed", "otherManager", "theirsGroup", "noSuchDialog")) {
            assertEquals(404, get(agent, "/api/dialogs/" + id, Map.of()).status(), id);
            assertEquals(404, get(agent, "/api/dialogs/" + id + "/history", Map.of()).status(), id);
            assertEquals(404, post(agent, "/api/dialogs/" + id + "/read", "{\"seq\": 1}").status(), id);
        }
        assertEquals(200, get(agent, "/api/dialogs/mine", Map.of()).status());
        assertEquals(403, get(agent, "/api/dialogs", Map.of("team", "t3")).status());
        assertEquals(403, get(agent, "/api/dialogs", Map.of("assignee", "op9")).status());
        assertEquals(400, get(agent, "/api/dialogs", Map.of("sort", "created_desc")).status());
        assertEquals(200, get(admin(bot), "/api/dialogs/theirs", Map.of()).status());
        assertEquals(401, get("no-such-token", "/api/dialogs", Map.of()).status());
    }

    @Test
    void aTamperedOrForeignCursorIs400() throws Exception {
        String bot = bot();
        for (int i = 0; i < 5; i++) seed(bot, "d" + i, "private", "open", null, null, i, 1);
        String admin = admin(bot);
        String cursor = ok(get(admin, "/api/dialogs", Map.of("limit", "2"))).get("next_cursor").asText();
        assertEquals(200, get(admin, "/api/dialogs", Map.of("limit", "2", "cursor", cursor)).status());
        String json = new String(java.util.Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        String edited = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                json.replace("#d", "#e").getBytes(StandardCharsets.UTF_8));
        for (String bad : List.of(edited, cursor.substring(0, cursor.length() - 3), "not-a-cursor!", "e30")) {
            assertError(get(admin, "/api/dialogs", Map.of("cursor", bad)), 400, "cursor");
        }
        assertError(get(admin, "/api/dialogs", Map.of("cursor", cursor, "status", "closed")), 400, "cursor");
        assertError(get(admin, "/api/dialogs", Map.of("cursor", cursor, "sort", "activity_asc")), 400, "cursor");
        assertError(get(agent(bot, "x"), "/api/dialogs", Map.of("cursor", cursor)), 400, "cursor");
    }

    @Test
    void badParametersAre400WithTheField() {
        String admin = admin(bot());
        assertError(get(admin, "/api/dialogs", Map.of("status", "pending")), 400, "status");
        assertError(get(admin, "/api/dialogs", Map.of("kind", "secret")), 400, "kind");
        assertError(get(admin, "/api/dialogs", Map.of("sort", "title")), 400, "sort");
        assertError(get(admin, "/api/dialogs", Map.of("limit", "0")), 400, "limit");
        assertError(get(admin, "/api/dialogs", Map.of("limit", "101")), 400, "limit");
        assertError(get(admin, "/api/dialogs", Map.of("limit", "ten")), 400, "limit");
        assertError(get(admin, "/api/dialogs", Map.of("unread", "maybe")), 400, "unread");
        assertError(get(admin, "/api/dialogs", Map.of("assignee", "a b")), 400, "assignee");
        assertError(get(admin, "/api/dialogs", Map.of("assignee", "me", "team", "t1")), 400, "team");
        assertError(get(admin, "/api/dialogs", Map.of("team", "t1", "sort", "created_asc")), 400, "sort");
        assertError(get(admin, "/api/dialogs/abc/history", Map.of("before", "0")), 400, "before");
        assertError(get(admin, "/api/dialogs/abc/history", Map.of("limit", "500")), 400, "limit");
        assertError(get(admin, "/api/groups", Map.of("limit", "-1")), 400, "limit");
        assertError(get(admin, "/api/groups", Map.of("cursor", "zz")), 400, "cursor");
        assertEquals(404, get(admin, "/api/dialogs/..%2Fx", Map.of()).status());
    }

    // ---- unread counts and read marks -------------------------------------------------------------------

    @Test
    void readMarksSetUnreadCountsPerOperatorAndNeverMoveBack() throws Exception {
        String bot = bot();
        long user = IDS.incrementAndGet();
        webhook(bot, text(user, 1, "one"));
        webhook(bot, text(user, 2, "two"));
        webhook(bot, text(user, 3, "three"));
        String dialogId = chatItem(bot, user).get("activeDialogId").s();
        long other = IDS.incrementAndGet();
        webhook(bot, text(other, 1, "other"));
        String otherId = chatItem(bot, other).get("activeDialogId").s();
        String admin = admin(bot);
        assertEquals(3, unreadOf(admin, dialogId));

        JsonNode read = ok(post(admin, "/api/dialogs/" + dialogId + "/read", "{\"seq\": 2}"));
        assertEquals(2, read.get("seq").asLong());
        assertEquals(1, read.get("unread").asLong());
        assertEquals(1, unreadOf(admin, dialogId));
        read = ok(post(admin, "/api/dialogs/" + dialogId + "/read", "{\"seq\": 1}"));
        assertEquals(2, read.get("seq").asLong(), "a mark never moves back");
        assertEquals(1, unreadOf(admin, dialogId));
        assertEquals(3, unreadOf(agent(bot, "someone"), dialogId), "read marks are per operator");

        // unread=true: only dialogs with something unread for this caller
        assertEquals(Set.of(dialogId, otherId), Set.copyOf(ids(ok(get(admin, "/api/dialogs", Map.of("unread", "true"))))));
        read = ok(post(admin, "/api/dialogs/" + dialogId + "/read", "{\"seq\": 999}"));
        assertEquals(3, read.get("seq").asLong(), "a mark past the last entry is the last entry");
        assertEquals(0, read.get("unread").asLong());
        assertEquals(List.of(otherId), ids(ok(get(admin, "/api/dialogs", Map.of("unread", "true")))));

        webhook(bot, text(user, 4, "four"));
        assertEquals(1, unreadOf(admin, dialogId), "a new message is unread again");
        JsonNode detail = ok(get(admin, "/api/dialogs/" + dialogId, Map.of()));
        assertEquals(3, detail.get("read_seq").asLong());
        assertEquals(1, detail.get("dialog").get("unread").asLong());

        assertError(post(admin, "/api/dialogs/" + dialogId + "/read", "{\"seq\": -1}"), 400, "seq");
        assertError(post(admin, "/api/dialogs/" + dialogId + "/read", "{\"seq\": \"2\"}"), 400, "seq");
        assertError(post(admin, "/api/dialogs/" + dialogId + "/read", "not json"), 400, "seq");
        assertError(post(admin, "/api/dialogs/" + dialogId + "/read", "{}"), 400, "seq");
    }

    @Test
    void unreadOnlyLooksAheadABoundedNumberOfPages() throws Exception {
        String bot = bot();
        for (int i = 0; i < 40; i++) seed(bot, "d" + i, "private", "open", null, null, 100 - i, 2);
        String admin = admin(bot);
        // mark every dialog read except d5 and d33
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) if (i != 5 && i != 33) all.add("d" + i);
        for (String id : all) readMark(bot, id, "admin", 1, 2);
        calls.reset();
        JsonNode first = ok(get(admin, "/api/dialogs", Map.of("unread", "true", "limit", "5")));
        assertEquals(List.of("d5"), ids(first), "5 pages of 5 looked at: d33 is beyond them");
        assertTrue(calls.calls("DynamoDb.Query") <= InboxService.UNREAD_LOOKAHEAD_ROUNDS, calls.snapshot().toString());
        String cursor = first.get("next_cursor").asText();
        JsonNode second = ok(get(admin, "/api/dialogs", Map.of("unread", "true", "limit", "5", "cursor", cursor)));
        assertEquals(List.of("d33"), ids(second));
        assertTrue(second.get("next_cursor") == null || second.get("next_cursor").isNull());
    }

    // ---- search (q) ------------------------------------------------------------------------------------------

    @Test
    void searchMatchesTheNameTitleOrUsernameCaseInsensitively() throws Exception {
        String bot = bot();
        seed(bot, "ann", "private", "open", null, null, 10, 1);
        named(bot, "ann", "Anna Karenina", "anna_k");
        seed(bot, "bob", "private", "open", null, null, 20, 1);
        named(bot, "bob", "Bob", "bobby_ann");
        seed(bot, "olga", "private", "open", null, null, 30, 1);
        named(bot, "olga", "Ольга Петрова", null);
        seed(bot, "grp", "group", "open", null, null, 40, 1);
        named(bot, "grp", "Annual meeting", "annual_chat");
        String admin = admin(bot);
        assertEquals(List.of("bob", "ann"), ids(ok(get(admin, "/api/dialogs", Map.of("q", "ANN")))), "title or username, by activity");
        assertEquals(List.of("ann"), ids(ok(get(admin, "/api/dialogs", Map.of("q", "karen")))));
        assertEquals(List.of("bob"), ids(ok(get(admin, "/api/dialogs", Map.of("q", "@bobby")))));
        assertEquals(List.of("bob", "ann"), ids(ok(get(admin, "/api/dialogs", Map.of("q", "@ann")))), "@ matches usernames only");
        assertEquals(List.of(), ids(ok(get(admin, "/api/dialogs", Map.of("q", "@karen")))));
        assertEquals(List.of("olga"), ids(ok(get(admin, "/api/dialogs", Map.of("q", "ольга ПЕТ")))), "not only ASCII");
        assertEquals(List.of("grp"), ids(ok(get(admin, "/api/dialogs", Map.of("q", "annual", "kind", "group")))));
        assertEquals(List.of(), ids(ok(get(admin, "/api/dialogs", Map.of("q", "nobody")))));
        assertEquals(List.of("olga", "bob", "ann"), ids(ok(get(admin, "/api/dialogs", Map.of("q", "  ")))), "a blank q is no filter");
        // filters combine; agents search only what they can see
        seed(bot, "anne", "private", "open", "t9", null, 50, 1);
        named(bot, "anne", "Anne", null);
        assertEquals(List.of("anne", "bob", "ann"), ids(ok(get(admin, "/api/dialogs", Map.of("q", "ann")))));
        assertEquals(List.of("bob", "ann"), ids(ok(get(agent(bot, "ag", "t1"), "/api/dialogs", Map.of("q", "ann")))));
        assertEquals(List.of("anne"), ids(ok(get(admin, "/api/dialogs", Map.of("q", "ann", "team", "t9")))));

        assertEquals(200, get(admin, "/api/dialogs", Map.of("q", "x".repeat(InboxService.MAX_SEARCH_LENGTH))).status());
        assertError(get(admin, "/api/dialogs", Map.of("q", "x".repeat(InboxService.MAX_SEARCH_LENGTH + 1))), 400, "q");
        // a cursor belongs to its search
        String cursor = ok(get(admin, "/api/dialogs", Map.of("q", "ann", "limit", "1"))).get("next_cursor").asText();
        assertEquals(List.of("bob"), ids(ok(get(admin, "/api/dialogs", Map.of("q", "ann", "limit", "1", "cursor", cursor)))));
        assertError(get(admin, "/api/dialogs", Map.of("q", "bob", "limit", "1", "cursor", cursor)), 400, "cursor");
    }

    @Test
    void searchOnlyLooksAheadABoundedNumberOfPages() throws Exception {
        String bot = bot();
        for (int i = 0; i < 40; i++) seed(bot, "d" + i, "private", "open", null, null, 100 - i, 1);
        named(bot, "d5", "Needle Five", null);
        named(bot, "d33", "Thirty-three", "needle33");
        String admin = admin(bot);
        calls.reset();
        JsonNode first = ok(get(admin, "/api/dialogs", Map.of("q", "needle", "limit", "5")));
        assertEquals(List.of("d5"), ids(first), "5 pages of 5 looked at: d33 is beyond them");
        assertTrue(calls.calls("DynamoDb.Query") <= InboxService.LOOKAHEAD_ROUNDS, calls.snapshot().toString());
        JsonNode second = ok(get(admin, "/api/dialogs", Map.of("q", "needle", "limit", "5", "cursor", first.get("next_cursor").asText())));
        assertEquals(List.of("d33"), ids(second));
        assertTrue(second.get("next_cursor") == null || second.get("next_cursor").isNull());
    }

    /** Sets the dialog's title and username (null removes it), as the webhook stores a contact's name and username. */
    void named(String bot, String dialogId, String title, String username) {
        var names = new HashMap<String, String>(Map.of("#t", "title", "#u", "username"));
        if (username == null) {
            inspect.updateItem(b -> b.tableName(table).key(key(Keys.dialog(bot, dialogId), Keys.DIALOG_SK))
                    .updateExpression("SET #t = :t REMOVE #u").expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(title))));
        } else {
            inspect.updateItem(b -> b.tableName(table).key(key(Keys.dialog(bot, dialogId), Keys.DIALOG_SK))
                    .updateExpression("SET #t = :t, #u = :u").expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(title), ":u", AttributeValue.fromS(username))));
        }
    }

    // ---- one dialog, history -----------------------------------------------------------------------------

    @Test
    void dialogDetailCarriesTheContactSummary() throws Exception {
        String bot = bot();
        long user = IDS.incrementAndGet();
        webhook(bot, text(user, 1, "hi"));
        String dialogId = chatItem(bot, user).get("activeDialogId").s();
        inspect.updateItem(b -> b.tableName(table).key(key(Keys.contact(bot, user), Keys.PROFILE_SK))
                .updateExpression("SET cf_city = :c, cf_orders = :o")
                .expressionAttributeValues(Map.of(":c", AttributeValue.fromS("Lisbon"), ":o", AttributeValue.fromN("3"))));
        JsonNode d = ok(get(admin(bot), "/api/dialogs/" + dialogId, Map.of()));
        assertEquals(dialogId, d.get("dialog").get("dialog_id").asText());
        assertEquals("private", d.get("dialog").get("kind").asText());
        JsonNode contact = d.get("contact");
        assertEquals(user, contact.get("user_id").asLong());
        assertEquals("User", contact.get("first_name").asText());
        assertEquals("en", contact.get("language_code").asText());
        assertFalse(contact.get("blocked").asBoolean());
        assertEquals("Lisbon", contact.get("fields").get("city").asText());
        assertEquals(3, contact.get("fields").get("orders").asInt());
    }

    @Test
    void historyPagesNewestFirstWithAuthorsDeliveryStatusesEditsAndNotes() throws Exception {
        String bot = bot();
        long user = IDS.incrementAndGet();
        webhook(bot, text(user, 1, "first"));                       // seq 1
        String dialogId = chatItem(bot, user).get("activeDialogId").s();
        outgoing(bot, dialogId, 2, "scenario", "s@1/hello", null, OutboundEntry.Status.SENT, null);
        outgoing(bot, dialogId, 3, "operator", "op7", "Olga", OutboundEntry.Status.FAILED,
                new OutboundEntry.Failure("BLOCKED_BY_USER", 403, "Forbidden: bot was blocked by the user"));
        note(bot, dialogId, 4, "op7", "Olga", "call them tomorrow");
        webhook(bot, photo(user, 5));                                  // seq 5 (the chat counter: 2-4 are not counted there)
        webhook(bot, edited(user, 1, "first, edited"));

        String admin = admin(bot);
        JsonNode page = ok(get(admin, "/api/dialogs/" + dialogId + "/history", Map.of("limit", "2")));
        List<Long> seqs = new ArrayList<>();
        page.get("items").forEach(e -> seqs.add(e.get("seq").asLong()));
        assertEquals(2, seqs.size());
        assertTrue(seqs.get(0) > seqs.get(1), "newest first");
        List<JsonNode> all = new ArrayList<>();
        page.get("items").forEach(all::add);
        while (page.hasNonNull("next_before")) {
            page = ok(get(admin, "/api/dialogs/" + dialogId + "/history",
                    Map.of("limit", "2", "before", page.get("next_before").asText())));
            page.get("items").forEach(all::add);
        }
        Map<Long, JsonNode> bySeq = new LinkedHashMap<>();
        for (JsonNode e : all) assertNull(bySeq.put(e.get("seq").asLong(), e), "no duplicates");
        assertEquals(5, bySeq.size(), "text, scenario reply, operator reply, note, photo");
        List<Long> order = new ArrayList<>(bySeq.keySet());
        List<Long> sorted = new ArrayList<>(order);
        sorted.sort(Comparator.reverseOrder());
        assertEquals(sorted, order);

        JsonNode first = bySeq.get(1L);
        assertEquals("first, edited", first.get("text").asText());
        assertTrue(first.get("edited").asBoolean());
        assertEquals(1, first.get("edit_count").asInt());
        assertEquals("client", first.get("author").get("kind").asText());
        assertEquals(user, first.get("author").get("user_id").asLong());
        JsonNode scenario = bySeq.get(2L);
        assertEquals("out", scenario.get("direction").asText());
        assertEquals("sent", scenario.get("status").asText());
        assertEquals("scenario", scenario.get("author").get("kind").asText());
        JsonNode failed = bySeq.get(3L);
        assertEquals("failed", failed.get("status").asText());
        assertEquals("BLOCKED_BY_USER", failed.get("failure").get("kind").asText());
        assertEquals(403, failed.get("failure").get("error_code").asInt());
        assertEquals("op7", failed.get("author").get("operator_id").asText());
        assertEquals("Olga", failed.get("author").get("name").asText());
        assertEquals("reply 3", failed.get("text").asText());
        JsonNode note = bySeq.get(4L);
        assertEquals("note", note.get("type").asText());
        assertEquals("internal", note.get("direction").asText());
        assertEquals("call them tomorrow", note.get("text").asText());
        assertEquals("Olga", note.get("author").get("name").asText());
        JsonNode photo = all.stream().filter(e -> e.has("media")).findFirst().orElseThrow();
        assertEquals("photo", photo.get("media").get(0).get("kind").asText());
        assertEquals("look", photo.get("caption").asText());
        assertFalse(photo.get("media").get(0).has("file_id"), "Telegram file ids are not handed out");

        assertEquals(List.of(), jsonList(ok(get(admin, "/api/dialogs/" + dialogId + "/history", Map.of("before", "1"))).get("items")));
    }

    // ---- groups --------------------------------------------------------------------------------------------

    @Test
    void groupsListTheChatsTheBotIsInFollowingMigrations() throws Exception {
        String bot = bot();
        long member = IDS.incrementAndGet();
        long team = -4_000_000_000L - IDS.incrementAndGet();
        long oldGroup = -4_000_000_000L - IDS.incrementAndGet();
        long supergroup = -1_002_000_000_000L - IDS.incrementAndGet();
        long kicked = -4_000_000_000L - IDS.incrementAndGet();
        webhook(bot, groupMessage(team, "group", "Support team", member, 1, "hello"));
        webhook(bot, groupMessage(oldGroup, "group", "Buyers", member, 1, "before"));
        ObjectNode to = groupMessage(oldGroup, "group", "Buyers", member, 2, null);
        ((ObjectNode) to.get("message")).put("migrate_to_chat_id", supergroup);
        webhook(bot, to);
        ObjectNode from = groupMessage(supergroup, "supergroup", "Buyers", member, 1, null);
        ((ObjectNode) from.get("message")).put("migrate_from_chat_id", oldGroup);
        webhook(bot, from);
        webhook(bot, groupMessage(kicked, "group", "Ex partners", member, 1, "hi"));
        webhook(bot, botMembership(kicked, "member", "kicked"));

        JsonNode groups = ok(get(agent(bot, "ag"), "/api/groups", Map.of()));
        List<Long> chatIds = new ArrayList<>();
        groups.get("items").forEach(g -> chatIds.add(g.get("chat_id").asLong()));
        assertEquals(List.of(supergroup, team), chatIds, "by title; the old group and the one the bot left are gone");
        JsonNode buyers = groups.get("items").get(0);
        assertEquals("Buyers", buyers.get("title").asText());
        assertEquals("supergroup", buyers.get("chat_type").asText());
        assertNotNull(buyers.get("active_dialog_id"));
        assertEquals(chatItem(bot, oldGroup).get("lastDialogId").s(), buyers.get("active_dialog_id").asText(),
                "the dialog followed the migration");
        // paging
        JsonNode p1 = ok(get(admin(bot), "/api/groups", Map.of("limit", "1")));
        assertEquals(1, p1.get("items").size());
        JsonNode p2 = ok(get(admin(bot), "/api/groups", Map.of("limit", "1", "cursor", p1.get("next_cursor").asText())));
        assertEquals(team, p2.get("items").get(0).get("chat_id").asLong());
        // the group dialogs (the one of the group the bot left too: it is still open) are listed with kind=group
        assertEquals(3, ok(get(admin(bot), "/api/dialogs", Map.of("kind", "group"))).get("items").size());
        // the bot added back: listed again
        webhook(bot, botMembership(kicked, "left", "member"));
        assertEquals(3, ok(get(admin(bot), "/api/groups", Map.of())).get("items").size());
    }

    // ---- cost -----------------------------------------------------------------------------------------------

    @Test
    void awsCallsPerInboxEndpoint() throws Exception {
        String bot = bot();
        for (int i = 0; i < 12; i++) seed(bot, "d" + i, "private", "open", i % 2 == 0 ? "t1" : "t2", i % 3 == 0 ? "ag" : null, i, 1);
        seed(bot, "pool", "private", "open", null, null, 99, 1);
        long user = IDS.incrementAndGet();
        webhook(bot, text(user, 1, "hi"));
        webhook(bot, text(user, 2, "again"));
        String dialogId = chatItem(bot, user).get("activeDialogId").s();

        Map<String, Map<String, Integer>> measured = new LinkedHashMap<>();
        measured.put("list admin", count(() -> get(admin(bot), "/api/dialogs", Map.of())));
        measured.put("list agent in 2 teams", count(() -> get(agent(bot, "ag", "t1", "t2"), "/api/dialogs", Map.of())));
        measured.put("list agent assignee=me", count(() -> get(agent(bot, "ag", "t1", "t2"), "/api/dialogs", Map.of("assignee", "me"))));
        measured.put("dialog", count(() -> get(admin(bot), "/api/dialogs/" + dialogId, Map.of())));
        measured.put("history", count(() -> get(admin(bot), "/api/dialogs/" + dialogId + "/history", Map.of())));
        measured.put("read (latest)", count(() -> post(admin(bot), "/api/dialogs/" + dialogId + "/read", "{\"seq\": 2}")));
        measured.put("read (earlier)", count(() -> post(agent(bot, "x"), "/api/dialogs/" + dialogId + "/read", "{\"seq\": 1}")));
        measured.put("groups", count(() -> get(admin(bot), "/api/groups", Map.of())));
        System.out.println("AWS calls per inbox endpoint: " + measured);

        assertEquals(Map.of("DynamoDb.Query", 1, "DynamoDb.BatchGetItem", 1), measured.get("list admin"));
        assertEquals(Map.of("DynamoDb.Query", 4, "DynamoDb.BatchGetItem", 1), measured.get("list agent in 2 teams"),
                "own + 2 teams + the unassigned pool, one batch of read marks");
        assertEquals(Map.of("DynamoDb.Query", 1, "DynamoDb.BatchGetItem", 1), measured.get("list agent assignee=me"));
        assertEquals(Map.of("DynamoDb.BatchGetItem", 1, "DynamoDb.GetItem", 1), measured.get("dialog"));
        assertEquals(Map.of("DynamoDb.BatchGetItem", 1, "DynamoDb.Query", 1), measured.get("history"));
        assertEquals(Map.of("DynamoDb.BatchGetItem", 1, "DynamoDb.PutItem", 1), measured.get("read (latest)"));
        assertEquals(Map.of("DynamoDb.BatchGetItem", 1, "DynamoDb.Query", 1, "DynamoDb.PutItem", 1), measured.get("read (earlier)"));
        assertEquals(Map.of("DynamoDb.Query", 1), measured.get("groups"));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    Map<String, Integer> count(Runnable r) {
        calls.reset();
        r.run();
        return calls.snapshot();
    }

    static String bot() {
        return Long.toString(IDS.incrementAndGet());
    }

    String admin(String bot) {
        return token(new Caller(bot, "admin", "admin@example.com", "Admin", Caller.Role.ADMIN, Set.of()));
    }

    String agent(String bot, String operatorId, String... teams) {
        return token(new Caller(bot, operatorId, operatorId + "@example.com", operatorId, Caller.Role.AGENT, Set.of(teams)));
    }

    String token(Caller c) {
        String t = c.botId() + "/" + c.operatorId() + "/" + c.role() + "/" + String.join(",", new java.util.TreeSet<>(c.teamIds()));
        tokens.put(t, c);
        return t;
    }

    ApiResponse get(String token, String path, Map<String, String> query) {
        return router.handle(new ApiRequest("GET", path, null, query, Map.of("authorization", "Bearer " + token), null));
    }

    ApiResponse post(String token, String path, String body) {
        return router.handle(new ApiRequest("POST", path, null, Map.of(), Map.of("authorization", "Bearer " + token),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    static JsonNode ok(ApiResponse r) throws Exception {
        JsonNode body = JSON.readTree(r.body());
        assertEquals(200, r.status(), body.toString());
        return body;
    }

    static void assertError(ApiResponse r, int status, String field) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(status, r.status(), body);
        try {
            assertEquals(field, JSON.readTree(body).get("error").get("field").asText(), body);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(i -> ids.add(i.get("dialog_id").asText()));
        return ids;
    }

    static List<JsonNode> jsonList(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    long unreadOf(String token, String dialogId) throws Exception {
        for (JsonNode row : ok(get(token, "/api/dialogs", Map.of())).get("items")) {
            if (row.get("dialog_id").asText().equals(dialogId)) return row.get("unread").asLong();
        }
        throw new AssertionError(dialogId + " not listed");
    }

    /** Every page of a list, following next_cursor; fails on a duplicate. */
    List<String> walk(String token, Map<String, String> filters, int limit) throws Exception {
        List<String> all = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 100; pages++) {
            Map<String, String> q = new HashMap<>(filters);
            q.put("limit", Integer.toString(limit));
            if (cursor != null) q.put("cursor", cursor);
            JsonNode page = ok(get(token, "/api/dialogs", q));
            assertTrue(page.get("items").size() <= limit);
            for (String id : ids(page)) {
                assertFalse(all.contains(id), "duplicate " + id);
                all.add(id);
            }
            if (!page.hasNonNull("next_cursor")) return all;
            cursor = page.get("next_cursor").asText();
        }
        throw new AssertionError("too many pages");
    }

    /** A dialog as the assignment endpoints store it: index keys from DialogIndex; activity/opened as offsets from T0. */
    void seed(String bot, String id, String kind, String status, String team, String manager, long activity, long inbound) {
        put(bot, id, kind, status, team, manager, activity, T0 - 100_000 - (id.hashCode() & 0xffff), inbound);
    }

    void seedOpened(String bot, String id, String kind, String status, String team, String manager, long activity, long opened) {
        put(bot, id, kind, status, team, manager, activity, T0 - 100_000 + opened, 1);
    }

    void put(String bot, String id, String kind, String status, String team, String manager, long activity, long opened, long inbound) {
        Map<String, AttributeValue> item = new HashMap<>(key(Keys.dialog(bot, id), Keys.DIALOG_SK));
        item.put("dialogId", AttributeValue.fromS(id));
        item.put("botId", AttributeValue.fromS(bot));
        item.put("chatId", AttributeValue.fromN("1"));
        item.put("kind", AttributeValue.fromS(kind));
        item.put("title", AttributeValue.fromS("Title " + id));
        item.put("status", AttributeValue.fromS(status));
        item.put("openedAt", AttributeValue.fromN(Long.toString(opened)));
        item.put("lastActivityAt", AttributeValue.fromN(Long.toString(T0 + activity)));
        item.put("lastPreview", AttributeValue.fromS("preview " + id));
        item.put("lastSeq", AttributeValue.fromN("5"));
        item.put("inboundCount", AttributeValue.fromN(Long.toString(inbound)));
        if (manager != null) {
            item.put("assignee", AttributeValue.fromS(manager));
            item.put("handler", AttributeValue.fromS("operator"));
        }
        if (team != null) item.put("team", AttributeValue.fromS(team));
        item.putAll(DialogIndex.keys(bot, id, kind, status, team, manager, T0 + activity, opened));
        inspect.putItem(b -> b.tableName(table).item(item));
    }

    void readMark(String bot, String dialogId, String operatorId, long seq, long inbound) {
        inspect.putItem(b -> b.tableName(table).item(Map.of(Keys.PK, AttributeValue.fromS(Keys.dialog(bot, dialogId)),
                Keys.SK, AttributeValue.fromS(DynamoInboxQueries.readMarkSk(operatorId)),
                "seq", AttributeValue.fromN(Long.toString(seq)), "inboundCount", AttributeValue.fromN(Long.toString(inbound)))));
    }

    void outgoing(String bot, String dialogId, long seq, String author, String ref, String name, OutboundEntry.Status status,
                  OutboundEntry.Failure failure) {
        ObjectNode params = JSON.createObjectNode().put("text", "reply " + seq);
        var entry = new OutboundEntry(bot, dialogId, seq, "1", author, ref, new BotApiCall("sendMessage", params), "reply " + seq,
                "{\"text\":\"reply " + seq + "\",\"format\":\"html\"}", T0 + seq, status, 1, status == OutboundEntry.Status.SENT ? 900L + seq : null, failure);
        Map<String, AttributeValue> item = new HashMap<>(OutboundItems.item(entry));
        if (name != null) item.put("authorName", AttributeValue.fromS(name));
        inspect.putItem(b -> b.tableName(table).item(item));
    }

    void note(String bot, String dialogId, long seq, String operatorId, String name, String text) {
        Map<String, AttributeValue> item = new HashMap<>(key(Keys.dialog(bot, dialogId), Keys.entry(seq)));
        item.put("seq", AttributeValue.fromN(Long.toString(seq)));
        item.put("type", AttributeValue.fromS("note"));
        item.put("direction", AttributeValue.fromS("internal"));
        item.put("author", AttributeValue.fromS("operator"));
        item.put("authorRef", AttributeValue.fromS(operatorId));
        item.put("authorName", AttributeValue.fromS(name));
        item.put("at", AttributeValue.fromN(Long.toString(T0 + seq)));
        item.put("preview", AttributeValue.fromS(text));
        item.put("data", AttributeValue.fromS("{\"text\":\"" + text + "\"}"));
        inspect.putItem(b -> b.tableName(table).item(item));
        // the note takes the chat's next seq, as the actions endpoints will
        inspect.updateItem(b -> b.tableName(table).key(key(Keys.chat(bot, chatOfDialog(bot, dialogId)), Keys.CHAT_SK))
                .updateExpression("SET seq = :s, version = version + :one")
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromN(Long.toString(seq)), ":one", AttributeValue.fromN("1"))));
    }

    long chatOfDialog(String bot, String dialogId) {
        return Long.parseLong(dialogItem(bot, dialogId).get("chatId").n());
    }

    Map<String, AttributeValue> dialogItem(String bot, String dialogId) {
        return inspect.getItem(b -> b.tableName(table).key(key(Keys.dialog(bot, dialogId), Keys.DIALOG_SK)).consistentRead(true)).item();
    }

    Map<String, AttributeValue> chatItem(String bot, long chatId) {
        return inspect.getItem(b -> b.tableName(table).key(key(Keys.chat(bot, chatId), Keys.CHAT_SK)).consistentRead(true)).item();
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(Keys.PK, AttributeValue.fromS(pk), Keys.SK, AttributeValue.fromS(sk));
    }

    // ---- updates through the webhook's rules ----------------------------------------------------------------

    void webhook(String bot, ObjectNode update) {
        var endpoint = new WebhookEndpoint(bot, SECRET, JSON, new UpdateIngest(new DynamoInboxStore(inspect, table, JSON),
                new SqsInboundQueue(sqs, queueUrl, JSON), JSON), Metrics.NONE);
        var response = endpoint.handle(SECRET, update.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.status(), response.body());
    }

    static ObjectNode user(long id) {
        return JSON.createObjectNode().put("id", id).put("is_bot", false).put("first_name", "User")
                .put("username", "user" + id).put("language_code", "en");
    }

    static ObjectNode message(ObjectNode chat, ObjectNode from, long messageId, String text) {
        ObjectNode update = JSON.createObjectNode().put("update_id", IDS.incrementAndGet());
        ObjectNode m = update.putObject("message");
        m.put("message_id", messageId).put("date", 1764160000 + messageId);
        m.set("chat", chat);
        m.set("from", from);
        if (text != null) m.put("text", text);
        return update;
    }

    static ObjectNode privateChat(long user) {
        return JSON.createObjectNode().put("id", user).put("type", "private").put("first_name", "User").put("username", "user" + user);
    }

    static ObjectNode text(long user, long messageId, String text) {
        return message(privateChat(user), user(user), messageId, text);
    }

    static ObjectNode photo(long user, long messageId) {
        ObjectNode update = message(privateChat(user), user(user), messageId, null);
        ObjectNode m = (ObjectNode) update.get("message");
        m.put("caption", "look");
        m.putArray("photo").addObject().put("file_id", "AgACAgIAAxk-secret-ish").put("file_unique_id", "AQADu")
                .put("width", 90).put("height", 60).put("file_size", 1234);
        return update;
    }

    static ObjectNode edited(long user, long messageId, String text) {
        ObjectNode update = text(user, messageId, text);
        ObjectNode m = (ObjectNode) update.remove("message");
        m.put("edit_date", 1764169999);
        update.set("edited_message", m);
        return update;
    }

    static ObjectNode callback(long user, String data) {
        ObjectNode update = JSON.createObjectNode().put("update_id", IDS.incrementAndGet());
        ObjectNode q = update.putObject("callback_query");
        q.put("id", Long.toString(IDS.incrementAndGet())).put("chat_instance", "ci").put("data", data);
        q.set("from", user(user));
        ObjectNode m = q.putObject("message");
        m.put("message_id", 77).put("date", 1764160000);
        m.set("chat", privateChat(user));
        return update;
    }

    static ObjectNode groupMessage(long chatId, String type, String title, long member, long messageId, String text) {
        ObjectNode chat = JSON.createObjectNode().put("id", chatId).put("type", type).put("title", title);
        return message(chat, user(member), messageId, text);
    }

    static ObjectNode botMembership(long chatId, String oldStatus, String newStatus) {
        ObjectNode update = JSON.createObjectNode().put("update_id", IDS.incrementAndGet());
        ObjectNode c = update.putObject("my_chat_member");
        c.set("chat", JSON.createObjectNode().put("id", chatId).put("type", "group").put("title", "Ex partners"));
        c.set("from", user(IDS.incrementAndGet()));
        c.put("date", 1764160000);
        ObjectNode bot = JSON.createObjectNode().put("id", 42).put("is_bot", true).put("first_name", "Bot");
        c.putObject("old_chat_member").put("status", oldStatus).set("user", bot);
        c.putObject("new_chat_member").put("status", newStatus).set("user", bot.deepCopy());
        return update;
    }
}
