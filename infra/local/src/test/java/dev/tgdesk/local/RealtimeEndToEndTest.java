package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.realtime.Connection;
import dev.tgdesk.storage.DynamoRealtimeStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real-time path as operators' browsers meet it, on the local runner: real WebSocket clients
 * ({@code java.net.http.WebSocket}) against the local WebSocket API, the real websocket and push handlers, the
 * table's stream on moto, the real {@code ApiGatewayManagementApiClient} posting to the local {@code @connections}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealtimeEndToEndTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final AtomicLong USER_IDS = new AtomicLong(7_300_000L + (System.nanoTime() % 1000) * 1000);

    @TempDir
    static Path stateDir;

    LocalRuntime local;
    final HttpClient http = HttpClient.newHttpClient();
    OperatorRest rest;
    String admin;
    DynamoRealtimeStore realtime;

    @BeforeAll
    void start() throws Exception {
        local = LocalRuntime.start(LocalConfig.defaults().withPort(0).withStateDir(stateDir)
                .withResourcePrefix(Stored.uniquePrefix("rt")), LocalAws.shared());
        rest = new OperatorRest(http, local.apiUrl());
        admin = rest.login(LocalRuntime.DEFAULT_ADMIN_EMAIL, LocalRuntime.DEFAULT_ADMIN_PASSWORD);
        realtime = new DynamoRealtimeStore(local.aws().dynamoDb(), local.realtime().realtimeTable());
    }

    @AfterAll
    void stop() {
        if (local != null) local.close();
    }

    OperatorSocket connect(String token) throws Exception {
        return OperatorSocket.connect(http, local.webSocketUrl(), rest.ticket(token));
    }

    FakeUser user(String name) {
        return local.fakeTelegram().addUser(USER_IDS.incrementAndGet(), name, null, name.toLowerCase() + "_rt", "en");
    }

    static boolean message(JsonNode e, String text) {
        return e.path("type").asText().equals("message.created") && e.path("entry").path("text").asText().equals(text);
    }

    @Test
    void anInboundMessageReachesTheConnectedOperator() throws Exception {
        try (OperatorSocket socket = connect(admin)) {
            FakeUser ann = user("Ann");
            local.fakeBot().userSends(ann, "Hello from Ann");
            JsonNode event = socket.awaitEvent(e -> message(e, "Hello from Ann"), WAIT);
            assertNotNull(event, "the operator got the message; events: " + socket.events);
            String dialogId = event.path("dialog_id").asText();
            assertEquals(dialogId + ":" + event.path("seq").asLong(), event.path("id").asText());
            assertEquals("in", event.path("entry").path("direction").asText());
            assertEquals("client", event.path("entry").path("author").path("kind").asText());
            JsonNode opened = socket.awaitEvent(e -> e.path("type").asText().equals("dialog.opened")
                    && e.path("dialog_id").asText().equals(dialogId), WAIT);
            assertNotNull(opened);
            assertEquals(ann.id(), opened.path("dialog").path("chat_id").asLong());
            assertTrue(opened.path("seq").asLong() < event.path("seq").asLong(), "the dialog opened before its first message");
        }
    }

    @Test
    void anAgentOfAnotherTeamDoesNotReceiveTheDialog() throws Exception {
        String sales = rest.call("POST", "/api/teams", admin, "{\"name\":\"Sales RT\"}", 201).get("id").asText();
        String support = rest.call("POST", "/api/teams", admin, "{\"name\":\"Support RT\"}", 201).get("id").asText();
        rest.call("POST", "/api/operators", admin, "{\"email\":\"sam.rt@example.com\",\"name\":\"Sam\",\"role\":\"agent\","
                + "\"password\":\"sam-password-1\",\"teams\":[\"" + sales + "\"]}", 201);
        rest.call("POST", "/api/operators", admin, "{\"email\":\"sue.rt@example.com\",\"name\":\"Sue\",\"role\":\"agent\","
                + "\"password\":\"sue-password-1\",\"teams\":[\"" + support + "\"]}", 201);
        String sam = rest.login("sam.rt@example.com", "sam-password-1");
        String sue = rest.login("sue.rt@example.com", "sue-password-1");

        try (OperatorSocket samSocket = connect(sam); OperatorSocket sueSocket = connect(sue)) {
            FakeUser bob = user("Bob");
            local.fakeBot().userSends(bob, "Bob's first message");
            // unassigned: both agents see it (AGENTS_SEE_UNASSIGNED defaults to true)
            JsonNode first = sueSocket.awaitEvent(e -> message(e, "Bob's first message"), WAIT);
            assertNotNull(first);
            assertNotNull(samSocket.awaitEvent(e -> message(e, "Bob's first message"), WAIT));
            String dialogId = first.path("dialog_id").asText();

            rest.call("PUT", "/api/dialogs/" + dialogId + "/assignment", admin, "{\"team\":\"" + sales + "\"}", 200);
            JsonNode hidden = sueSocket.awaitEvent(e -> e.path("type").asText().equals("dialog.hidden")
                    && e.path("dialog_id").asText().equals(dialogId), WAIT);
            assertNotNull(hidden, "Sue is told the dialog left her view");
            local.fakeBot().userSends(bob, "Only for Sales");
            assertNotNull(samSocket.awaitEvent(e -> message(e, "Only for Sales"), WAIT), "Sales gets it");

            // a later message Sue may see: once it arrived, everything before it was pushed
            FakeUser carl = user("Carl");
            local.fakeBot().userSends(carl, "Carl for everyone");
            assertNotNull(sueSocket.awaitEvent(e -> message(e, "Carl for everyone"), WAIT));
            assertTrue(sueSocket.events(e -> message(e, "Only for Sales")).isEmpty(), "Sue never got the Sales message");
            assertTrue(sueSocket.events(e -> e.path("dialog_id").asText().equals(dialogId)
                            && e.path("seq").asLong() >= hidden.path("seq").asLong() && !e.path("type").asText().equals("dialog.hidden"))
                    .isEmpty(), "from the assignment on Sue gets nothing of that dialog: " + sueSocket.events);
            // and the REST side agrees
            rest.call("GET", "/api/dialogs/" + dialogId + "/events?after=0", sue, null, 404);
        }
    }

    @Test
    void aConnectionKilledMidStreamIsDeletedOn410() throws Exception {
        // the doomed connection first: the server registers a connection a moment after the client sees it open
        Set<String> before = new HashSet<>(local.realtime().webSocket().connectionIds());
        OperatorSocket doomed = connect(admin);
        Set<String> added = new HashSet<>();
        Stored.await("the server registered the connection", WAIT, () -> {
            added.clear();
            added.addAll(local.realtime().webSocket().connectionIds());
            added.removeAll(before);
            return added.size() == 1;
        });
        String doomedId = added.iterator().next();
        try (OperatorSocket witness = connect(admin)) {
            assertTrue(connectionIds().contains(doomedId));

            local.realtime().webSocket().kill(doomedId); // network gone, no $disconnect
            FakeUser dan = user("Dan");
            local.fakeBot().userSends(dan, "Anyone there?");
            assertNotNull(witness.awaitEvent(e -> message(e, "Anyone there?"), WAIT));
            Stored.await("the dead connection is deleted after its 410", WAIT, () -> !connectionIds().contains(doomedId));
            Set<String> kept = connectionIds();
            kept.remove(doomedId);
            assertFalse(kept.isEmpty(), "the live connection is kept");
            assertTrue(local.realtime().webSocket().connectionIds().containsAll(kept));
        }
    }

    private Set<String> connectionIds() {
        Set<String> ids = new HashSet<>();
        for (Connection c : realtime.connections(local.botId(), System.currentTimeMillis())) ids.add(c.connectionId());
        return ids;
    }

    @Test
    void aClientThatMissedEventsCatchesUpThroughTheCursor() throws Exception {
        FakeUser dana = user("Dana");
        String dialogId;
        long cursor;
        try (OperatorSocket socket = connect(admin)) {
            local.fakeBot().userSends(dana, "before the gap");
            JsonNode e = socket.awaitEvent(x -> message(x, "before the gap"), WAIT);
            assertNotNull(e);
            dialogId = e.path("dialog_id").asText();
            assertTrue(local.fakeBot().awaitNoPendingUpdates(WAIT));
            assertTrue(local.realtime().stream().awaitCaughtUp(WAIT));
            long last = rest.call("GET", "/api/dialogs/" + dialogId + "/events", admin, null, 200).path("last_seq").asLong();
            assertNotNull(socket.awaitEvent(x -> x.path("dialog_id").asText().equals(dialogId) && x.path("seq").asLong() == last, WAIT));
            cursor = last;
        }
        // offline: 20 client messages (and whatever the bot answers) happen meanwhile
        for (int i = 1; i <= 20; i++) local.fakeBot().userSends(dana, "missed " + i);
        assertTrue(local.fakeBot().awaitNoPendingUpdates(WAIT), "the webhook took all 20");
        assertTrue(local.realtime().stream().awaitCaughtUp(WAIT));

        try (OperatorSocket socket = connect(admin)) {
            TreeMap<Long, JsonNode> applied = new TreeMap<>();
            long at = cursor;
            boolean more = true;
            while (more) {
                JsonNode page = rest.call("GET", "/api/dialogs/" + dialogId + "/events?after=" + at + "&limit=7", admin, null, 200);
                assertFalse(page.path("reset").asBoolean());
                List<Long> seqs = new ArrayList<>();
                for (JsonNode x : page.path("items")) {
                    seqs.add(x.path("seq").asLong());
                    assertNull(applied.put(x.path("seq").asLong(), x), "catch-up repeated seq " + x.path("seq"));
                }
                for (int i = 0; i < seqs.size(); i++) assertEquals(at + 1 + i, seqs.get(i), "no gap, in order");
                if (!seqs.isEmpty()) at = seqs.getLast();
                more = page.path("more").asBoolean();
            }
            assertTrue(applied.size() >= 20, "missed at least 20 events: " + applied.size());
            for (int i = 1; i <= 20; i++) {
                String text = "missed " + i;
                assertEquals(1, applied.values().stream().filter(x -> message(x, text)).count(), text + " caught up once");
            }
            // live again: the next events continue the sequence
            local.fakeBot().userSends(dana, "after the reconnect");
            JsonNode live = socket.awaitEvent(x -> message(x, "after the reconnect"), WAIT);
            assertNotNull(live);
            for (JsonNode x : socket.events(x -> x.path("dialog_id").asText().equals(dialogId))) {
                long seq = x.path("seq").asLong();
                if (seq <= applied.lastKey()) continue; // a client ignores what it has
                applied.put(seq, x);
            }
            long expected = cursor + 1;
            for (long seq : applied.keySet()) assertEquals(expected++, seq, "the client's view has no gap");
        }
    }

    @Test
    void aDisabledOperatorIsDisconnectedAndATeamChangeTakesEffectWithoutReconnecting() throws Exception {
        String vip = rest.call("POST", "/api/teams", admin, "{\"name\":\"VIP RT\"}", 201).get("id").asText();
        String id = rest.call("POST", "/api/operators", admin, "{\"email\":\"max.rt@example.com\",\"name\":\"Max\","
                + "\"role\":\"agent\",\"password\":\"max-password-1\"}", 201).get("id").asText();
        String max = rest.login("max.rt@example.com", "max-password-1");
        try (OperatorSocket socket = connect(max)) {
            FakeUser gil = user("Gil");
            local.fakeBot().userSends(gil, "Gil, unassigned");
            String dialogId = socket.awaitEvent(e -> message(e, "Gil, unassigned"), WAIT).path("dialog_id").asText();
            rest.call("PUT", "/api/dialogs/" + dialogId + "/assignment", admin, "{\"team\":\"" + vip + "\"}", 200);
            assertNotNull(socket.awaitEvent(e -> e.path("type").asText().equals("dialog.hidden"), WAIT));
            // Max joins the VIP team: the open connection now receives that team's dialogs
            rest.call("PUT", "/api/operators/" + id, admin, "{\"teams\":[\"" + vip + "\"]}", 200);
            assertTrue(local.realtime().stream().awaitCaughtUp(WAIT));
            local.fakeBot().userSends(gil, "Gil, now for VIP");
            assertNotNull(socket.awaitEvent(e -> message(e, "Gil, now for VIP"), WAIT), "the team change applies to the live connection");

            rest.call("PUT", "/api/operators/" + id, admin, "{\"disabled\":true}", 200);
            assertNotNull(socket.closed.get(20, java.util.concurrent.TimeUnit.SECONDS), "a disabled operator's socket is closed");
            Stored.await("its connection is forgotten", WAIT, () -> realtime.connections(local.botId(), System.currentTimeMillis())
                    .stream().noneMatch(c -> c.operatorId().equals(id)));
        }
    }

    @Test
    void invalidOrUsedTicketsAreRefusedAtConnect() throws Exception {
        assertEquals(401, refusal("A".repeat(43)));
        assertEquals(401, refusal(""));
        String ticket = rest.ticket(admin);
        try (OperatorSocket ignored = OperatorSocket.connect(http, local.webSocketUrl(), ticket)) {
            assertEquals(401, refusal(ticket), "a ticket works once");
        }
        rest.call("POST", "/api/realtime/tickets", null, null, 401);
    }

    private int refusal(String ticket) {
        CompletionException e = assertThrows(CompletionException.class, () -> OperatorSocket.connect(http, local.webSocketUrl(), ticket));
        assertTrue(e.getCause() instanceof WebSocketHandshakeException, String.valueOf(e.getCause()));
        return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }

    @Test
    void aPingIsAnsweredWithAPong() throws Exception {
        try (OperatorSocket socket = connect(admin)) {
            socket.send("{\"type\":\"ping\"}");
            JsonNode pong = socket.awaitFrame(f -> f.path("type").asText().equals("pong"), WAIT);
            assertNotNull(pong);
            assertTrue(pong.path("at").asLong() > 0);
        }
    }

    @Test
    void operatorActionsAndDeliveryStatusesArePushed() throws Exception {
        try (OperatorSocket socket = connect(admin)) {
            FakeUser eve = user("Eve");
            local.fakeBot().userSends(eve, "Eve needs a human");
            String dialogId = socket.awaitEvent(e -> message(e, "Eve needs a human"), WAIT).path("dialog_id").asText();
            rest.call("POST", "/api/dialogs/" + dialogId + "/takeover", admin, null, 200);
            rest.call("POST", "/api/dialogs/" + dialogId + "/messages", admin, "{\"text\":\"Hi Eve, <b>Olga</b> here\"}", 201);
            rest.call("POST", "/api/dialogs/" + dialogId + "/notes", admin, "{\"text\":\"VIP\"}", 201);
            rest.call("POST", "/api/dialogs/" + dialogId + "/contact/block", admin, null, 200);
            rest.call("POST", "/api/dialogs/" + dialogId + "/close", admin, null, 200);

            assertNotNull(socket.awaitEvent(e -> e.path("dialog_id").asText().equals(dialogId)
                    && e.path("type").asText().equals("dialog.updated") && hasChange(e, "handler")
                    && e.path("dialog").path("handler").asText().equals("operator"), WAIT), "take over");
            assertNotNull(socket.awaitEvent(e -> message(e, "Hi Eve, <b>Olga</b> here") && e.path("entry").path("direction").asText().equals("out"),
                    WAIT), "the reply, queued");
            assertNotNull(socket.awaitEvent(e -> e.path("type").asText().equals("message.updated")
                    && e.path("entry").path("text").asText().equals("Hi Eve, <b>Olga</b> here")
                    && e.path("entry").path("status").asText().equals("sent"), WAIT), "the reply's delivery status");
            assertNotNull(socket.awaitEvent(e -> message(e, "VIP") && e.path("entry").path("direction").asText().equals("internal"),
                    WAIT), "the note");
            assertNotNull(socket.awaitEvent(e -> e.path("type").asText().equals("contact.updated")
                    && e.path("dialog_id").asText().equals(dialogId) && e.path("contact").path("blocked").asBoolean(), WAIT), "the block");
            assertNotNull(socket.awaitEvent(e -> e.path("type").asText().equals("dialog.closed")
                    && e.path("dialog_id").asText().equals(dialogId), WAIT), "the close");
            List<Long> seqs = socket.events(e -> e.path("dialog_id").asText().equals(dialogId)).stream()
                    .map(e -> e.path("seq").asLong()).toList();
            assertEquals(seqs.stream().sorted().toList(), seqs, "one dialog's events arrive in order");
            assertEquals(new HashSet<>(seqs).size(), seqs.size(), "and once");
        }
    }

    static boolean hasChange(JsonNode e, String change) {
        for (JsonNode c : e.path("changes")) if (c.asText().equals(change)) return true;
        return false;
    }

    @Test
    void eventsReachTheEventBusInTheDocumentedShape() throws Exception {
        LocalAws aws = local.aws();
        // a customer's rule on our bus: client messages → their SQS queue (on the emulator's EventBridge and SQS)
        try (EventBridgeClient events = aws.configure(EventBridgeClient.builder(), "EVENTBRIDGE").build();
             SqsClient targetSqs = aws.configure(SqsClient.builder(), "EVENTBRIDGE").build()) {
            String queueUrl = targetSqs.createQueue(b -> b.queueName(Stored.uniquePrefix("crm") + "sync")).queueUrl();
            String queueArn = targetSqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings("QueueArn"))
                    .attributesAsStrings().get("QueueArn");
            String bus = local.realtime().eventBusName();
            events.putRule(b -> b.name("crm-sync").eventBusName(bus)
                    .eventPattern("{\"source\":[\"tgdesk\"],\"detail-type\":[\"message.created\"],\"detail\":{\"entry\":{\"direction\":[\"in\"]}}}"));
            events.putTargets(b -> b.rule("crm-sync").eventBusName(bus).targets(t -> t.id("crm").arn(queueArn)));

            FakeUser fay = user("Fay");
            local.fakeBot().userSends(fay, "Fay for the CRM");
            Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(
                    Files.readString(TemplateResources.locateTemplate().resolveSibling("docs/events.schema.json")), InputFormat.JSON);
            JsonNode[] found = new JsonNode[1];
            Stored.await("the customer's queue got the event", WAIT, () -> {
                for (var m : targetSqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                    JsonNode envelope = Stored.readJson(m.body());
                    if (message(envelope.path("detail"), "Fay for the CRM")) found[0] = envelope;
                }
                return found[0] != null;
            });
            assertEquals("tgdesk", found[0].path("source").asText());
            assertEquals("message.created", found[0].path("detail-type").asText());
            assertEquals(local.botId(), found[0].path("detail").path("bot_id").asText());
            var errors = schema.validate(found[0].path("detail").toString(), InputFormat.JSON);
            assertTrue(errors.isEmpty(), "detail matches docs/events.schema.json: " + errors);
        }
    }
}
