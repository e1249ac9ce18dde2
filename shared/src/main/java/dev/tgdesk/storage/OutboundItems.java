package dev.tgdesk.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.domain.Json;
import dev.tgdesk.outbound.BotApiCall;
import dev.tgdesk.outbound.OutboundEntry;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import static dev.tgdesk.storage.Attrs.s;
import static dev.tgdesk.storage.Attrs.n;

/**
 * The item layout of outgoing history entries, shared by everything that queues sends (scenario,
 * operators) and the sender that delivers them:
 *
 * <pre>
 * pk B#{bot}#DLG#{dialogId}  sk MSG#{seq:012}
 * type=message direction=out author authorRef at seq chatId(S) preview data(JSON)
 * method params(JSON, no chat_id) status(queued|sending|sent|failed) statusAt attempts
 * telegramMessageId + tgid (LSI ByTelegramId) once sent; failure{kind,errorCode,description} when failed
 * </pre>
 */
public final class OutboundItems {

    private OutboundItems() {
    }

    public static Map<String, AttributeValue> item(OutboundEntry e) {
        Map<String, AttributeValue> item = new HashMap<>(key(e.botId(), e.dialogId(), e.seq()));
        item.put("seq", n(e.seq()));
        item.put("type", s("message"));
        item.put("direction", s("out"));
        item.put("author", s(e.author()));
        if (e.authorRef() != null) item.put("authorRef", s(e.authorRef()));
        item.put("at", n(e.at()));
        item.put("chatId", s(e.chatId()));
        item.put("preview", s(e.preview()));
        item.put("data", s(e.dataJson()));
        item.put("method", s(e.call().method()));
        item.put("params", s(Json.write(Json.mapper(), e.call().params())));
        item.put("status", s(e.status().key()));
        item.put("statusAt", n(e.at()));
        item.put("attempts", n(e.attempts()));
        if (e.telegramMessageId() != null) {
            item.put("telegramMessageId", n(e.telegramMessageId()));
            item.put("tgid", s(Keys.telegramId(e.telegramMessageId())));
        }
        if (e.failure() != null) item.put("failure", failure(e.failure()));
        return item;
    }

    public static OutboundEntry entry(String botId, String dialogId, Map<String, AttributeValue> item) {
        ObjectMapper json = Json.mapper();
        ObjectNode params;
        try {
            params = (ObjectNode) json.readTree(item.get("params").s());
        } catch (IOException e) {
            throw new UncheckedIOException("stored params of " + dialogId + "/" + item.get("sk").s() + " are unreadable", e);
        }
        Map<String, AttributeValue> f = item.containsKey("failure") ? item.get("failure").m() : null;
        return new OutboundEntry(botId, dialogId, Long.parseLong(item.get("seq").n()), item.get("chatId").s(),
                str(item, "author"), str(item, "authorRef"), new BotApiCall(item.get("method").s(), params),
                str(item, "preview"), str(item, "data"), Long.parseLong(item.get("at").n()),
                OutboundEntry.Status.fromKey(item.get("status").s()),
                item.containsKey("attempts") ? Integer.parseInt(item.get("attempts").n()) : 0,
                item.containsKey("telegramMessageId") ? Long.parseLong(item.get("telegramMessageId").n()) : null,
                f == null ? null : new OutboundEntry.Failure(str(f, "kind"),
                        f.containsKey("errorCode") ? Integer.parseInt(f.get("errorCode").n()) : null, str(f, "description")));
    }

    public static AttributeValue failure(OutboundEntry.Failure failure) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("kind", s(failure.kind()));
        if (failure.errorCode() != null) m.put("errorCode", n(failure.errorCode()));
        if (failure.description() != null) m.put("description", s(failure.description()));
        return AttributeValue.fromM(m);
    }

    public static Map<String, AttributeValue> key(String botId, String dialogId, long seq) {
        return Map.of(Keys.PK, s(Keys.dialog(botId, dialogId)), Keys.SK, s(Keys.entry(seq)));
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }


}
