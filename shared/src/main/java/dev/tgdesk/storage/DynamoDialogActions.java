package dev.tgdesk.storage;

import dev.tgdesk.operator.actions.ActionsStore;
import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.outbound.UploadedFile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

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
 * {@link ActionsStore} on the single table. Reads: the dialog (GetItem), then chat + contact + client-id marker
 * (one BatchGetItem). Writes: one TransactWriteItems per action — entries (new items), the chat (seq, version;
 * conditional on the version read), the dialog (conditional on the status, team and manager read; index keys from
 * {@link DialogIndex}), optionally the contact (block flag) and the marker {@code CID#{clientId}} (new item).
 *
 * <pre>
 * B#{bot}#DLG#{id}  CID#{clientId}   chatId, seqs (the entries a send wrote), at, ttl (+30 days)
 * B#{bot}#DLG#{id}  MSG#{seq}        type note|event, direction internal, author operator, authorRef, preview, data
 *                                    outgoing entries also: uploadKey/uploadName/uploadMime/uploadSize for uploads
 * </pre>
 */
public final class DynamoDialogActions implements ActionsStore {

    static final String CLIENT_ID_PREFIX = "CID#";
    static final long MARKER_TTL_SECONDS = 30L * 24 * 3600;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDialogActions(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    // ================================================================ reads

    @Override
    public DialogState dialog(String botId, String dialogId) {
        var item = dynamo.getItem(g -> g.tableName(table).key(key(Keys.dialog(botId, dialogId), Keys.DIALOG_SK))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) return null;
        return new DialogState(str(item, "dialogId"), num(item, "chatId", 0), str(item, "kind"), str(item, "status"),
                item.containsKey("handler") ? str(item, "handler") : "bot", str(item, "team"), str(item, "assignee"),
                item.containsKey("contactUserId") ? num(item, "contactUserId", 0) : null, str(item, "title"),
                num(item, "openedAt", 0), num(item, "lastActivityAt", 0));
    }

    @Override
    public Context context(String botId, DialogState dialog, String clientId) {
        String chatPk = Keys.chat(botId, dialog.chatId());
        String contactPk = dialog.contactUserId() == null ? null : Keys.contact(botId, dialog.contactUserId());
        String dialogPk = Keys.dialog(botId, dialog.dialogId());
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        keys.add(key(chatPk, Keys.CHAT_SK));
        if (contactPk != null) keys.add(key(contactPk, Keys.PROFILE_SK));
        if (clientId != null) keys.add(key(dialogPk, CLIENT_ID_PREFIX + clientId));
        Map<String, Map<String, AttributeValue>> found = BatchReads.get(dynamo, table, keys, true);
        var chat = found.get(chatPk + "|" + Keys.CHAT_SK);
        var contact = contactPk == null ? null : found.get(contactPk + "|" + Keys.PROFILE_SK);
        var marker = clientId == null ? null : found.get(dialogPk + "|" + CLIENT_ID_PREFIX + clientId);
        return new Context(chat == null ? 0 : num(chat, "seq", 0), chat == null ? -1 : num(chat, "version", 0),
                chat == null ? null : str(chat, "botStatus"), contact == null ? null : contact(contact),
                marker == null ? null : new ClientMarker(str(marker, "chatId"),
                        marker.get("seqs").l().stream().map(v -> Long.parseLong(v.n())).toList()));
    }

    private static Contact contact(Map<String, AttributeValue> item) {
        Map<String, String> fields = new LinkedHashMap<>();
        item.forEach((name, value) -> {
            if (name.startsWith(DynamoRunStore.FIELD_PREFIX) && value.s() != null) {
                fields.put(name.substring(DynamoRunStore.FIELD_PREFIX.length()), value.s());
            }
        });
        return new Contact(num(item, "userId", 0), str(item, "firstName"), str(item, "lastName"), str(item, "username"),
                str(item, "languageCode"), bool(item, "blocked"), bool(item, "botBlocked"), fields);
    }

    @Override
    public List<StoredEntry> fileEntries(String botId, String dialogId) {
        List<StoredEntry> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(q -> q.tableName(table)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :msg)")
                    .filterExpression("contains(#data, :media)")
                    .projectionExpression("#sk, #seq, #type, #direction, #at, #data, uploadKey, uploadName, uploadMime, uploadSize")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK, "#seq", "seq", "#type", "type",
                            "#direction", "direction", "#at", "at", "#data", "data"))
                    .expressionAttributeValues(Map.of(":pk", s(Keys.dialog(botId, dialogId)), ":msg", s("MSG#"),
                            ":media", s("\"media\"")))
                    .exclusiveStartKey(from));
            for (var item : page.items()) out.add(stored(item));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    @Override
    public StoredEntry entry(String botId, String dialogId, long seq) {
        var item = dynamo.getItem(g -> g.tableName(table).key(key(Keys.dialog(botId, dialogId), Keys.entry(seq)))).item();
        return item == null || item.isEmpty() ? null : stored(item);
    }

    private static StoredEntry stored(Map<String, AttributeValue> item) {
        return new StoredEntry(Keys.entrySeq(item.get(Keys.SK).s()), str(item, "type"), str(item, "direction"),
                num(item, "at", 0), str(item, "data"), str(item, "uploadKey"), str(item, "uploadName"),
                str(item, "uploadMime"), item.containsKey("uploadSize") ? num(item, "uploadSize", 0) : null);
    }

    // ================================================================ writes

    @Override
    public Outcome commit(Commit c) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().update(chatUpdate(c)).build());
        writes.add(TransactWriteItem.builder().update(dialogUpdate(c)).build());
        for (OutboundEntry e : c.sends()) {
            Map<String, AttributeValue> item = new HashMap<>(OutboundItems.item(e));
            UploadedFile upload = UploadedFile.of(e.call().params());
            if (upload != null) {
                item.put("uploadKey", s(upload.key()));
                item.put("uploadName", s(upload.fileName()));
                item.put("uploadMime", s(upload.mimeType()));
                item.put("uploadSize", n(upload.size()));
            }
            writes.add(TransactWriteItem.builder().put(newItem(item)).build());
        }
        for (InternalEntry e : c.entries()) writes.add(TransactWriteItem.builder().put(newItem(internal(c, e))).build());
        if (c.contact() != null) writes.add(TransactWriteItem.builder().update(contactUpdate(c)).build());
        if (c.clientId() != null) writes.add(TransactWriteItem.builder().put(newItem(marker(c))).build());
        return Transactions.write(dynamo, writes) ? Outcome.COMMITTED : Outcome.CONFLICT;
    }

    private Update chatUpdate(Commit c) {
        Expr e = new Expr();
        e.set("seq", n(c.lastSeq()));
        e.set("version", n(c.expectedChatVersion() + 1));
        e.set("updatedAt", n(c.at()));
        e.value(":expectedVersion", n(c.expectedChatVersion()));
        return e.update(table, key(Keys.chat(c.botId(), c.dialog().chatId()), Keys.CHAT_SK), "#version = :expectedVersion");
    }

    private Update dialogUpdate(Commit c) {
        DialogState d = c.dialog();
        Expr e = new Expr();
        e.set("lastSeq", n(c.lastSeq()));
        long activity = d.lastActivityAt();
        if (!c.sends().isEmpty()) {
            activity = c.at();
            e.set("lastPreview", s(c.sends().get(0).preview()));
            e.set("lastActivityAt", n(activity));
        }
        DialogChange change = c.change();
        if (change.handler() != null) {
            e.set("handler", s(change.handler()));
            e.set("operator".equals(change.handler()) ? "handoffAt" : "givenBackAt", n(c.at()));
        }
        String team = change.assign() ? change.team() : d.team();
        String manager = change.assign() ? change.assignee() : d.assignee();
        if (change.assign()) {
            e.setOrRemove("team", team);
            e.setOrRemove("assignee", manager);
            e.set("assignedAt", n(c.at()));
        }
        if (change.assign() || !c.sends().isEmpty()) {
            DialogIndex.keys(c.botId(), d.dialogId(), d.kind(), d.status(), team, manager, activity, d.openedAt()).forEach(e::set);
            DialogIndex.removed(team, manager).forEach(e::remove);
        }
        // decided on this status, team and manager: anything else changed them meanwhile (a conflict, re-decided)
        StringBuilder condition = new StringBuilder("attribute_exists(pk) AND #status = :expStatus");
        e.value(":expStatus", s(d.status()));
        condition.append(d.team() == null ? " AND attribute_not_exists(#team)" : " AND #team = :expTeam");
        if (d.team() != null) e.value(":expTeam", s(d.team()));
        condition.append(d.assignee() == null ? " AND attribute_not_exists(#assignee)" : " AND #assignee = :expAssignee");
        if (d.assignee() != null) e.value(":expAssignee", s(d.assignee()));
        return e.update(table, key(Keys.dialog(c.botId(), d.dialogId()), Keys.DIALOG_SK), condition.toString(),
                "#status", "status", "#team", "team", "#assignee", "assignee");
    }

    private Update contactUpdate(Commit c) {
        Expr e = new Expr();
        e.set("blocked", AttributeValue.fromBool(c.contact().blocked()));
        e.set(c.contact().blocked() ? "blockedAt" : "unblockedAt", n(c.at()));
        e.set(c.contact().blocked() ? "blockedBy" : "unblockedBy", s(c.contact().by()));
        return e.update(table, key(Keys.contact(c.botId(), c.contact().userId()), Keys.PROFILE_SK), "attribute_exists(pk)");
    }

    private Map<String, AttributeValue> internal(Commit c, InternalEntry e) {
        Map<String, AttributeValue> item = new HashMap<>(key(Keys.dialog(c.botId(), c.dialog().dialogId()), Keys.entry(e.seq())));
        item.put("seq", n(e.seq()));
        item.put("type", s(e.type()));
        item.put("direction", s("internal"));
        item.put("author", s(e.author()));
        if (e.authorRef() != null) item.put("authorRef", s(e.authorRef()));
        item.put("at", n(c.at()));
        item.put("preview", s(e.preview()));
        item.put("data", s(e.dataJson()));
        return item;
    }

    private Map<String, AttributeValue> marker(Commit c) {
        Map<String, AttributeValue> item = new HashMap<>(key(Keys.dialog(c.botId(), c.dialog().dialogId()), CLIENT_ID_PREFIX + c.clientId()));
        item.put("chatId", s(Long.toString(c.dialog().chatId())));
        item.put("seqs", AttributeValue.fromL(c.sends().stream().map(x -> n(x.seq())).toList()));
        item.put("at", n(c.at()));
        item.put("ttl", n(c.at() / 1000 + MARKER_TTL_SECONDS));
        return item;
    }

    private Put newItem(Map<String, AttributeValue> item) {
        return Put.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(pk)").build();
    }

    @Override
    public void setContactFields(String botId, long userId, Map<String, String> values, long at) {
        Expr e = new Expr();
        values.forEach((name, value) -> e.setOrRemove(DynamoRunStore.FIELD_PREFIX + name, value));
        e.set("fieldsUpdatedAt", n(at));
        Update u = e.update(table, key(Keys.contact(botId, userId), Keys.PROFILE_SK), "attribute_exists(pk)");
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(u.key()).updateExpression(u.updateExpression())
                    .conditionExpression(u.conditionExpression()).expressionAttributeNames(u.expressionAttributeNames())
                    .expressionAttributeValues(u.hasExpressionAttributeValues() ? u.expressionAttributeValues() : null).build());
        } catch (ConditionalCheckFailedException noContact) {
            throw new IllegalStateException("contact " + userId + " is not stored");
        }
    }

    // ================================================================ mapping






}
