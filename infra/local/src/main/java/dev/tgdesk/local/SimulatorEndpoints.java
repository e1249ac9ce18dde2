package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeGroup;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.emulators.telegram.FakeUser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON endpoints behind the simulated Telegram page ({@code /telegram/}), local only, on top of the fake Telegram:
 * people are {@link FakeUser}s, their actions go through {@link FakeBot}'s {@code user…} methods (so the bot gets
 * exactly the updates Telegram would send, over the webhook), and what they see comes from {@link SimulatorJournal}.
 *
 * <pre>
 * GET  /local/sim/state                          {"bot": {...}, "users": [User], "chats": [Chat]}
 * POST /local/sim/users                          {"first_name", "username"?, "language_code"?}  → 201 {"user", "chat"}
 * POST /local/sim/groups                         {"title", "member_ids": [...]}                 → 201 {"chat"}
 * GET  /local/sim/chats/{chatId}/messages?after=&lt;rev&gt;[&amp;wait=&lt;ms&gt;]  {"chat_id", "rev", "messages": [Message]}
 * POST /local/sim/chats/{chatId}/messages        {"from"?, "text"}                              → 201 {"update_id", "message_id"}
 * POST /local/sim/chats/{chatId}/files           {"from"?, "kind": photo|document, "file_name"?, "mime_type"?,
 *                                                 "data": base64, "caption"?}                   → 201 {"update_id", "message_id"}
 * POST /local/sim/chats/{chatId}/press           {"from"?, "message_id", "data"}                → 200 {"update_id"}
 * GET  /local/sim/files/{fileId}                 the bytes the fake keeps for that file (pictures inline, the rest
 *                                                as attachments)
 * </pre>
 *
 * <p>{@code from} is the user id writing; in a private chat it is the chat's user and may be left out, in a group it
 * must be a member. Errors are {@code {"error": "..."}} with 400 (bad input), 404 (unknown chat, user or file) or
 * 409 (Telegram would not allow it, e.g. the bot is not in the group).
 */
final class SimulatorEndpoints implements HttpHandler {

    static final String PREFIX = "/local/sim/";
    static final String FILES_PATH = PREFIX + "files/";
    /** Telegram's limit for photos, and for files a bot may download with getFile. */
    static final int MAX_PHOTO_BYTES = 10 * 1024 * 1024;
    static final int MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
    static final int MAX_TEXT = 4096;
    static final int MAX_CAPTION = 1024;
    private static final int MAX_BODY = MAX_DOCUMENT_BYTES / 3 * 4 + 64 * 1024;

