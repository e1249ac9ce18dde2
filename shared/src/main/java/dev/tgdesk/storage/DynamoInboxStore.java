package dev.tgdesk.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.DialogKind;
import dev.tgdesk.domain.Json;
import dev.tgdesk.domain.TelegramChat;
import dev.tgdesk.domain.TelegramUser;
import dev.tgdesk.inbox.ChatState;
import dev.tgdesk.inbox.ContactState;
import dev.tgdesk.inbox.InboundEnvelope;
import dev.tgdesk.inbox.InboxStore;
import dev.tgdesk.inbox.IngestPlan;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import static dev.tgdesk.storage.Attrs.key;
import static dev.tgdesk.storage.Attrs.s;
import static dev.tgdesk.storage.Attrs.n;
import static dev.tgdesk.storage.Attrs.str;
import static dev.tgdesk.storage.Attrs.num;
import static dev.tgdesk.storage.Attrs.bool;

/** {@link InboxStore} on one DynamoDB table (layout in {@link Keys}). A plan is one TransactWriteItems call. */
public final class DynamoInboxStore implements InboxStore {

    /** Update markers outlive Telegram's redelivery window (24 h) and its week-long update_id memory. */
    static final Duration UPDATE_MARKER_TTL = Duration.ofDays(8);
    /** DynamoDB items are at most 400 KB; raw unsupported updates above this many UTF-8 bytes are cut (and say so). */
    static final int MAX_RAW_BYTES = 300_000;

    private final DynamoDbClient dynamo;
    private final String table;
    private final ObjectMapper json;

    public DynamoInboxStore(DynamoDbClient dynamo, String table, ObjectMapper json) {
        this.dynamo = dynamo;
        this.table = table;
        this.json = json;
    }

    // ---- reads ----------------------------------------------------------------------------------------

    @Override
    public Snapshot load(String botId, long chatId, Long userId) {
        Map<String, AttributeValue> chatKey = key(Keys.chat(botId, chatId), Keys.CHAT_SK);
        if (userId == null) return new Snapshot(chat(botId, chatId), Optional.empty());
        Map<String, AttributeValue> contactKey = key(Keys.contact(botId, userId), Keys.PROFILE_SK);
        var found = BatchReads.get(dynamo, table, List.of(chatKey, contactKey), true);
        return snapshot(List.copyOf(found.values()), botId, chatId, userId);
    }

    private Snapshot snapshot(List<Map<String, AttributeValue>> items, String botId, long chatId, Long userId) {
        Optional<ChatState> chat = Optional.empty();
        Optional<ContactState> contact = Optional.empty();
        for (Map<String, AttributeValue> item : items) {
            String pk = item.get(Keys.PK).s();
            if (pk.equals(Keys.chat(botId, chatId))) chat = Optional.of(chatState(item));
            else if (userId != null && pk.equals(Keys.contact(botId, userId))) contact = Optional.of(contactState(item));
        }
        return new Snapshot(chat, contact);
    }

