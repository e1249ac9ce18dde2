package dev.tgdesk.operator.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.operator.inbox.InboxViews.Author;
import dev.tgdesk.operator.inbox.InboxViews.HistoryEntry;
import dev.tgdesk.operator.inbox.InboxViews.Media;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Stored history entries as the API shows them: one mapping for history pages and real-time events. */
public final class EntryViews {

    private static final ObjectMapper JSON = Json.mapper();

    private EntryViews() {
    }

    /** The entry as the API (history pages, pushed events) shows it. */
    public static HistoryEntry of(HistoryRecord r) {
        JsonNode data = parse(r.dataJson());
        Author author = author(r, data);
        List<Media> media = media(data);
        String text = textOf(data, "text");
        String button = null;
        if ("callback".equals(r.type())) {
            button = textOf(data, "data");
            text = null;
        }
        String service = data.path("service").path("type").isTextual()
                ? data.path("service").path("type").asText().toLowerCase(Locale.ROOT) : null;
        InboxViews.Failure failure = r.failure() == null ? null
                : new InboxViews.Failure(r.failure().kind(), r.failure().errorCode(), r.failure().description());
        return new HistoryEntry(r.seq(), r.type(), r.direction(), r.at(), author, r.preview(), text, textOf(data, "caption"),
                textOf(data, "format"), media.isEmpty() ? null : media, node(data, "location"), node(data, "contact"), service,
                button, "out".equals(r.direction()) ? r.status() : null, failure, r.editCount() > 0, r.editCount(), r.editedAt(),
                "event".equals(r.type()) ? textOf(data, "event") : null, "event".equals(r.type()) ? eventBy(data.get("by")) : null,
                data.path("inline_buttons").isArray() ? data.get("inline_buttons") : null);
    }

    /** {@code by} of an event entry: {@code {"id","name"}}, or (older entries) just the id. */
    private static InboxViews.EventBy eventBy(JsonNode by) {
        if (by == null || by.isNull()) return null;
        if (by.isTextual()) return new InboxViews.EventBy(by.asText(), null);
        return new InboxViews.EventBy(textOf(by, "id"), textOf(by, "name"));
    }

    /** Who wrote an entry: the client (with the name Telegram gave), the scenario, or an operator (name and id). */
    private static Author author(HistoryRecord r, JsonNode data) {
        if ("in".equals(r.direction())) {
            JsonNode from = data.path("from");
            String name = from.isObject() ? (from.path("first_name").asText("") + " " + from.path("last_name").asText("")).strip() : null;
            return new Author("client", r.fromUserId(), null, name == null || name.isEmpty() ? null : name, null);
        }
        String kind = r.author() == null ? ("internal".equals(r.direction()) ? "operator" : "system") : r.author();
        return switch (kind) {
            case "operator" -> new Author("operator", null, r.authorRef(), r.authorName(), null);
            case "scenario" -> new Author("scenario", null, null, null, r.authorRef());
            default -> new Author(kind, null, null, null, null);
        };
    }

    private static List<Media> media(JsonNode data) {
        JsonNode m = data.path("media");
        List<JsonNode> nodes = new ArrayList<>();
        if (m.isArray()) m.forEach(nodes::add);
        else if (m.isObject()) nodes.add(m);
        List<Media> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode n = nodes.get(i);
            out.add(new Media(i, n.path("kind").asText("").toLowerCase(Locale.ROOT), textOf(n, "file_name"),
                    textOf(n, "mime_type"), n.hasNonNull("file_size") ? n.get("file_size").asLong() : null,
                    n.hasNonNull("width") ? n.get("width").asInt() : null, n.hasNonNull("height") ? n.get("height").asInt() : null,
                    n.hasNonNull("duration_seconds") ? n.get("duration_seconds").asInt() : null, textOf(n, "emoji")));
        }
        return out;
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isEmpty()) return JSON.createObjectNode();
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String textOf(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static Object node(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isObject() ? v : null;
    }

}
