package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.emulators.telegram.MessageEdit;
import dev.tgdesk.emulators.telegram.OutgoingMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the simulated Telegram page shows: every chat of one bot as its people see it — their messages and the bot's,
 * in Telegram's order (message ids count up per chat, shared by both sides), bot messages as they are after edits.
 * Fed by the fake Telegram as things happen ({@link FakeTelegram.Observer}); every change gets the next revision
 * number, so the page asks for "what changed after revision n" and replaces messages by id.
 */
final class SimulatorJournal implements FakeTelegram.Observer {

    /** Kept per chat; older messages are dropped (a local page, not an archive). */
    static final int MAX_MESSAGES_PER_CHAT = 2000;

    /** {@code from}: {@code user}, {@code bot} or {@code service} (joins and the like). */
    record Entry(long chatId, long messageId, long rev, String from, ObjectNode message, JsonNode sentMarkup, String mediaKind,
                 boolean edited) {
    }

    private final long botId;
    private final FakeTelegram telegram;
    private final ObjectMapper json;
    private final Map<Long, TreeMap<Long, Entry>> chats = new HashMap<>();
    private long rev;

    SimulatorJournal(FakeTelegram telegram, FakeBot bot, ObjectMapper json) {
        this.telegram = telegram;
        this.botId = bot.id();
        this.json = json;
    }

    // ---------------------------------------------------------------- what happens in the fake

    @Override
    public void update(FakeBot bot, ObjectNode update) {
        if (bot.id() != botId) return;
        JsonNode message = update.has("message") ? update.get("message") : update.get("edited_message");
        if (message == null || !message.isObject()) return;
        boolean edited = update.has("edited_message");
        String from = isServiceMessage(message) ? "service" : "user";
        put(message.path("chat").path("id").asLong(), message.path("message_id").asLong(), from, (ObjectNode) message, null, null, edited);
    }

    @Override
    public void sent(OutgoingMessage m) {
        if (m.botId() != botId) return;
        put(m.chatId(), m.messageId(), "bot", m.message(), m.replyMarkup(), m.mediaKind(), false);
    }

    @Override
    public void edited(MessageEdit edit, ObjectNode message) {
        if (edit.botId() != botId) return;
        synchronized (this) {
            Entry old = chat(edit.chatId()).get(edit.messageId());
            put(edit.chatId(), edit.messageId(), "bot", message, old == null ? null : old.sentMarkup(),
                    old == null ? null : old.mediaKind(), true);
        }
    }

    private synchronized void put(long chatId, long messageId, String from, ObjectNode message, JsonNode sentMarkup,
                                  String mediaKind, boolean edited) {
        TreeMap<Long, Entry> chat = chat(chatId);
        chat.put(messageId, new Entry(chatId, messageId, ++rev, from, message.deepCopy(), sentMarkup, mediaKind, edited));
        while (chat.size() > MAX_MESSAGES_PER_CHAT) chat.pollFirstEntry();
        notifyAll();
    }

    private TreeMap<Long, Entry> chat(long chatId) {
        return chats.computeIfAbsent(chatId, k -> new TreeMap<>());
    }

    private static boolean isServiceMessage(JsonNode m) {
        for (String content : List.of("text", "caption", "photo", "document", "video", "voice", "audio", "animation", "sticker",
                "video_note", "location", "venue", "contact", "poll", "dice")) {
            if (m.has(content)) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- reading

    synchronized long revision() {
        return rev;
    }

    /** The chat's messages changed after revision {@code after}, by message id. */
    synchronized List<Entry> changedAfter(long chatId, long after) {
        TreeMap<Long, Entry> chat = chats.get(chatId);
        if (chat == null) return List.of();
        List<Entry> out = new ArrayList<>();
        for (Entry e : chat.values()) if (e.rev() > after) out.add(e);
        return out;
    }

    /** Waits up to {@code millis} for any change after {@code after} (a long poll); true when there is one. */
    synchronized boolean awaitChangeAfter(long after, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (rev <= after) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) return false;
            wait(left);
        }
        return true;
    }

