package dev.tgdesk.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.operator.lifecycle.CloseContext;
import dev.tgdesk.operator.lifecycle.DialogState;
import dev.tgdesk.operator.lifecycle.LifecycleStore;
import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.scenario.RunState;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import static dev.tgdesk.storage.Attrs.key;
import static dev.tgdesk.storage.Attrs.s;
import static dev.tgdesk.storage.Attrs.n;
import static dev.tgdesk.storage.Attrs.str;
import static dev.tgdesk.storage.Attrs.num;
import static dev.tgdesk.storage.Attrs.bool;

/**
 * {@link LifecycleStore} on the single table. A close or reopen is one TransactWriteItems: the dialog (conditional
 * on its status, last activity, chat, team and manager as read; index keys from {@link DialogIndex}), the chat
 * (conditional on its version, which it bumps), the run item (conditional on its version), the history entries.
 * Idle dialogs are found with a Query of the ByStatus index (never a Scan).
 */
public final class DynamoDialogLifecycle implements LifecycleStore {

    /** BatchGetItem takes at most 100 keys. */

    private final DynamoDbClient dynamo;
    private final String table;
    private final ObjectMapper json;

    public DynamoDialogLifecycle(DynamoDbClient dynamo, String table, ObjectMapper json) {
        this.dynamo = dynamo;
        this.table = table;
        this.json = json;
    }

