package dev.tgdesk.autoclose;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.ApiRequest;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.lifecycle.DialogCloser;
import dev.tgdesk.operator.lifecycle.LifecycleRoutes;
import dev.tgdesk.scenario.RunState;
import dev.tgdesk.storage.DialogIndex;
import dev.tgdesk.storage.DynamoDialogLifecycle;
import dev.tgdesk.storage.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static dev.tgdesk.autoclose.Stack.BOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /api/dialogs/{id}/close and /reopen through the Router, on the emulated table, with dialogs the webhook's rules opened. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LifecycleRoutesTest {

    static final AtomicLong USERS = new AtomicLong(610_000_000);
    static final Map<String, Caller> TOKENS = Map.of(
            "admin", new Caller(BOT, "op-admin", "admin@example.com", "Alice", Caller.Role.ADMIN, Set.of()),
            "agent-sales", new Caller(BOT, "op-sales", "s@example.com", "Sam", Caller.Role.AGENT, Set.of("sales")),
            "agent-other", new Caller(BOT, "op-other", "o@example.com", "Olga", Caller.Role.AGENT, Set.of("support")));

    Stack stack;
    Router router;

    @BeforeAll
    void start() {
        stack = new Stack("lcr-");
        var store = new DynamoDialogLifecycle(stack.dynamo, stack.table, Stack.JSON);
        var closer = new DialogCloser(store, stack.clock, "Closing message (never on an operator's close)", 24);
        router = new Router(token -> {
            Caller c = TOKENS.get(token);
            if (c == null) throw ApiException.unauthorized();
            return c;
        }).add(new LifecycleRoutes(store, closer, new Visibility(true)));
    }

    @AfterAll
    void stop() {
        stack.close();
    }

    ApiResponse post(String token, String path) {
        Map<String, String> headers = token == null ? Map.of() : Map.of("authorization", "Bearer " + token);
        return router.handle(new ApiRequest("POST", path, null, null, headers, null));
    }

    static JsonNode body(ApiResponse r) throws Exception {
        return Stack.JSON.readTree(r.body());
    }

    @Test
    void closingEndsTheDialogAndTheClientsNextMessageOpensANewOne() throws Exception {
        long user = USERS.incrementAndGet();
        String dialogId = stack.privateMessage(user, "hello");
        stack.clock.advance(Duration.ofMinutes(5));

        ApiResponse r = post("admin", "/api/dialogs/" + dialogId + "/close");
        assertEquals(200, r.status(), new String(r.body()));
        JsonNode d = body(r);
        assertEquals("closed", d.get("status").asText());
        assertEquals("op-admin", d.get("closed_by").asText());
        assertEquals(stack.clock.millis(), d.get("closed_at").asLong());

        var item = stack.dialog(dialogId);
        assertEquals("closed", item.get("status").s());
        assertEquals(Keys.statusPartition(BOT, "private", "closed"), item.get("gsi1pk").s());
        assertEquals(Keys.assigneePartition(BOT, Keys.UNASSIGNED, "private", "closed"), item.get("gsi3pk").s());
        assertFalse(stack.chat(user).containsKey("activeDialogId"));
        var events = stack.events(dialogId, "closed");
        assertEquals(1, events.size());
        assertEquals("Closed by Alice", events.get(0).get("preview").s());
        assertEquals(2, stack.entries(dialogId).size(), "the message and the event; no closing message on an operator's close");

        // closing again changes nothing
        ApiResponse again = post("admin", "/api/dialogs/" + dialogId + "/close");
        assertEquals(200, again.status());
        assertEquals(d.get("closed_at").asLong(), body(again).get("closed_at").asLong());
        assertEquals(1, stack.events(dialogId, "closed").size());

        String next = stack.privateMessage(user, "one more thing");
        assertNotEquals(dialogId, next, "a new dialog");
        assertEquals(next, stack.chat(user).get("activeDialogId").s());

        ApiResponse reopen = post("admin", "/api/dialogs/" + dialogId + "/reopen");
        assertEquals(409, reopen.status());
        assertEquals("the client already has a newer dialog", body(reopen).get("error").get("message").asText());
        assertEquals("closed", stack.dialog(dialogId).get("status").s());
    }

    @Test
    void reopeningMakesTheDialogActiveAgain() throws Exception {
        long user = USERS.incrementAndGet();
        String dialogId = stack.privateMessage(user, "hello");
        assertEquals(200, post("admin", "/api/dialogs/" + dialogId + "/close").status());
        stack.clock.advance(Duration.ofHours(30));

        ApiResponse r = post("admin", "/api/dialogs/" + dialogId + "/reopen");
        assertEquals(200, r.status(), new String(r.body()));
        assertEquals("open", body(r).get("status").asText());
        assertFalse(body(r).has("closed_at"), "absent while open");
        var item = stack.dialog(dialogId);
        assertEquals("open", item.get("status").s());
        assertFalse(item.containsKey("closed_at"));
        assertEquals(Keys.statusPartition(BOT, "private", "open"), item.get("gsi1pk").s());
        assertEquals(Keys.activitySort(stack.clock.millis(), dialogId), item.get("gsi1sk").s(), "reopening counts as activity");
        assertEquals(dialogId, stack.chat(user).get("activeDialogId").s());
        assertEquals(1, stack.events(dialogId, "reopened").size());
        // reopening an open dialog changes nothing
        assertEquals(200, post("admin", "/api/dialogs/" + dialogId + "/reopen").status());
        assertEquals(1, stack.events(dialogId, "reopened").size());

        assertEquals(dialogId, stack.privateMessage(user, "back again"), "the client's next message joins the reopened dialog");
        List<Long> seqs = stack.entries(dialogId).stream().map(e -> Long.parseLong(e.get("seq").n())).toList();
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs, "message, closed, reopened, message: one sequence");
    }

    @Test
    void agentsActOnlyOnDialogsTheyMaySee() {
        long user = USERS.incrementAndGet();
        String dialogId = stack.privateMessage(user, "hello");
        assign(dialogId, "sales", null);

        assertEquals(404, post("agent-other", "/api/dialogs/" + dialogId + "/close").status(), "another team's dialog: 404");
        assertEquals("open", stack.dialog(dialogId).get("status").s());
        assertEquals(404, post("agent-other", "/api/dialogs/NOSUCHDIALOG0000000/close").status(), "unknown: the same 404");
        assertEquals(401, post(null, "/api/dialogs/" + dialogId + "/close").status());

        assertEquals(200, post("agent-sales", "/api/dialogs/" + dialogId + "/close").status());
        var item = stack.dialog(dialogId);
        assertEquals(Keys.teamPartition(BOT, "sales", "private", "closed"), item.get("gsi2pk").s());
        assertFalse(item.containsKey("gsi3pk"), "a team dialog without a manager is in no assignee partition");
        assertEquals(404, post("agent-other", "/api/dialogs/" + dialogId + "/reopen").status());
        assertEquals(200, post("agent-sales", "/api/dialogs/" + dialogId + "/reopen").status());
    }

    @Test
    void closingEndsTheScenarioRun() throws Exception {
        long user = USERS.incrementAndGet();
        String dialogId = stack.privateMessage(user, "hello");
        RunState waiting = new RunState("survey", 3, RunState.WAITING_TIMER, "wait", Map.of("a", "b"),
                new RunState.Wait(RunState.Wait.TIMER, "wait", "tok-1", 0, stack.clock.millis() + 3_600_000, null),
                List.of(), 4, stack.clock.millis(), stack.clock.millis());
        Map<String, AttributeValue> run = new HashMap<>(Map.of(
                "pk", AttributeValue.fromS(Keys.dialog(BOT, dialogId)), "sk", AttributeValue.fromS(Keys.RUN_SK),
                "version", AttributeValue.fromN("7"), "status", AttributeValue.fromS(RunState.WAITING_TIMER),
                "state", AttributeValue.fromS(Stack.JSON.writeValueAsString(waiting))));
        stack.dynamo.putItem(b -> b.tableName(stack.table).item(run));

        assertEquals(200, post("admin", "/api/dialogs/" + dialogId + "/close").status());
        var stored = stack.item(Keys.dialog(BOT, dialogId), Keys.RUN_SK);
        assertEquals("finished", stored.get("status").s());
        assertEquals("8", stored.get("version").n());
        RunState state = Stack.JSON.readValue(stored.get("state").s(), RunState.class);
        assertTrue(state.isFinished());
        assertNull(state.waitFor(), "no timer can continue it");
    }

    /** What the assignment endpoint does to a dialog (team, manager, index keys), written directly. */
    void assign(String dialogId, String team, String manager) {
        var d = stack.dialog(dialogId);
        Map<String, AttributeValue> item = new HashMap<>(d);
        item.keySet().removeIf(k -> k.startsWith("gsi"));
        if (team != null) item.put("team", AttributeValue.fromS(team));
        if (manager != null) item.put("assignee", AttributeValue.fromS(manager));
        item.putAll(DialogIndex.keys(BOT, dialogId, d.get("kind").s(), d.get("status").s(), team, manager,
                Long.parseLong(d.get("lastActivityAt").n()), Long.parseLong(d.get("openedAt").n())));
        stack.dynamo.putItem(b -> b.tableName(stack.table).item(item));
    }
}
