package dev.tgdesk.storage;

import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.outbound.OutboundStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import static dev.tgdesk.storage.Attrs.s;
import static dev.tgdesk.storage.Attrs.n;

/**
 * {@link OutboundStore} on the single table: history entries in the {@link OutboundItems} layout, status
 * changes as conditional UpdateItems (one write each), a failure of a scenario's entry together with its run
 * log line in one transaction.
 */
public final class DynamoOutboundStore implements OutboundStore {

    static final int MAX_LOG_TEXT = 500;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoOutboundStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Claim claim(String botId, String dialogId, long seq, long now) {
        Map<String, AttributeValue> key = OutboundItems.key(botId, dialogId, seq);
        for (int attempt = 0; attempt < 3; attempt++) {
            Expr e = new Expr();
            e.set("status", s(OutboundEntry.Status.SENDING.key()));
            e.set("statusAt", n(now));
            e.value(":queued", s(OutboundEntry.Status.QUEUED.key()));
            Update u = e.update(table, key, "#status = :queued");
            try {
                var item = dynamo.updateItem(request(u).returnValues(ReturnValue.ALL_NEW)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).attributes();
                return new Claim.Claimed(OutboundItems.entry(botId, dialogId, item));
            } catch (ConditionalCheckFailedException notQueued) {
                Map<String, AttributeValue> item = notQueued.hasItem() && !notQueued.item().isEmpty()
                        ? notQueued.item()
                        : dynamo.getItem(g -> g.tableName(table).key(key).consistentRead(true)).item();
                if (item == null || item.isEmpty()) return new Claim.Missing();
                OutboundEntry entry = OutboundItems.entry(botId, dialogId, item);
                switch (entry.status()) {
                    case SENT, FAILED -> {
                        return new Claim.Finished(entry);
                    }
                    case SENDING -> {
                        return new Claim.InFlight(entry);
                    }
                    case QUEUED -> {
                        // changed between the update and the read: try again
                    }
                }
            }
        }
        throw new IllegalStateException("entry " + dialogId + "/" + seq + " keeps changing while being claimed");
    }

    @Override
    public OutboundEntry get(String botId, String dialogId, long seq) {
        var item = dynamo.getItem(g -> g.tableName(table).key(OutboundItems.key(botId, dialogId, seq)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : OutboundItems.entry(botId, dialogId, item);
    }

    @Override
    public void markSent(OutboundEntry entry, long telegramMessageId, long now) {
        Expr e = new Expr();
        e.set("status", s(OutboundEntry.Status.SENT.key()));
        e.set("statusAt", n(now));
        e.set("telegramMessageId", n(telegramMessageId));
        e.set("tgid", s(Keys.telegramId(telegramMessageId)));
        e.remove("lastError");
        e.remove("failure");
        // no status condition: once Telegram accepted the message, sent is the truth whatever was recorded meanwhile
        update(e.update(table, key(entry), "attribute_exists(pk)"), entry, "markSent");
    }

    @Override
    public void release(OutboundEntry entry, int attempts, OutboundEntry.Failure lastError, long now) {
        Expr e = new Expr();
        e.set("status", s(OutboundEntry.Status.QUEUED.key()));
        e.set("statusAt", n(now));
        e.set("attempts", n(attempts));
        if (lastError != null) e.set("lastError", OutboundItems.failure(lastError));
        sendingCondition(e);
        update(e.update(table, key(entry), "#status = :sending"), entry, "release");
    }

    @Override
    public void markFailed(OutboundEntry entry, OutboundEntry.Failure failure, long now) {
        Expr e = new Expr();
        e.set("status", s(OutboundEntry.Status.FAILED.key()));
        e.set("statusAt", n(now));
        e.set("failure", OutboundItems.failure(failure));
        e.remove("lastError");
        sendingCondition(e);
        Update u = e.update(table, key(entry), "#status = :sending");
        if (!"scenario".equals(entry.author())) {
            update(u, entry, "markFailed");
            return;
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().update(u).build());
        writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(runLog(entry, failure, now)).build()).build());
        try {
            dynamo.transactWriteItems(t -> t.transactItems(writes));
        } catch (TransactionCanceledException notSending) {
            log("entry no longer in sending: failure not recorded", entry, "markFailed");
        }
    }

