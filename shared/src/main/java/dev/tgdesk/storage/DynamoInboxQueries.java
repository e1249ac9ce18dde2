package dev.tgdesk.storage;

import dev.tgdesk.operator.inbox.ContactRecord;
import dev.tgdesk.operator.inbox.DialogRecord;
import dev.tgdesk.operator.inbox.GroupRecord;
import dev.tgdesk.operator.inbox.HistoryRecord;
import dev.tgdesk.operator.inbox.InboxQueries;
import dev.tgdesk.operator.inbox.ReadMark;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import static dev.tgdesk.storage.Attrs.key;
import static dev.tgdesk.storage.Attrs.s;
import static dev.tgdesk.storage.Attrs.n;
import static dev.tgdesk.storage.Attrs.str;
import static dev.tgdesk.storage.Attrs.num;
import static dev.tgdesk.storage.Attrs.bool;

/**
 * {@link InboxQueries} on the single table: lists are Queries on ByStatus / ByCreated / ByTeam / ByAssignee with a
 * key condition that starts after the cursor ({@code sk < :after} or {@code > :after}) and {@code Limit} = page size;
 * history is a Query on the dialog partition's {@code MSG#} range; read marks ({@code READ#{operatorId}} in the
 * dialog partition) are one BatchGetItem per page. Index reads are eventually consistent (GSIs offer nothing else);
 * single-dialog reads are strongly consistent.
 */
public final class DynamoInboxQueries implements InboxQueries {

    public static final String READ_PREFIX = "READ#";
    /** Batch reads take at most 100 keys. */

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoInboxQueries(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public static String readMarkSk(String operatorId) {
        return READ_PREFIX + operatorId;
    }

    @Override
    public Slice<DialogRecord> dialogs(String botId, Source source, boolean ascending, String afterSortKey, int limit) {
        String index, pkName, skName, partition;
        switch (source.index()) {
            case BY_STATUS -> { index = Keys.BY_STATUS_INDEX; pkName = "gsi1pk"; skName = "gsi1sk";
                partition = Keys.statusPartition(botId, source.kind(), source.status()); }
            case BY_CREATED -> { index = Keys.BY_CREATED_INDEX; pkName = "gsi1pk"; skName = "gsi4sk";
                partition = Keys.statusPartition(botId, source.kind(), source.status()); }
            case BY_TEAM -> { index = Keys.BY_TEAM_INDEX; pkName = "gsi2pk"; skName = "gsi2sk";
                partition = Keys.teamPartition(botId, source.owner(), source.kind(), source.status()); }
            case BY_ASSIGNEE -> { index = Keys.BY_ASSIGNEE_INDEX; pkName = "gsi3pk"; skName = "gsi3sk";
                partition = Keys.assigneePartition(botId, source.owner(), source.kind(), source.status()); }
            default -> throw new IllegalArgumentException(source.index().name());
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":p", s(partition));
        String condition = "#pk = :p";
        if (afterSortKey != null) {
            condition += ascending ? " AND #sk > :after" : " AND #sk < :after";
            values.put(":after", s(afterSortKey));
        }
        String keyCondition = condition;
        Map<String, String> names = afterSortKey == null ? Map.of("#pk", pkName) : Map.of("#pk", pkName, "#sk", skName);
        QueryResponse r = dynamo.query(q -> q.tableName(table).indexName(index).keyConditionExpression(keyCondition)
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .scanIndexForward(ascending).limit(limit));
        List<DialogRecord> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : r.items()) {
            if (!Keys.DIALOG_SK.equals(str(item, Keys.SK))) continue;
            out.add(InboxItems.dialog(item, str(item, skName)));
        }
        return new Slice<>(out, r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty());
    }

    @Override
    public DialogWithMark dialogWithMark(String botId, String dialogId, String operatorId) {
        String pk = Keys.dialog(botId, dialogId);
        List<Map<String, AttributeValue>> items = batchGet(List.of(key(pk, Keys.DIALOG_SK), key(pk, readMarkSk(operatorId))), true);
        Optional<DialogRecord> dialog = Optional.empty();
        Optional<ReadMark> mark = Optional.empty();
        for (Map<String, AttributeValue> item : items) {
            if (Keys.DIALOG_SK.equals(str(item, Keys.SK))) dialog = Optional.of(InboxItems.dialog(item, null));
            else mark = Optional.of(mark(item));
        }
        return new DialogWithMark(dialog, mark);
    }