    /** The message as the page renders it (all of it text for {@code textContent}; file URLs only for kept files). */
    ObjectNode view(Entry e) {
        JsonNode m = e.message();
        ObjectNode v = json.createObjectNode()
                .put("message_id", e.messageId())
                .put("rev", e.rev())
                .put("from", e.from())
                .put("date", m.path("date").asLong());
        if (e.edited() || m.has("edit_date")) v.put("edited", true);
        JsonNode sender = m.path("from");
        if (!e.from().equals("bot") && sender.isObject()) {
            ObjectNode s = v.putObject("sender").put("id", sender.path("id").asLong()).put("name", name(sender));
            if (sender.hasNonNull("username")) s.put("username", sender.get("username").asText());
        }
        if (m.hasNonNull("text")) v.put("text", m.get("text").asText());
        if (m.hasNonNull("caption")) v.put("caption", m.get("caption").asText());
        JsonNode photo = m.path("photo");
        if (photo.isArray() && !photo.isEmpty()) {
            JsonNode largest = photo.get(photo.size() - 1);
            ObjectNode p = v.putObject("photo").put("file_id", largest.path("file_id").asText())
                    .put("width", largest.path("width").asInt()).put("height", largest.path("height").asInt());
            fileUrl(p, largest.path("file_id").asText());
        }
        for (String kind : List.of("document", "video", "voice", "audio", "animation", "sticker", "video_note")) {
            JsonNode file = m.path(kind);
            if (!file.isObject()) continue;
            ObjectNode f = v.putObject("file").put("kind", kind).put("file_id", file.path("file_id").asText());
            if (file.hasNonNull("file_name")) f.put("file_name", file.get("file_name").asText());
            if (file.hasNonNull("mime_type")) f.put("mime_type", file.get("mime_type").asText());
            if (file.hasNonNull("file_size")) f.put("file_size", file.get("file_size").asLong());
            if (file.hasNonNull("emoji")) f.put("emoji", file.get("emoji").asText());
            fileUrl(f, file.path("file_id").asText());
            break;
        }
        ArrayNode buttons = inlineButtons(m.path("reply_markup"));
        if (buttons != null) v.set("buttons", buttons);
        if (e.sentMarkup() != null) {
            JsonNode keyboard = e.sentMarkup().path("keyboard");
            if (keyboard.isArray()) {
                ArrayNode rows = v.putArray("reply_keyboard");
                for (JsonNode row : keyboard) {
                    ArrayNode r = rows.addArray();
                    for (JsonNode b : row) r.add(b.isTextual() ? b.asText() : b.path("text").asText());
                }
            }
            if (e.sentMarkup().path("remove_keyboard").asBoolean(false)) v.put("remove_keyboard", true);
        }
        if (e.from().equals("service")) v.put("service", serviceText(m));
        return v;
    }

    private void fileUrl(ObjectNode file, String fileId) {
        if (telegram.storedFile(fileId) != null) file.put("url", SimulatorEndpoints.FILES_PATH + fileId);
    }

    private static ArrayNode inlineButtons(JsonNode markup) {
        JsonNode keyboard = markup.path("inline_keyboard");
        if (!keyboard.isArray() || keyboard.isEmpty()) return null;
        ArrayNode rows = keyboard.deepCopy();
        return rows;
    }

    static String name(JsonNode user) {
        String first = user.path("first_name").asText("");
        String last = user.path("last_name").asText("");
        return (first + " " + last).strip();
    }

    private static String serviceText(JsonNode m) {
        String who = name(m.path("from"));
        if (m.has("new_chat_members")) {
            List<String> names = new ArrayList<>();
            m.get("new_chat_members").forEach(u -> names.add(u.hasNonNull("username") ? "@" + u.get("username").asText() : name(u)));
            return who + " added " + String.join(", ", names);
        }
        if (m.has("left_chat_member")) return who + " removed " + name(m.get("left_chat_member"));
        if (m.has("group_chat_created") || m.has("supergroup_chat_created")) return who + " created the group";
        if (m.has("migrate_to_chat_id")) return "The group became a supergroup";
        if (m.has("migrate_from_chat_id")) return "The group was upgraded from a basic group";
        if (m.has("new_chat_title")) return who + " renamed the group to " + m.get("new_chat_title").asText();
        if (m.has("pinned_message")) return who + " pinned a message";
        if (m.has("forum_topic_created")) return who + " created a topic";
        return who + ": a service message";
    }
}