    @Override
    public Optional<ChatState> chat(String botId, long chatId) {
        var item = dynamo.getItem(b -> b.tableName(table).key(key(Keys.chat(botId, chatId), Keys.CHAT_SK)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(chatState(item));
    }

    @Override
    public Optional<Long> findByTelegramMessageId(String botId, String dialogId, long telegramMessageId) {
        var items = dynamo.query(q -> q.tableName(table).indexName(Keys.BY_TELEGRAM_ID_INDEX)
                .keyConditionExpression("pk = :pk AND tgid = :tg")
                .expressionAttributeValues(Map.of(":pk", s(Keys.dialog(botId, dialogId)), ":tg", s(Keys.telegramId(telegramMessageId))))
                .limit(1)).items();
        return items.isEmpty() ? Optional.empty() : Optional.of(Keys.entrySeq(items.get(0).get(Keys.SK).s()));
    }

    @Override
    public Optional<InboundEnvelope> recordedEnvelope(String botId, long updateId) {
        var item = dynamo.getItem(b -> b.tableName(table).key(key(Keys.update(botId, updateId), Keys.UPDATE_SK)).consistentRead(true)).item();
        if (item == null || !item.containsKey("envelope")) return Optional.empty();
        try {
            return Optional.of(json.readValue(item.get("envelope").s(), InboundEnvelope.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored envelope of update " + updateId + " is unreadable", e);
        }
    }

    // ---- writes ---------------------------------------------------------------------------------------

    @Override
    public void recordUnsupported(String botId, long updateId, String kind, String reason, String rawJson, long receivedAt) {
        Map<String, AttributeValue> item = new HashMap<>(key(Keys.update(botId, updateId), Keys.UPDATE_SK));
        item.put("outcome", s("unsupported"));
        item.put("kind", s(kind));
        item.put("reason", s(reason));
        String raw = utf8Prefix(rawJson, MAX_RAW_BYTES);
        boolean cut = raw.length() < rawJson.length();
        item.put("raw", s(raw));
        if (cut) item.put("rawTruncated", AttributeValue.fromBool(true));
        item.put("receivedAt", n(receivedAt));
        item.put("ttl", n(receivedAt / 1000 + UPDATE_MARKER_TTL.toSeconds()));
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
        } catch (ConditionalCheckFailedException alreadyRecorded) {
            // a redelivery of an update we already kept: nothing to do
        }
    }

    @Override
    public CommitOutcome commit(IngestPlan plan) {
        List<TransactWriteItem> writes = new ArrayList<>();
        List<CommitOutcome> onConflict = new ArrayList<>();

        writes.add(TransactWriteItem.builder().put(updateMarker(plan)).build());
        onConflict.add(CommitOutcome.DUPLICATE);
        writes.add(TransactWriteItem.builder().update(chatUpdate(plan)).build());
        onConflict.add(CommitOutcome.CHAT_CHANGED);
        if (plan.contact() != null) {
            writes.add(TransactWriteItem.builder().update(contactUpdate(plan)).build());
            onConflict.add(CommitOutcome.CONTACT_BLOCKED);
        }
        if (plan.dialog() != null) {
            writes.add(plan.dialog().create()
                    ? TransactWriteItem.builder().put(dialogPut(plan)).build()
                    : TransactWriteItem.builder().update(dialogTouch(plan)).build());
            onConflict.add(CommitOutcome.CHAT_CHANGED);
        }
        if (plan.entry() != null) {
            writes.add(TransactWriteItem.builder().put(entryPut(plan)).build());
            onConflict.add(CommitOutcome.CHAT_CHANGED);
        }
        if (plan.edit() != null) {
            writes.add(TransactWriteItem.builder().update(entryEdit(plan)).build());
            onConflict.add(CommitOutcome.CHAT_CHANGED);
        }
        if (plan.move() != null) {
            writes.add(TransactWriteItem.builder().update(otherChatUpdate(plan)).build());
            onConflict.add(CommitOutcome.CHAT_CHANGED);
        }
        try {
            dynamo.transactWriteItems(b -> b.transactItems(writes));
            return CommitOutcome.COMMITTED;
        } catch (TransactionCanceledException e) {
            return outcomeOf(e, onConflict, plan);
        }
    }

    /** Maps the per-item cancellation reasons to what the caller does next. A duplicate wins over all else. */
    private CommitOutcome outcomeOf(TransactionCanceledException e, List<CommitOutcome> onConflict, IngestPlan plan) {
        List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        CommitOutcome outcome = null;
        for (int i = 0; i < reasons.size() && i < onConflict.size(); i++) {
            String code = reasons.get(i).code();
            if (code == null || code.equals("None")) continue;
            if (!code.equals("ConditionalCheckFailed") && !code.equals("TransactionConflict")) throw e;
            CommitOutcome candidate = code.equals("TransactionConflict") ? CommitOutcome.CHAT_CHANGED : onConflict.get(i);
            if (candidate == CommitOutcome.DUPLICATE) return candidate;
            if (outcome == null || candidate == CommitOutcome.CONTACT_BLOCKED) outcome = candidate;
        }
        if (outcome != null) return outcome;
        // No usable reasons: decide from the marker itself.
        var marker = dynamo.getItem(b -> b.tableName(table).key(key(Keys.update(plan.botId(), plan.updateId()), Keys.UPDATE_SK))
                .consistentRead(true)).item();
        return marker != null && !marker.isEmpty() ? CommitOutcome.DUPLICATE : CommitOutcome.CHAT_CHANGED;
    }

    private Put updateMarker(IngestPlan plan) {
        Map<String, AttributeValue> item = new HashMap<>(key(Keys.update(plan.botId(), plan.updateId()), Keys.UPDATE_SK));
        item.put("outcome", s("stored"));
        item.put("kind", s(plan.envelope().update().kind()));
        item.put("envelope", s(toJson(plan.envelope())));
        item.put("receivedAt", n(plan.receivedAt()));
        item.put("ttl", n(plan.receivedAt() / 1000 + UPDATE_MARKER_TTL.toSeconds()));
        return Put.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(pk)").build();
    }

    private Update chatUpdate(IngestPlan plan) {
        IngestPlan.ChatWrite c = plan.chat();
        TelegramChat chat = c.chat();
        Expr e = new Expr();
        e.set("chatId", n(chat.id()));
        e.set("kind", s(chat.dialogKind().key()));
        e.set("chatType", s(chat.type().name().toLowerCase()));
        e.setOrRemove("title", chat.title());
        e.setOrRemove("username", chat.username());
        e.setOrRemove("firstName", chat.firstName());
        e.setOrRemove("lastName", chat.lastName());
        e.set("seq", n(c.seq()));
        e.set("version", n(c.expectedVersion() + 1));
        e.set("updatedAt", n(plan.receivedAt()));
        e.setOrRemove("activeDialogId", c.activeDialogId());
        if (c.lastDialogId() != null) e.set("lastDialogId", s(c.lastDialogId()));
        if (c.botStatus() != null) e.set("botStatus", s(c.botStatus()));
        if (c.migratedToChatId() != null) e.set("migratedToChatId", n(c.migratedToChatId()));
        if (chat.dialogKind() != DialogKind.PRIVATE) {
            boolean gone = c.migratedToChatId() != null || GroupIndex.botGone(c.botStatus());
            if (gone) {
                e.remove("gsi1pk");
                e.remove("gsi1sk");
            } else {
                e.set("gsi1pk", s(GroupIndex.partition(plan.botId())));
                e.set("gsi1sk", s(GroupIndex.sort(chat.title(), chat.id())));
            }
        }
        return e.update(table, key(Keys.chat(plan.botId(), chat.id()), Keys.CHAT_SK), versionCondition(e, c.expectedVersion()));
    }

    private Update otherChatUpdate(IngestPlan plan) {
        IngestPlan.ChatMove m = plan.move();
        Expr e = new Expr();
        e.set("chatId", n(m.otherChatId()));
        e.set("version", n(m.expectedVersion() + 1));
        e.set("updatedAt", n(plan.receivedAt()));
        if (m.adoptDialogId() != null) {
            e.set("kind", s(DialogKind.GROUP.key()));
            e.set("chatType", s("supergroup"));
            e.set("activeDialogId", s(m.adoptDialogId()));
            e.set("lastDialogId", s(m.adoptDialogId()));
            e.set("seq", n(m.adoptSeq()));
            // the new supergroup is listed under the old group's title until its own updates bring its title
            String title = plan.chat().chat().title();
            e.setIfAbsent("title", s(title == null ? "" : title));
            e.set("gsi1pk", s(GroupIndex.partition(plan.botId())));
            e.set("gsi1sk", s(GroupIndex.sort(title, m.otherChatId())));
        } else {
            e.remove("activeDialogId");
        }
        if (m.migratedToChatId() != null) {
            e.set("migratedToChatId", n(m.migratedToChatId()));
            e.remove("gsi1pk");
            e.remove("gsi1sk");
        }
        return e.update(table, key(Keys.chat(plan.botId(), m.otherChatId()), Keys.CHAT_SK), versionCondition(e, m.expectedVersion()));
    }

    /** Optimistic lock on a chat item: it must still be at the version read ({@code -1}: must not exist yet). */
    private static String versionCondition(Expr e, long expectedVersion) {
        if (expectedVersion < 0) return "attribute_not_exists(pk)";
        e.name("#version", "version");
        e.value(":expectedVersion", n(expectedVersion));
        return "#version = :expectedVersion";
    }

    private Update contactUpdate(IngestPlan plan) {
        TelegramUser u = plan.contact().user();
        Expr e = new Expr();
        e.set("userId", n(u.id()));
        e.set("isBot", AttributeValue.fromBool(u.isBot()));
        e.setOrRemove("firstName", u.firstName());
        e.setOrRemove("lastName", u.lastName());
        e.setOrRemove("username", u.username());
        e.setOrRemove("languageCode", u.languageCode());
        e.set("lastSeenAt", n(plan.receivedAt()));
        e.setIfAbsent("firstSeenAt", n(plan.receivedAt()));
        if (plan.contact().botBlocked() != null) e.set("botBlocked", AttributeValue.fromBool(plan.contact().botBlocked()));
        e.value(":true", AttributeValue.fromBool(true));
        return e.update(table, key(Keys.contact(plan.botId(), u.id()), Keys.PROFILE_SK),
                "attribute_not_exists(#blocked) OR #blocked <> :true", "#blocked", "blocked");
    }

    private Put dialogPut(IngestPlan plan) {
        IngestPlan.DialogWrite d = plan.dialog();
        Map<String, AttributeValue> item = new HashMap<>(key(Keys.dialog(plan.botId(), d.dialogId()), Keys.DIALOG_SK));
        item.put("dialogId", s(d.dialogId()));
        item.put("botId", s(plan.botId()));
        item.put("chatId", n(d.chatId()));
        item.put("kind", s(d.kind().key()));
        if (d.contactUserId() != null) item.put("contactUserId", n(d.contactUserId()));
        item.put("title", s(d.title()));
        item.put("status", s("open"));
        item.put("openedAt", n(plan.receivedAt()));
        item.put("lastActivityAt", n(plan.receivedAt()));
        item.put("lastPreview", s(d.preview()));
        item.put("lastSeq", n(d.lastSeq()));
        item.put("firstSeq", n(d.lastSeq()));
        if (plan.chat().chat().username() != null) item.put("username", s(plan.chat().chat().username()));
        item.put("inboundCount", n(countsAsInbound(plan) ? 1 : 0));
        // every index key of a new dialog (ByStatus, ByCreated, the unassigned pool of ByAssignee) from one place
        item.putAll(DialogIndex.keys(plan.botId(), d.dialogId(), d.kind().key(), "open", null, null,
                plan.receivedAt(), plan.receivedAt()));
        return Put.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(pk)").build();
    }

    private Update dialogTouch(IngestPlan plan) {
        IngestPlan.DialogWrite d = plan.dialog();
        Expr e = new Expr();
        e.set("chatId", n(d.chatId()));
        e.set("title", s(d.title()));
        e.set("lastActivityAt", n(plan.receivedAt()));
        e.set("lastPreview", s(d.preview()));
        e.set("lastSeq", n(d.lastSeq()));
        e.setOrRemove("username", plan.chat().chat().username());
        // the activity sort key is the same in every index; a sort key without its partition key is harmless
        String activity = Keys.activitySort(plan.receivedAt(), d.dialogId());
        e.set("gsi1sk", s(activity));
        e.set("gsi2sk", s(activity));
        e.set("gsi3sk", s(activity));
        if (countsAsInbound(plan)) e.add("inboundCount", n(1));
        e.value(":open", s("open"));
        return e.update(table, key(Keys.dialog(plan.botId(), d.dialogId()), Keys.DIALOG_SK),
                "attribute_exists(pk) AND #status = :open", "#status", "status");
    }

    /** A client's new message (not a button press, an edit or a membership change) counts towards unread. */
    private static boolean countsAsInbound(IngestPlan plan) {
        return plan.entry() != null && "message".equals(plan.entry().type());
    }

    private Put entryPut(IngestPlan plan) {
        IngestPlan.EntryWrite en = plan.entry();
        Map<String, AttributeValue> item = new HashMap<>(key(Keys.dialog(plan.botId(), en.dialogId()), Keys.entry(en.seq())));
        item.put("seq", n(en.seq()));
        item.put("type", s(en.type()));
        item.put("direction", s("in"));
        item.put("at", n(plan.receivedAt()));
        item.put("updateId", n(plan.updateId()));
        if (en.fromUserId() != null) item.put("fromUserId", n(en.fromUserId()));
        if (en.telegramMessageId() != null) {
            item.put("tgid", s(Keys.telegramId(en.telegramMessageId())));
            item.put("telegramMessageId", n(en.telegramMessageId()));
        }
        item.put("preview", s(en.preview()));
        item.put("data", s(en.dataJson()));
        return Put.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(pk)").build();
    }

    private Update entryEdit(IngestPlan plan) {
        IngestPlan.EditWrite ed = plan.edit();
        Expr e = new Expr();
        e.raw("original = if_not_exists(original, #data)");
        e.name("#data", "data");
        e.set("data", s(ed.dataJson()));
        e.set("preview", s(ed.preview()));
        e.set("editedAt", n(ed.editDate()));
        e.add("editCount", n(1));
        return e.update(table, key(Keys.dialog(plan.botId(), ed.dialogId()), Keys.entry(ed.seq())), "attribute_exists(pk)");
    }

    // ---- item mapping ---------------------------------------------------------------------------------

    private static ChatState chatState(Map<String, AttributeValue> item) {
        return new ChatState(
                Long.parseLong(item.get("chatId").n()),
                item.containsKey("kind") ? DialogKind.fromKey(item.get("kind").s()) : null,
                str(item, "activeDialogId"),
                str(item, "lastDialogId"),
                num(item, "seq", 0),
                num(item, "version", 0),
                str(item, "botStatus"),
                item.containsKey("migratedToChatId") ? Long.parseLong(item.get("migratedToChatId").n()) : null);
    }

    private static ContactState contactState(Map<String, AttributeValue> item) {
        long userId = num(item, "userId", 0);
        TelegramUser profile = new TelegramUser(userId, bool(item, "isBot"), str(item, "firstName"), str(item, "lastName"),
                str(item, "username"), str(item, "languageCode"));
        return new ContactState(userId, bool(item, "blocked"), bool(item, "botBlocked"), profile);
    }

    private String toJson(Object value) {
        return Json.write(json, value);
    }

    /** The longest prefix of {@code text} whose UTF-8 encoding fits in {@code maxBytes}, never splitting a character. */
    static String utf8Prefix(String text, int maxBytes) {
        if (text.length() * 3L <= maxBytes) return text;
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            int cp = text.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) return text.substring(0, i);
            bytes += size;
            if (Character.isSupplementaryCodePoint(cp)) i++;
        }
        return text;
    }






}
