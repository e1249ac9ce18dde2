package dev.tgdesk.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.automation.RunStore;
import dev.tgdesk.domain.DialogKind;
import dev.tgdesk.domain.Json;
import dev.tgdesk.domain.TelegramUser;
import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.scenario.LogLine;
import dev.tgdesk.scenario.RunState;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import static dev.tgdesk.storage.Attrs.key;
import static dev.tgdesk.storage.Attrs.s;
import static dev.tgdesk.storage.Attrs.n;
import static dev.tgdesk.storage.Attrs.str;
import static dev.tgdesk.storage.Attrs.num;
import static dev.tgdesk.storage.Attrs.bool;

/**
 * {@link RunStore} on the single table: one BatchGetItem to read a turn's context (run, dialog, contact,
 * chat, scenario bindings) and one TransactWriteItems to write it.
 */
public final class DynamoRunStore implements RunStore {

    /** Contact fields set by scenarios and operators are stored as {@code cf_<name>} attributes of the contact. */
    public static final String FIELD_PREFIX = "cf_";

    private final DynamoDbClient dynamo;
    private final String table;
    private final ObjectMapper json;

    public DynamoRunStore(DynamoDbClient dynamo, String table, ObjectMapper json) {
        this.dynamo = dynamo;
        this.table = table;
        this.json = json;
    }

    @Override
    public TurnContext load(String botId, String dialogId, long chatId, Long userId) {
        String dialogPk = Keys.dialog(botId, dialogId);
        List<Map<String, AttributeValue>> keys = new ArrayList<>(List.of(
                key(dialogPk, Keys.RUN_SK),
                key(dialogPk, Keys.DIALOG_SK),
                key(Keys.chat(botId, chatId), Keys.CHAT_SK),
                key(Keys.bindings(botId), Keys.BIND_PRIVATE_SK),
                key(Keys.bindings(botId), Keys.chatBinding(chatId))));
        if (userId != null) keys.add(key(Keys.contact(botId, userId), Keys.PROFILE_SK));
        Map<String, Map<String, AttributeValue>> found = BatchReads.get(dynamo, table, keys, true);
        var run = found.get(dialogPk + "|" + Keys.RUN_SK);
        var dialog = found.get(dialogPk + "|" + Keys.DIALOG_SK);
        var chat = found.get(Keys.chat(botId, chatId) + "|" + Keys.CHAT_SK);
        var contact = userId == null ? null : found.get(Keys.contact(botId, userId) + "|" + Keys.PROFILE_SK);
        return new TurnContext(
                run == null ? null : storedRun(run),
                dialog == null ? null : dialog(dialog),
                contact == null ? null : contact(contact),
                chat == null ? null : new ChatSnapshot(num(chat, "seq", 0), num(chat, "version", 0)),
                binding(found.get(Keys.bindings(botId) + "|" + Keys.BIND_PRIVATE_SK)),
                binding(found.get(Keys.bindings(botId) + "|" + Keys.chatBinding(chatId))));
    }