    /** The run log line a scenario's failed send leaves in its dialog (key {@link Keys#runLog}). */
    static Map<String, AttributeValue> runLog(OutboundEntry entry, OutboundEntry.Failure failure, long now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Keys.PK, s(Keys.dialog(entry.botId(), entry.dialogId())));
        item.put(Keys.SK, s(Keys.runLog(now, (int) (entry.seq() % 1000))));
        item.put("type", s("runlog"));
        item.put("at", n(now));
        if (entry.authorRef() != null) item.put("authorRef", s(entry.authorRef()));
        String text = "Message " + entry.seq() + " was not delivered: " + failure.kind()
                + (failure.description() == null ? "" : " — " + failure.description());
        // the same shape as a scenario turn's log item: a list of lines
        item.put("lines", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                "level", s("error"),
                "text", s(text.length() > MAX_LOG_TEXT ? text.substring(0, MAX_LOG_TEXT) : text),
                "entrySeq", n(entry.seq()))))));
        item.put("failure", OutboundItems.failure(failure));
        return item;
    }

    @Override
    public void redirect(OutboundEntry entry, String newChatId, long now) {
        Expr e = new Expr();
        e.set("status", s(OutboundEntry.Status.QUEUED.key()));
        e.set("statusAt", n(now));
        e.set("chatId", s(newChatId));
        e.set("migratedFromChatId", s(entry.chatId()));
        sendingCondition(e);
        update(e.update(table, key(entry), "#status = :sending"), entry, "redirect");
    }

    @Override
    public void markContactUnreachable(String botId, long userId, String kind, long now) {
        Expr e = new Expr();
        e.set("botBlocked", AttributeValue.fromBool(true));
        e.set("botBlockedAt", n(now));
        e.set("unreachableKind", s(kind));
        try {
            dynamo.updateItem(request(e.update(table, Map.of(Keys.PK, s(Keys.contact(botId, userId)), Keys.SK, s(Keys.PROFILE_SK)),
                    "attribute_exists(pk)")).build());
        } catch (ConditionalCheckFailedException noContact) {
            // never wrote to us (a send to a bare id): no contact to mark
        }
    }

    @Override
    public void recordEdit(OutboundEntry entry, long revision, String preview, String dataJson, long now) {
        Expr e = new Expr();
        e.set("preview", s(preview));
        e.set("data", s(dataJson));
        e.set("editedAt", n(now));
        e.set("editRevision", n(revision));
        update(e.update(table, key(entry), "attribute_exists(pk) AND (attribute_not_exists(#editRevision) OR #editRevision < :editRevision)"),
                entry, "recordEdit");
    }

    @Override
    public void recordUploadedFile(OutboundEntry entry, String field, String fileId, long now) {
        com.fasterxml.jackson.databind.node.ObjectNode params = entry.call().params().deepCopy();
        params.remove(dev.tgdesk.outbound.UploadedFile.PARAM);
        params.put(field, fileId);
        Expr e = new Expr();
        e.set("params", s(dev.tgdesk.domain.Json.write(dev.tgdesk.domain.Json.mapper(), params)));
        e.set("fileId", s(fileId));
        if (entry.dataJson() != null) {
            try {
                var data = dev.tgdesk.domain.Json.mapper().readTree(entry.dataJson());
                if (data instanceof com.fasterxml.jackson.databind.node.ObjectNode d && d.get("media") instanceof
                        com.fasterxml.jackson.databind.node.ObjectNode media) {
                    media.put("file_id", fileId);
                    e.set("data", s(dev.tgdesk.domain.Json.write(dev.tgdesk.domain.Json.mapper(), d)));
                }
            } catch (java.io.IOException unreadable) {
                // display data is left as it was; the params carry the file_id
            }
        }
        update(e.update(table, key(entry), "attribute_exists(pk)"), entry, "recordUploadedFile");
    }

    private void update(Update u, OutboundEntry entry, String what) {
        try {
            dynamo.updateItem(request(u).build());
        } catch (ConditionalCheckFailedException e) {
            log("entry not in the expected state: left as is", entry, what);
        }
    }

    private static UpdateItemRequest.Builder request(Update u) {
        return UpdateItemRequest.builder().tableName(u.tableName()).key(u.key()).updateExpression(u.updateExpression())
                .conditionExpression(u.conditionExpression()).expressionAttributeNames(u.expressionAttributeNames())
                .expressionAttributeValues(u.hasExpressionAttributeValues() ? u.expressionAttributeValues() : null);
    }

    private static void sendingCondition(Expr e) {
        e.value(":sending", s(OutboundEntry.Status.SENDING.key()));
    }

    private static Map<String, AttributeValue> key(OutboundEntry entry) {
        return OutboundItems.key(entry.botId(), entry.dialogId(), entry.seq());
    }

    private static void log(String message, OutboundEntry entry, String operation) {
        System.err.println("{\"level\":\"WARN\",\"message\":\"" + message + "\",\"operation\":\"" + operation
                + "\",\"dialogId\":\"" + entry.dialogId() + "\",\"seq\":" + entry.seq() + "}");
    }


}
