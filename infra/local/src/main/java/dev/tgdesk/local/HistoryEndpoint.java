package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.storage.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.util.Map;

/**
 * {@code GET /local/history?chat_id=<id>}: a local-only look at what is stored for a chat's active dialog —
 * every history entry (incoming, and sends with their status, Telegram message id or failure) and the
 * scenario run log — so the pipeline can be followed without the AWS CLI. Not part of any deployment.
 */
final class HistoryEndpoint implements ChatViewEndpoint.ChatView {

    private final DynamoDbClient dynamo;
    private final String table;
    private final String botId;
    private final ObjectMapper json;

    HistoryEndpoint(DynamoDbClient dynamo, String table, String botId, ObjectMapper json) {
        this.dynamo = dynamo;
        this.table = table;
        this.botId = botId;
        this.json = json;
    }

    @Override
    public ObjectNode of(long chatId) throws IOException {
        ObjectNode out = json.createObjectNode();
        var chat = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(Keys.PK, AttributeValue.fromS(Keys.chat(botId, chatId)), Keys.SK, AttributeValue.fromS(Keys.CHAT_SK)))).item();
        String dialogId = chat == null || !chat.containsKey("activeDialogId") ? null : chat.get("activeDialogId").s();
        if (dialogId == null && chat != null && chat.containsKey("lastDialogId")) dialogId = chat.get("lastDialogId").s();
        out.put("chat_id", chatId);
        if (dialogId == null) return out.put("dialog", (String) null);
        out.put("dialog_id", dialogId);
        String pk = Keys.dialog(botId, dialogId);
        ArrayNode entries = out.putArray("entries");
        ArrayNode log = out.putArray("run_log");
        for (var item : dynamo.query(q -> q.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))).items()) {
            String sk = item.get(Keys.SK).s();
            if (sk.equals(Keys.DIALOG_SK)) {
                out.put("status", str(item, "status")).put("handler", item.containsKey("handler") ? str(item, "handler") : "bot");
            } else if (sk.startsWith("MSG#")) {
                ObjectNode e = entries.addObject();
                e.put("seq", Long.parseLong(item.get("seq").n())).put("type", str(item, "type")).put("direction", str(item, "direction"));
                if (item.containsKey("author")) e.put("author", str(item, "author"));
                if (item.containsKey("chatId") && item.get("chatId").s() != null) e.put("to", str(item, "chatId"));
                e.put("preview", str(item, "preview"));
                if (item.containsKey("status")) e.put("status", str(item, "status"));
                if (item.containsKey("telegramMessageId")) e.put("telegram_message_id", Long.parseLong(item.get("telegramMessageId").n()));
                if (item.containsKey("failure")) {
                    var f = item.get("failure").m();
                    ObjectNode failure = e.putObject("failure").put("kind", str(f, "kind")).put("description", str(f, "description"));
                    if (f.containsKey("errorCode")) failure.put("error_code", Integer.parseInt(f.get("errorCode").n()));
                }
            } else if (sk.startsWith("LOG#")) {
                for (AttributeValue line : item.getOrDefault("lines", AttributeValue.fromL(java.util.List.of())).l()) {
                    log.add(str(line.m(), "level") + ": " + (line.m().containsKey("node") ? "[" + str(line.m(), "node") + "] " : "")
                            + str(line.m(), "text"));
                }
            } else if (sk.equals(Keys.RUN_SK) && item.containsKey("state")) {
                JsonNode state = json.readTree(item.get("state").s());
                out.putObject("run").put("scenario", state.path("scenario_id").asText() + "@" + state.path("version").asInt())
                        .put("status", state.path("status").asText()).put("node", state.path("node").asText(null));
            }
        }
        return out;
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}