    @Override
    public CommitOutcome commit(TurnCommit c) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().put(runPut(c)).build());
        boolean touchesChat = !c.entries().isEmpty() || c.closeDialog();
        if (touchesChat) writes.add(TransactWriteItem.builder().update(chatUpdate(c)).build());
        if (!c.entries().isEmpty() || c.handoff() != null || c.closeDialog()) {
            writes.add(TransactWriteItem.builder().update(dialogUpdate(c)).build());
        }
        if (!c.contactFields().isEmpty() && c.contactUserId() != null) {
            writes.add(TransactWriteItem.builder().update(contactFields(c)).build());
        }
        for (OutboundEntry e : c.entries()) {
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(OutboundItems.item(e))
                    .conditionExpression("attribute_not_exists(pk)").build()).build());
        }
        if (!c.log().isEmpty()) writes.add(TransactWriteItem.builder().put(logPut(c)).build());
        return Transactions.write(dynamo, writes) ? CommitOutcome.COMMITTED : CommitOutcome.CONFLICT;
    }

    private Put runPut(TurnCommit c) {
        Map<String, AttributeValue> item = new HashMap<>(key(Keys.dialog(c.botId(), c.dialogId()), Keys.RUN_SK));
        item.put("version", n(c.expectedRunVersion() + 1));
        if (c.state() != null) {
            item.put("state", s(Json.write(json, c.state())));
            item.put("scenarioId", s(c.state().scenarioId()));
            item.put("status", s(c.state().status()));
        }
        item.put("recentEvents", AttributeValue.fromL(c.recentEvents().stream().map(Attrs::s).toList()));
        item.put("outbox", s(Json.write(json, c.outbox())));
        item.put("updatedAt", n(c.at()));
        Put.Builder put = Put.builder().tableName(table).item(item);
        if (c.expectedRunVersion() < 0) put.conditionExpression("attribute_not_exists(pk)");
        else put.conditionExpression("#version = :v").expressionAttributeNames(Map.of("#version", "version"))
                .expressionAttributeValues(Map.of(":v", n(c.expectedRunVersion())));
        return put.build();
    }

    private software.amazon.awssdk.services.dynamodb.model.Update chatUpdate(TurnCommit c) {
        Expr e = new Expr();
        e.set("seq", n(c.newChatSeq()));
        e.set("version", n(c.expectedChatVersion() + 1));
        e.set("updatedAt", n(c.at()));
        if (c.closeDialog()) e.remove("activeDialogId");
        e.value(":expectedVersion", n(c.expectedChatVersion()));
        return e.update(table, key(Keys.chat(c.botId(), c.chatId()), Keys.CHAT_SK), "#version = :expectedVersion");
    }

    private software.amazon.awssdk.services.dynamodb.model.Update dialogUpdate(TurnCommit c) {
        Expr e = new Expr();
        if (!c.entries().isEmpty()) {
            OutboundEntry last = c.entries().get(c.entries().size() - 1);
            e.set("lastSeq", n(last.seq()));
            e.set("lastPreview", s(c.entries().get(0).preview()));
            e.set("lastActivityAt", n(c.at()));
        }
        String team = c.dialog().team();
        String manager = c.dialog().assignee();
        if (c.handoff() != null) {
            e.set("handler", s("operator"));
            e.set("handoffAt", n(c.at()));
            if (c.handoff().team() != null) e.set("team", s(team = c.handoff().team()));
            if (c.handoff().manager() != null) e.set("assignee", s(manager = c.handoff().manager()));
        }
        if (c.closeDialog()) {
            e.set("status", s("closed"));
            e.set("closedAt", n(c.at()));
            e.set("closedBy", s("scenario"));
        }
        // every index key follows status, team, manager and activity (DialogIndex keeps them consistent)
        long activity = c.entries().isEmpty() ? c.dialog().lastActivityAt() : c.at();
        DialogIndex.keys(c.botId(), c.dialogId(), c.dialog().kind().key(), c.closeDialog() ? "closed" : "open", team, manager,
                activity, c.dialog().openedAt()).forEach(e::set);
        DialogIndex.removed(team, manager).forEach(e::remove);
        e.value(":open", s("open"));
        return e.update(table, key(Keys.dialog(c.botId(), c.dialogId()), Keys.DIALOG_SK),
                "attribute_exists(pk) AND #status = :open", "#status", "status");
    }

    private software.amazon.awssdk.services.dynamodb.model.Update contactFields(TurnCommit c) {
        Expr e = new Expr();
        c.contactFields().forEach((name, value) -> e.setOrRemove(FIELD_PREFIX + name, value == null || value.isEmpty() ? null : value));
        e.set("fieldsUpdatedAt", n(c.at()));
        return e.update(table, key(Keys.contact(c.botId(), c.contactUserId()), Keys.PROFILE_SK), "attribute_exists(pk)");
    }

    private Put logPut(TurnCommit c) {
        Map<String, AttributeValue> item = new HashMap<>(key(Keys.dialog(c.botId(), c.dialogId()), Keys.runLog(c.at(), 0)));
        item.put("type", s("runlog"));
        item.put("at", n(c.at()));
        item.put("eventId", s(c.eventId()));
        if (c.state() != null) item.put("scenario", s(c.state().scenarioId() + "@" + c.state().version()));
        List<AttributeValue> lines = new ArrayList<>();
        for (LogLine line : c.log()) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            m.put("level", s(line.level()));
            if (line.nodeId() != null) m.put("node", s(line.nodeId()));
            m.put("text", s(line.text()));
            lines.add(AttributeValue.fromM(m));
        }
        item.put("lines", AttributeValue.fromL(lines));
        // the same turn may be retried after a conflict; a second write of its log line is harmless
        return Put.builder().tableName(table).item(item).build();
    }

    // ---- mapping ----------------------------------------------------------------------------------------

    private StoredRun storedRun(Map<String, AttributeValue> item) {
        try {
            RunState state = item.containsKey("state") ? json.readValue(item.get("state").s(), RunState.class) : null;
            Outbox outbox = item.containsKey("outbox") ? json.readValue(item.get("outbox").s(), Outbox.class) : null;
            List<String> recent = item.containsKey("recentEvents") ? item.get("recentEvents").l().stream().map(AttributeValue::s).toList() : List.of();
            return new StoredRun(state, num(item, "version", 0), recent, outbox);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored scenario run is unreadable", e);
        }
    }

    private static DialogSnapshot dialog(Map<String, AttributeValue> item) {
        return new DialogSnapshot(item.get("dialogId").s(), num(item, "chatId", 0), DialogKind.fromKey(item.get("kind").s()),
                str(item, "status"), item.containsKey("handler") ? item.get("handler").s() : "bot", num(item, "firstSeq", 0),
                item.containsKey("contactUserId") ? num(item, "contactUserId", 0) : null,
                str(item, "team"), str(item, "assignee"), num(item, "openedAt", 0), num(item, "lastActivityAt", 0));
    }

    private static ContactSnapshot contact(Map<String, AttributeValue> item) {
        TelegramUser profile = new TelegramUser(num(item, "userId", 0), bool(item, "isBot"), str(item, "firstName"),
                str(item, "lastName"), str(item, "username"), str(item, "languageCode"));
        Map<String, String> fields = new LinkedHashMap<>();
        item.forEach((name, value) -> {
            if (name.startsWith(FIELD_PREFIX) && value.s() != null) fields.put(name.substring(FIELD_PREFIX.length()), value.s());
        });
        return new ContactSnapshot(profile, fields, bool(item, "blocked"));
    }

    private static Binding binding(Map<String, AttributeValue> item) {
        if (item == null || !item.containsKey("scenarioId")) return null;
        return new Binding(item.get("scenarioId").s(), (int) num(item, "version", 0));
    }






}