    public DynamoDialogLifecycle(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Json.mapper());
    }

    // ---- reads ----------------------------------------------------------------------------------------

    @Override
    public Optional<CloseContext> load(String botId, String dialogId) {
        var item = dynamo.getItem(b -> b.tableName(table).key(key(Keys.dialog(botId, dialogId), Keys.DIALOG_SK))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty() || !item.containsKey("status")) return Optional.empty();
        return Optional.of(loadAll(List.of(dialog(botId, item))).get(0));
    }

    @Override
    public List<CloseContext> loadAll(List<DialogState> dialogs) {
        Set<Map<String, AttributeValue>> keys = new LinkedHashSet<>();
        for (DialogState d : dialogs) {
            keys.add(key(Keys.chat(d.botId(), d.chatId()), Keys.CHAT_SK));
            keys.add(key(Keys.dialog(d.botId(), d.dialogId()), Keys.RUN_SK));
            if (d.isPrivate() && d.contactUserId() != null) keys.add(key(Keys.contact(d.botId(), d.contactUserId()), Keys.PROFILE_SK));
        }
        Map<String, Map<String, AttributeValue>> found = batchGet(new ArrayList<>(keys));
        List<CloseContext> out = new ArrayList<>(dialogs.size());
        for (DialogState d : dialogs) {
            var chat = found.get(Keys.chat(d.botId(), d.chatId()) + "|" + Keys.CHAT_SK);
            var run = found.get(Keys.dialog(d.botId(), d.dialogId()) + "|" + Keys.RUN_SK);
            var contact = d.contactUserId() == null ? null : found.get(Keys.contact(d.botId(), d.contactUserId()) + "|" + Keys.PROFILE_SK);
            out.add(new CloseContext(d,
                    chat == null ? null : new CloseContext.Chat(num(chat, "seq", 0), num(chat, "version", 0),
                            str(chat, "activeDialogId"), chat.containsKey("migratedToChatId") ? num(chat, "migratedToChatId", 0) : null),
                    contact == null ? null : new CloseContext.Contact(bool(contact, "blocked"), bool(contact, "botBlocked")),
                    run == null ? null : new CloseContext.Run(num(run, "version", 0), runState(run))));
        }
        return out;
    }

    private Map<String, Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        return BatchReads.get(dynamo, table, keys, true);
    }

    @Override
    public IdlePage idle(String botId, String kind, long cutoffMillis, String cursor, int limit) {
        Map<String, AttributeValue> values = Map.of(
                ":pk", s(Keys.statusPartition(botId, kind, DialogState.OPEN)),
                ":cut", s(String.format("%013d", cutoffMillis)));
        QueryResponse response = dynamo.query(q -> {
            q.tableName(table).indexName(Keys.BY_STATUS_INDEX)
                    .keyConditionExpression("gsi1pk = :pk AND gsi1sk < :cut")
                    .expressionAttributeValues(values)
                    .scanIndexForward(true)
                    .limit(limit);
            if (cursor != null) q.exclusiveStartKey(decodeCursor(cursor));
        });
        List<DialogState> dialogs = new ArrayList<>();
        for (var item : response.items()) {
            if (item.containsKey("dialogId") && item.containsKey("status")) dialogs.add(dialog(botId, item));
        }
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? encodeCursor(response.lastEvaluatedKey()) : null;
        return new IdlePage(dialogs, next);
    }

    private static String encodeCursor(Map<String, AttributeValue> key) {
        return String.join("\n", key.get(Keys.PK).s(), key.get(Keys.SK).s(), key.get("gsi1pk").s(), key.get("gsi1sk").s());
    }

    private static Map<String, AttributeValue> decodeCursor(String cursor) {
        String[] p = cursor.split("\n", -1);
        return Map.of(Keys.PK, s(p[0]), Keys.SK, s(p[1]), "gsi1pk", s(p[2]), "gsi1sk", s(p[3]));
    }

    // ---- writes ---------------------------------------------------------------------------------------

    @Override
    public Outcome close(CloseWrite w) {
        DialogState d = w.before().dialog();
        List<TransactWriteItem> writes = new ArrayList<>();

        Expr e = new Expr();
        e.set("status", s(DialogState.CLOSED));
        e.set("closedAt", n(w.at()));
        e.set("closedBy", s(w.by()));
        if (w.before().chat() != null) e.set("lastSeq", n(w.newChatSeq()));
        DialogIndex.keys(d.botId(), d.dialogId(), d.kind(), DialogState.CLOSED, d.team(), d.assignee(), d.lastActivityAt(),
                d.openedAt()).forEach(e::set);
        DialogIndex.removed(d.team(), d.assignee()).forEach(e::remove);
        e.value(":open", s(DialogState.OPEN));
        String condition = "#status = :open" + seenCondition(e, d);
        if (w.cutoff() != null) {
            e.value(":cutoff", n(w.cutoff()));
            condition += " AND #lastActivityAt < :cutoff";
        }
        writes.add(TransactWriteItem.builder().update(e.update(table, key(Keys.dialog(d.botId(), d.dialogId()), Keys.DIALOG_SK),
                condition)).build());

        CloseContext.Chat chat = w.before().chat();
        if (chat != null) {
            Expr c = new Expr();
            c.set("seq", n(w.newChatSeq()));
            c.set("version", n(chat.version() + 1));
            c.set("updatedAt", n(w.at()));
            c.value(":expectedVersion", n(chat.version()));
            String chatCondition = "#version = :expectedVersion";
            if (w.removeActive()) {
                c.remove("activeDialogId");
                c.value(":dialogId", s(d.dialogId()));
                chatCondition += " AND #activeDialogId = :dialogId";
            }
            writes.add(TransactWriteItem.builder().update(c.update(table, key(Keys.chat(d.botId(), d.chatId()), Keys.CHAT_SK),
                    chatCondition)).build());
        }

        CloseContext.Run run = w.before().run();
        if (w.endedRun() != null && run != null) {
            Expr r = new Expr();
            r.set("state", s(Json.write(json, w.endedRun())));
            r.set("status", s(RunState.FINISHED));
            r.set("version", n(run.version() + 1));
            r.set("updatedAt", n(w.at()));
            r.set("endedAt", n(w.at()));
            r.set("endedBy", s(w.by()));
            r.value(":expectedVersion", n(run.version()));
            writes.add(TransactWriteItem.builder().update(r.update(table, key(Keys.dialog(d.botId(), d.dialogId()), Keys.RUN_SK),
                    "#version = :expectedVersion")).build());
        }

        for (OutboundEntry m : w.messages()) {
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(OutboundItems.item(m))
                    .conditionExpression("attribute_not_exists(pk)").build()).build());
        }
        if (w.event() != null) writes.add(TransactWriteItem.builder().put(eventPut(d, w.event())).build());
        return transact(writes);
    }

    @Override
    public Outcome reopen(ReopenWrite w) {
        DialogState d = w.before().dialog();
        CloseContext.Chat chat = w.before().chat();
        List<TransactWriteItem> writes = new ArrayList<>();

        Expr e = new Expr();
        e.set("status", s(DialogState.OPEN));
        e.set("reopenedAt", n(w.at()));
        e.set("reopenedBy", s(w.by()));
        e.set("lastActivityAt", n(w.at()));
        e.set("lastSeq", n(w.newChatSeq()));
        e.remove("closedAt");
        e.remove("closedBy");
        DialogIndex.keys(d.botId(), d.dialogId(), d.kind(), DialogState.OPEN, d.team(), d.assignee(), w.at(), d.openedAt())
                .forEach(e::set);
        DialogIndex.removed(d.team(), d.assignee()).forEach(e::remove);
        e.value(":closed", s(DialogState.CLOSED));
        writes.add(TransactWriteItem.builder().update(e.update(table, key(Keys.dialog(d.botId(), d.dialogId()), Keys.DIALOG_SK),
                "#status = :closed" + seenCondition(e, d))).build());

        Expr c = new Expr();
        c.set("activeDialogId", s(d.dialogId()));
        c.set("seq", n(w.newChatSeq()));
        c.set("version", n(chat.version() + 1));
        c.set("updatedAt", n(w.at()));
        c.value(":expectedVersion", n(chat.version()));
        c.name("#migratedToChatId", "migratedToChatId");
        writes.add(TransactWriteItem.builder().update(c.update(table, key(Keys.chat(d.botId(), d.chatId()), Keys.CHAT_SK),
                "#version = :expectedVersion AND attribute_not_exists(#migratedToChatId)"
                        + " AND (attribute_not_exists(#activeDialogId) OR #activeDialogId = :activeDialogId)")).build());

        writes.add(TransactWriteItem.builder().put(eventPut(d, w.event())).build());
        return transact(writes);
    }

    /**
     * The dialog is still as read: same last activity (index sort keys stay exact), chat, team and manager (index
     * partitions stay exact). Registers its names and values on {@code e}.
     */
    private static String seenCondition(Expr e, DialogState d) {
        e.name("#lastActivityAt", "lastActivityAt");
        e.name("#chatId", "chatId");
        e.name("#status", "status");
        e.value(":seenActivity", n(d.lastActivityAt()));
        e.value(":seenChat", n(d.chatId()));
        StringBuilder c = new StringBuilder(" AND #lastActivityAt = :seenActivity AND #chatId = :seenChat");
        c.append(" AND ").append(same(e, "team", d.team()));
        c.append(" AND ").append(same(e, "assignee", d.assignee()));
        return c.toString();
    }

    private static String same(Expr e, String attribute, String value) {
        e.name("#seen_" + attribute, attribute);
        if (value == null) return "attribute_not_exists(#seen_" + attribute + ")";
        e.value(":seen_" + attribute, s(value));
        return "#seen_" + attribute + " = :seen_" + attribute;
    }

    private Put eventPut(DialogState d, EventEntry event) {
        Map<String, AttributeValue> item = new HashMap<>(key(Keys.dialog(d.botId(), d.dialogId()), Keys.entry(event.seq())));
        item.put("seq", n(event.seq()));
        item.put("type", s("event"));
        item.put("direction", s("system"));
        item.put("event", s(event.event()));
        item.put("by", s(event.by()));
        item.put("at", n(event.at()));
        item.put("preview", s(event.text()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event", event.event());
        Map<String, Object> by = new LinkedHashMap<>();
        by.put("id", event.by());
        if (event.byName() != null) by.put("name", event.byName());
        data.put("by", by);
        data.put("text", event.text());
        item.put("data", s(Json.write(json, data)));
        return Put.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(pk)").build();
    }

    private Outcome transact(List<TransactWriteItem> writes) {
        return Transactions.write(dynamo, writes) ? Outcome.DONE : Outcome.CONFLICT;
    }

    // ---- mapping ----------------------------------------------------------------------------------------

    private static DialogState dialog(String botId, Map<String, AttributeValue> item) {
        return new DialogState(botId, item.get("dialogId").s(), num(item, "chatId", 0), str(item, "kind"),
                item.containsKey("contactUserId") ? num(item, "contactUserId", 0) : null, str(item, "status"),
                str(item, "team"), str(item, "assignee"), str(item, "handler"), num(item, "openedAt", 0),
                num(item, "lastActivityAt", 0), num(item, "lastSeq", 0),
                item.containsKey("closedAt") ? num(item, "closedAt", 0) : null, str(item, "closedBy"));
    }

    private RunState runState(Map<String, AttributeValue> item) {
        if (!item.containsKey("state")) return null;
        try {
            return json.readValue(item.get("state").s(), RunState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored scenario run is unreadable", e);
        }
    }






}
