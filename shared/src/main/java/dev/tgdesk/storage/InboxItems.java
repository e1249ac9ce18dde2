package dev.tgdesk.storage;

import dev.tgdesk.operator.inbox.ContactRecord;
import dev.tgdesk.operator.inbox.DialogRecord;
import dev.tgdesk.operator.inbox.HistoryRecord;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.tgdesk.storage.Attrs.bool;
import static dev.tgdesk.storage.Attrs.num;
import static dev.tgdesk.storage.Attrs.str;

/** Stored dialog, history entry and contact items as the inbox reads them — from a read or from a stream image. */
public final class InboxItems {

    private InboxItems() {
    }

    public static DialogRecord dialog(Map<String, AttributeValue> item, String sortKey) {
        return new DialogRecord(str(item, "dialogId"), str(item, "kind"), num(item, "chatId", 0),
                item.containsKey("contactUserId") ? num(item, "contactUserId", 0) : null, str(item, "title"),
                str(item, "username"), str(item, "status"), num(item, "openedAt", 0), num(item, "lastActivityAt", 0),
                str(item, "lastPreview"), num(item, "lastSeq", 0), str(item, "handler"), str(item, "team"),
                str(item, "assignee"), num(item, "inboundCount", 0), sortKey);
    }

    public static ContactRecord contact(Map<String, AttributeValue> item) {
        Map<String, Object> fields = new LinkedHashMap<>();
        item.entrySet().stream().filter(e -> e.getKey().startsWith("cf_")).sorted(Map.Entry.comparingByKey())
                .forEach(e -> fields.put(e.getKey().substring(3), plain(e.getValue())));
        return new ContactRecord(num(item, "userId", 0), str(item, "firstName"), str(item, "lastName"),
                str(item, "username"), str(item, "languageCode"), bool(item, "blocked"), bool(item, "botBlocked"), fields);
    }

    public static HistoryRecord history(long seq, Map<String, AttributeValue> item) {
        HistoryRecord.Failure failure = null;
        if (item.containsKey("failure") && item.get("failure").hasM()) {
            Map<String, AttributeValue> f = item.get("failure").m();
            failure = new HistoryRecord.Failure(str(f, "kind"), f.containsKey("errorCode") ? (int) num(f, "errorCode", 0) : null,
                    str(f, "description"));
        }
        return new HistoryRecord(seq, str(item, "type"), str(item, "direction"), num(item, "at", 0),
                item.containsKey("fromUserId") ? num(item, "fromUserId", 0) : null, str(item, "author"), str(item, "authorRef"),
                str(item, "authorName"), str(item, "preview"), str(item, "data"), str(item, "status"), failure,
                (int) num(item, "editCount", 0), item.containsKey("editedAt") ? num(item, "editedAt", 0) : null);
    }

    private static Object plain(AttributeValue v) {
        if (v.s() != null) return v.s();
        if (v.n() != null) return new java.math.BigDecimal(v.n());
        if (v.bool() != null) return v.bool();
        if (v.hasSs()) return v.ss();
        if (v.hasL()) return v.l().stream().map(InboxItems::plain).toList();
        return null;
    }






}
