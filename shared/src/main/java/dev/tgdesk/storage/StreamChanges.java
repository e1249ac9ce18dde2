package dev.tgdesk.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.operator.identity.Operator;
import dev.tgdesk.realtime.Change;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the data table's stream records, as Lambda hands them over ({@code {"Records":[{eventID, eventName,
 * dynamodb: {Keys, OldImage, NewImage, ApproximateCreationDateTime, SequenceNumber}}]}}, DynamoDB JSON), into
 * {@link Change}s: dialogs, history entries, contacts and operator accounts of this bot. Other items (update markers,
 * chats, runs, pacing…) are not changes operators see and are skipped — the event source's filter usually keeps them
 * from arriving at all.
 */
public final class StreamChanges {

    private StreamChanges() {
    }

    /** One decoded record: its change (null when skipped) and the stream sequence number (for partial failures). */
    public record Decoded(String sequenceNumber, Change change) {
    }

    public static List<Decoded> decode(JsonNode event, String botId) {
        List<Decoded> out = new ArrayList<>();
        for (JsonNode record : event.path("Records")) {
            JsonNode ddb = record.path("dynamodb");
            out.add(new Decoded(ddb.path("SequenceNumber").asText(null), change(record, botId)));
        }
        return out;
    }

    static Change change(JsonNode record, String botId) {
        JsonNode ddb = record.path("dynamodb");
        String pk = ddb.path("Keys").path(Keys.PK).path("S").asText("");
        String sk = ddb.path("Keys").path(Keys.SK).path("S").asText("");
        String prefix = "B#" + botId + "#";
        if (!pk.startsWith(prefix)) return null;
        String sourceId = record.path("eventID").asText(ddb.path("SequenceNumber").asText(""));
        long at = (long) (ddb.path("ApproximateCreationDateTime").asDouble(0) * 1000);
        Map<String, AttributeValue> before = image(ddb.get("OldImage"));
        Map<String, AttributeValue> after = image(ddb.get("NewImage"));
        String dialogPrefix = Keys.dialog(botId, "");
        if (Keys.DIALOG_SK.equals(sk) && pk.startsWith(dialogPrefix)) {
            return new Change.DialogChanged(sourceId, at, before == null ? null : InboxItems.dialog(before, null),
                    after == null ? null : InboxItems.dialog(after, null));
        }
        if (sk.startsWith("MSG#") && pk.startsWith(dialogPrefix)) {
            long seq = Keys.entrySeq(sk);
            return new Change.EntryChanged(sourceId, at, pk.substring(dialogPrefix.length()),
                    before == null ? null : InboxItems.history(seq, before), after == null ? null : InboxItems.history(seq, after));
        }
        if (Keys.PROFILE_SK.equals(sk)) {
            return new Change.ContactChanged(sourceId, at, before == null ? null : InboxItems.contact(before),
                    after == null ? null : InboxItems.contact(after));
        }
        if (DynamoOperatorDirectory.OPERATOR_SK.equals(sk)) {
            Operator was = before == null ? null : DynamoOperatorDirectory.operator(botId, before);
            Operator now = after == null ? null : DynamoOperatorDirectory.operator(botId, after);
            String id = now != null ? now.id() : was != null ? was.id() : null;
            if (id == null) return null;
            return new Change.OperatorChanged(sourceId, at, id, access(was), access(now));
        }
        return null;
    }

    private static Change.OperatorAccess access(Operator op) {
        return op == null ? null : new Change.OperatorAccess(op.role(), op.teamIds(), op.disabled(), op.tokenVersion());
    }

    static Map<String, AttributeValue> image(JsonNode image) {
        if (image == null || !image.isObject()) return null;
        Map<String, AttributeValue> out = new HashMap<>();
        image.fields().forEachRemaining(e -> out.put(e.getKey(), attribute(e.getValue())));
        return out;
    }

    /** One attribute value in DynamoDB JSON ({@code {"S":"…"}}, {@code {"N":"…"}}, {@code {"M":{…}}}, …). */
    static AttributeValue attribute(JsonNode v) {
        var type = v.fieldNames().hasNext() ? v.fieldNames().next() : "";
        JsonNode x = v.get(type);
        return switch (type) {
            case "S" -> AttributeValue.fromS(x.asText());
            case "N" -> AttributeValue.fromN(x.asText());
            case "BOOL" -> AttributeValue.fromBool(x.asBoolean());
            case "NULL" -> AttributeValue.fromNul(true);
            case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(x.asText())));
            case "SS" -> AttributeValue.fromSs(texts(x));
            case "NS" -> AttributeValue.fromNs(texts(x));
            case "BS" -> AttributeValue.fromBs(texts(x).stream()
                    .map(b -> SdkBytes.fromByteArray(Base64.getDecoder().decode(b))).toList());
            case "L" -> {
                List<AttributeValue> list = new ArrayList<>();
                x.forEach(item -> list.add(attribute(item)));
                yield AttributeValue.fromL(list);
            }
            case "M" -> AttributeValue.fromM(image(x));
            default -> throw new IllegalArgumentException("not a DynamoDB attribute value: type " + type);
        };
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