    @Override
    public Optional<ContactRecord> contact(String botId, long userId) {
        var item = dynamo.getItem(b -> b.tableName(table).key(key(Keys.contact(botId, userId), Keys.PROFILE_SK))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        return Optional.of(InboxItems.contact(item));
    }

    @Override
    public Map<String, ReadMark> readMarks(String botId, String operatorId, Collection<String> dialogIds) {
        Map<String, ReadMark> marks = new HashMap<>();
        if (dialogIds.isEmpty()) return marks;
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String id : new java.util.LinkedHashSet<>(dialogIds)) keys.add(key(Keys.dialog(botId, id), readMarkSk(operatorId)));
        String prefix = Keys.dialog(botId, "");
        for (Map<String, AttributeValue> item : batchGet(keys, false)) {
            marks.put(str(item, Keys.PK).substring(prefix.length()), mark(item));
        }
        return marks;
    }

    @Override
    public Slice<HistoryRecord> history(String botId, String dialogId, Long beforeSeq, int limit) {
        if (beforeSeq != null && beforeSeq <= 1) return new Slice<>(List.of(), false);
        String upper = beforeSeq == null ? "MSG$" : Keys.entry(beforeSeq - 1); // '$' sorts right after '#'
        QueryResponse r = dynamo.query(q -> q.tableName(table)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", s(Keys.dialog(botId, dialogId)), ":from", s("MSG#"), ":to", s(upper)))
                .scanIndexForward(false).limit(limit + 1).consistentRead(true));
        List<HistoryRecord> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : r.items()) {
            out.add(InboxItems.history(Keys.entrySeq(str(item, Keys.SK)), item));
        }
        boolean more = out.size() > limit;
        return new Slice<>(more ? out.subList(0, limit) : out, more);
    }

    @Override
    public long inboundMessagesAfter(String botId, String dialogId, long seq) {
        long count = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = dynamo.query(q -> q.tableName(table)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                    .filterExpression("direction = :in AND #type = :message")
                    .expressionAttributeNames(Map.of("#type", "type"))
                    .expressionAttributeValues(Map.of(":pk", s(Keys.dialog(botId, dialogId)), ":from", s(Keys.entry(seq + 1)),
                            ":to", s("MSG$"), ":in", s("in"), ":message", s("message")))
                    .select(Select.COUNT).consistentRead(true).exclusiveStartKey(from));
            count += r.count();
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    @Override
    public ReadMark putReadMark(String botId, String dialogId, String operatorId, ReadMark mark) {
        Map<String, AttributeValue> item = new HashMap<>(key(Keys.dialog(botId, dialogId), readMarkSk(operatorId)));
        item.put("seq", n(mark.seq()));
        item.put("inboundCount", n(mark.inboundCount()));
        item.put("operatorId", s(operatorId));
        item.put("at", n(System.currentTimeMillis()));
        try {
            dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(pk) OR #seq < :seq")
                    .expressionAttributeNames(Map.of("#seq", "seq")).expressionAttributeValues(Map.of(":seq", n(mark.seq()))));
            return mark;
        } catch (ConditionalCheckFailedException later) {
            var stored = dynamo.getItem(b -> b.tableName(table).key(key(Keys.dialog(botId, dialogId), readMarkSk(operatorId)))
                    .consistentRead(true)).item();
            return stored == null || stored.isEmpty() ? mark : mark(stored);
        }
    }

    @Override
    public Slice<GroupRecord> groups(String botId, String afterSortKey, int limit) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":p", s(GroupIndex.partition(botId)));
        String condition = "gsi1pk = :p";
        if (afterSortKey != null) {
            condition += " AND gsi1sk > :after";
            values.put(":after", s(afterSortKey));
        }
        String keyCondition = condition;
        QueryResponse r = dynamo.query(q -> q.tableName(table).indexName(Keys.BY_STATUS_INDEX)
                .keyConditionExpression(keyCondition).expressionAttributeValues(values).limit(limit));
        List<GroupRecord> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : r.items()) {
            out.add(new GroupRecord(num(item, "chatId", 0), str(item, "kind"), str(item, "chatType"), str(item, "title"),
                    str(item, "username"), str(item, "botStatus"), str(item, "activeDialogId"), str(item, "lastDialogId"),
                    str(item, "gsi1sk")));
        }
        return new Slice<>(out, r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty());
    }

    // ---- mapping ----------------------------------------------------------------------------------------

    private List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys, boolean consistent) {
        return new ArrayList<>(BatchReads.get(dynamo, table, keys, consistent).values());
    }

    private static ReadMark mark(Map<String, AttributeValue> item) {
        return new ReadMark(num(item, "seq", 0), num(item, "inboundCount", 0));
    }
}