    private static final Pattern CHAT_ACTION = Pattern.compile("chats/(-?\\d{1,19})/(messages|files|press)");
    private static final Pattern FILE = Pattern.compile("files/([A-Za-z0-9_-]{1,200})");
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{4,31}");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z]{2,8})?");
    private static final Set<String> INLINE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    /** An answer other than 200, with its status. */
    static final class Refusal extends RuntimeException {
        final int status;

        Refusal(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final FakeTelegram telegram;
    private final FakeBot bot;
    private final SimulatorJournal journal;
    private final ObjectMapper json;
    private final LongSupplier userIds;

    SimulatorEndpoints(FakeTelegram telegram, FakeBot bot, ObjectMapper json, LongSupplier userIds) {
        this.telegram = telegram;
        this.bot = bot;
        this.json = json;
        this.userIds = userIds;
        this.journal = new SimulatorJournal(telegram, bot, json);
        telegram.observe(journal);
    }

    SimulatorJournal journal() {
        return journal;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getPath();
            String rest = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
            try {
                Matcher file = FILE.matcher(rest);
                if (file.matches()) {
                    if (!method.equals("HEAD")) requireMethod(method, "GET");
                    file(exchange, file.group(1), method.equals("HEAD"));
                    return;
                }
                Matcher action = CHAT_ACTION.matcher(rest);
                JsonNode answer;
                int status = 200;
                if (rest.equals("state")) {
                    requireMethod(method, "GET");
                    answer = state();
                } else if (rest.equals("users")) {
                    requireMethod(method, "POST");
                    answer = createUser(body(exchange));
                    status = 201;
                } else if (rest.equals("groups")) {
                    requireMethod(method, "POST");
                    answer = createGroup(body(exchange));
                    status = 201;
                } else if (action.matches()) {
                    long chatId = Long.parseLong(action.group(1));
                    switch (action.group(2)) {
                        case "messages" -> {
                            if (method.equals("GET")) {
                                answer = messages(chatId, exchange.getRequestURI().getQuery());
                            } else {
                                requireMethod(method, "POST");
                                answer = write(chatId, body(exchange));
                                status = 201;
                            }
                        }
                        case "files" -> {
                            requireMethod(method, "POST");
                            answer = sendFile(chatId, body(exchange));
                            status = 201;
                        }
                        default -> {
                            requireMethod(method, "POST");
                            answer = press(chatId, body(exchange));
                        }
                    }
                } else {
                    throw new Refusal(404, "no such simulator endpoint: " + path);
                }
                reply(exchange, status, answer);
            } catch (Refusal r) {
                reply(exchange, r.status, error(r.getMessage()));
            } catch (IllegalArgumentException e) {
                reply(exchange, 400, error(e.getMessage()));
            } catch (IllegalStateException e) {
                reply(exchange, 409, error(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply(exchange, 503, error("stopping"));
            }
        }
    }

    // ---------------------------------------------------------------- people and chats

    private JsonNode state() {
        ObjectNode state = json.createObjectNode();
        state.putObject("bot").put("id", bot.id()).put("username", bot.username()).put("first_name", bot.firstName());
        ArrayNode users = state.putArray("users");
        ArrayNode chats = state.putArray("chats");
        for (FakeUser u : telegram.users()) {
            users.add(user(u));
            chats.add(privateChat(u));
        }
        for (FakeGroup g : telegram.groups()) {
            if (g.type() == FakeGroup.Type.CHANNEL || g.migratedToChatId() != null) continue;
            chats.add(group(g));
        }
        state.put("rev", journal.revision());
        return state;
    }

    private ObjectNode user(FakeUser u) {
        ObjectNode n = json.createObjectNode().put("id", u.id()).put("first_name", u.firstName());
        if (u.lastName() != null) n.put("last_name", u.lastName());
        if (u.username() != null) n.put("username", u.username());
        if (u.languageCode() != null) n.put("language_code", u.languageCode());
        return n;
    }

    private ObjectNode privateChat(FakeUser u) {
        String name = (u.firstName() + (u.lastName() == null ? "" : " " + u.lastName())).strip();
        return json.createObjectNode().put("chat_id", u.id()).put("type", "private").put("title", name).put("user_id", u.id())
                .put("started", bot.hasStarted(u)).put("blocked", bot.isBlockedBy(u));
    }

    private ObjectNode group(FakeGroup g) {
        ObjectNode n = json.createObjectNode().put("chat_id", g.id()).put("type", g.type().json()).put("title", g.title());
        if (g.username() != null) n.put("username", g.username());
        n.put("bot_is_member", bot.isMemberOf(g));
        ArrayNode members = n.putArray("members");
        for (long id : g.memberIds()) {
            FakeUser u = telegram.user(id);
            if (u != null) members.add(user(u));
        }
        return n;
    }

    private JsonNode createUser(JsonNode req) {
        String firstName = text(req, "first_name", true, 64);
        String username = text(req, "username", false, 32);
        if (username != null) {
            if (username.startsWith("@")) username = username.substring(1);
            if (!USERNAME.matcher(username).matches()) {
                throw new IllegalArgumentException("a username is 5–32 letters, digits or _, starting with a letter");
            }
            String wanted = username;
            if (telegram.users().stream().anyMatch(u -> wanted.equalsIgnoreCase(u.username()))) {
                throw new Refusal(409, "@" + username + " is taken");
            }
        }
        String language = text(req, "language_code", false, 12);
        if (language == null) language = "en";
        if (!LANGUAGE.matcher(language).matches()) throw new IllegalArgumentException("language_code is like en or ru");
        FakeUser user = telegram.addUser(userIds.getAsLong(), firstName, null, username, language);
        ObjectNode answer = json.createObjectNode();
        answer.set("user", user(user));
        answer.set("chat", privateChat(user));
        return answer;
    }

    /** A private supergroup with these members; one of them adds the bot (my_chat_member + new_chat_members). */
    private JsonNode createGroup(JsonNode req) {
        String title = text(req, "title", true, 128);
        JsonNode ids = req.path("member_ids");
        if (!ids.isArray() || ids.isEmpty()) throw new IllegalArgumentException("member_ids: at least one user id");
        List<FakeUser> members = new ArrayList<>();
        for (JsonNode id : ids) {
            FakeUser u = id.canConvertToLong() ? telegram.user(id.asLong()) : null;
            if (u == null) throw new Refusal(404, "no user " + id.asText());
            if (!members.contains(u)) members.add(u);
        }
        FakeGroup group = telegram.addSupergroup(title, null, members.toArray(FakeUser[]::new));
        bot.addedToGroup(group, members.getFirst());
        ObjectNode answer = json.createObjectNode();
        answer.set("chat", group(group));
        return answer;
    }

    // ---------------------------------------------------------------- what people do

    private JsonNode write(long chatId, JsonNode req) {
        String text = text(req, "text", true, MAX_TEXT);
        if (text.isBlank()) throw new IllegalArgumentException("text is empty");
        FakeGroup group = groupOrNull(chatId);
        FakeUser from = sender(chatId, group, req);
        ObjectNode update;
        if (group == null && (text.equals("/start") || text.startsWith("/start "))) {
            String payload = text.length() > 7 ? text.substring(7).strip() : null;
            update = bot.userStarts(from, payload == null || payload.isEmpty() ? null : payload);
        } else {
            update = group == null ? bot.userSends(from, text) : bot.userSends(from, group, text);
        }
        return sentAnswer(update);
    }

    private JsonNode sendFile(long chatId, JsonNode req) {
        String kind = text(req, "kind", true, 16);
        if (!kind.equals("photo") && !kind.equals("document")) throw new IllegalArgumentException("kind is photo or document");
        String data = text(req, "data", true, MAX_BODY);
        byte[] bytes;
        try {
            String base64 = data.startsWith("data:") && data.contains(",") ? data.substring(data.indexOf(',') + 1) : data;
            bytes = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("data must be the file in base64");
        }
        if (bytes.length == 0) throw new IllegalArgumentException("the file is empty");
        int limit = kind.equals("photo") ? MAX_PHOTO_BYTES : MAX_DOCUMENT_BYTES;
        if (bytes.length > limit) throw new Refusal(413, kind + "s are at most " + limit / (1024 * 1024) + " MB");
        String caption = text(req, "caption", false, MAX_CAPTION);
        if (caption != null && caption.isBlank()) caption = null;
        FakeGroup group = groupOrNull(chatId);
        FakeUser from = sender(chatId, group, req);
        if (kind.equals("photo")) return sentAnswer(bot.userSendsPhoto(from, group, bytes, caption));
        String fileName = text(req, "file_name", false, 255);
        if (fileName != null) fileName = fileName.replaceAll("[\\\\/\\p{Cntrl}]", "_").strip();
        String mimeType = text(req, "mime_type", false, 127);
        if (mimeType != null && !mimeType.matches("[A-Za-z0-9!#$&^_.+-]{1,63}/[A-Za-z0-9!#$&^_.+-]{1,63}")) mimeType = null;
        return sentAnswer(bot.userSendsDocument(from, group, fileName == null || fileName.isEmpty() ? "file" : fileName,
                mimeType == null ? "application/octet-stream" : mimeType, bytes, caption));
    }

    private JsonNode press(long chatId, JsonNode req) {
        JsonNode messageId = req.path("message_id");
        if (!messageId.canConvertToLong() || !messageId.isIntegralNumber()) throw new IllegalArgumentException("message_id is required");
        String data = text(req, "data", true, 64);
        FakeGroup group = groupOrNull(chatId);
        FakeUser from = sender(chatId, group, req);
        ObjectNode update = bot.userPresses(from, chatId, messageId.asLong(), data);
        return json.createObjectNode().put("update_id", update.path("update_id").asLong());
    }

    private ObjectNode sentAnswer(ObjectNode update) {
        return json.createObjectNode().put("update_id", update.path("update_id").asLong())
                .put("message_id", update.path("message").path("message_id").asLong());
    }

    private FakeGroup groupOrNull(long chatId) {
        if (chatId > 0) {
            if (telegram.user(chatId) == null) throw new Refusal(404, "no private chat " + chatId);
            return null;
        }
        FakeGroup group = telegram.group(chatId);
        if (group == null) throw new Refusal(404, "no group " + chatId);
        return group;
    }

    /** Who acts: the chat's user in a private chat; a member ({@code from}) in a group. */
    private FakeUser sender(long chatId, FakeGroup group, JsonNode req) {
        JsonNode from = req.path("from");
        if (group == null) {
            if (from.canConvertToLong() && from.asLong() != chatId) {
                throw new IllegalArgumentException("only user " + chatId + " writes in this private chat");
            }
            return telegram.user(chatId);
        }
        if (!from.canConvertToLong()) throw new IllegalArgumentException("from: which member writes in the group");
        FakeUser user = telegram.user(from.asLong());
        if (user == null) throw new Refusal(404, "no user " + from.asText());
        if (!group.hasMember(user)) throw new IllegalStateException(user.firstName() + " is not a member of " + group.title());
        return user;
    }

    // ---------------------------------------------------------------- what people see

    private JsonNode messages(long chatId, String query) throws InterruptedException {
        if (chatId > 0 ? telegram.user(chatId) == null : telegram.group(chatId) == null) throw new Refusal(404, "no chat " + chatId);
        long after = queryLong(query, "after", 0);
        long wait = Math.min(Math.max(queryLong(query, "wait", 0), 0), 25_000);
        List<SimulatorJournal.Entry> changed = journal.changedAfter(chatId, after);
        long deadline = System.currentTimeMillis() + wait;
        while (changed.isEmpty() && System.currentTimeMillis() < deadline) {
            long seen = journal.revision();
            journal.awaitChangeAfter(seen, deadline - System.currentTimeMillis());
            changed = journal.changedAfter(chatId, after);
        }
        ObjectNode answer = json.createObjectNode().put("chat_id", chatId).put("rev", journal.revision());
        ArrayNode list = answer.putArray("messages");
        for (SimulatorJournal.Entry e : changed) list.add(journal.view(e));
        return answer;
    }

    private void file(HttpExchange exchange, String fileId, boolean head) throws IOException {
        FakeTelegram.StoredFile file = telegram.storedFile(fileId);
        if (file == null) throw new Refusal(404, "no such file");
        String type = file.mimeType() == null ? "application/octet-stream" : file.mimeType().toLowerCase(Locale.ROOT);
        boolean inline = INLINE_TYPES.contains(type);
        var h = exchange.getResponseHeaders();
        h.set("Content-Type", inline ? type : "application/octet-stream");
        String name = file.fileName() == null ? "file" : file.fileName().replaceAll("[^A-Za-z0-9._ -]", "_");
        h.set("Content-Disposition", (inline ? "inline" : "attachment") + "; filename=\"" + name + "\"");
        h.set("Content-Security-Policy", "default-src 'none'; sandbox");
        h.set("Cache-Control", "private, max-age=3600");
        if (head) {
            h.set("Content-Length", Integer.toString(file.content().length));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, file.content().length == 0 ? -1 : file.content().length);
        exchange.getResponseBody().write(file.content());
    }

    // ---------------------------------------------------------------- plumbing

    private static void requireMethod(String method, String expected) {
        if (!method.equals(expected)) throw new Refusal(405, expected + " only");
    }

    private JsonNode body(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) throw new Refusal(413, "the request is too large");
        JsonNode node;
        try {
            node = bytes.length == 0 ? json.createObjectNode() : json.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body must be JSON");
        }
        if (node == null || !node.isObject()) throw new IllegalArgumentException("the body must be a JSON object");
        return node;
    }

    private static String text(JsonNode req, String field, boolean required, int maxLength) {
        JsonNode v = req.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
            if (required) throw new IllegalArgumentException(field + " is required");
            return null;
        }
        if (!v.isTextual()) throw new IllegalArgumentException(field + " must be a string");
        String s = v.asText();
        if (s.length() > maxLength) throw new IllegalArgumentException(field + " is at most " + maxLength + " characters");
        return s;
    }

    private static long queryLong(String query, String name, long fallback) {
        if (query == null) return fallback;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                try {
                    return Long.parseLong(pair.substring(eq + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + " must be a whole number");
                }
            }
        }
        return fallback;
    }

    private ObjectNode error(String message) {
        return json.createObjectNode().put("error", String.valueOf(message));
    }

    private void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
