package dev.tgdesk.domain;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns Telegram's update JSON into a {@link TelegramUpdate}. Lenient where Telegram (or a self-hosted
 * Bot API server) may add or omit things, strict only about what the inbox needs: an {@code update_id},
 * and a chat for anything that is stored in a dialog.
 */
public final class UpdateParser {

    /** Update kinds this product acts on; every other field name is an update kind we acknowledge and count. */
    public static final Set<String> HANDLED_KINDS = Set.of(
            "message", "edited_message", "channel_post", "edited_channel_post", "callback_query", "my_chat_member");

    private final ObjectMapper json;

    public UpdateParser(ObjectMapper json) {
        this.json = json;
    }

    /** The outcome: a usable update (possibly {@link TelegramUpdate.Unsupported}) or a reason the body is not an update. */
    public sealed interface Outcome {
        record Parsed(TelegramUpdate update, JsonNode raw) implements Outcome {
        }

        record NotAnUpdate(String error) implements Outcome {
        }
    }

    public Outcome parse(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            return new Outcome.NotAnUpdate("body is not valid JSON");
        } catch (java.io.IOException e) {
            return new Outcome.NotAnUpdate("body could not be read");
        }
        return parse(root);
    }

    public Outcome parse(JsonNode root) {
        if (root == null || !root.isObject()) return new Outcome.NotAnUpdate("an update must be a JSON object");
        JsonNode idNode = root.get("update_id");
        if (idNode == null || !idNode.isIntegralNumber() || !idNode.canConvertToLong())
            return new Outcome.NotAnUpdate("update_id is missing or not an integer");
        long updateId = idNode.asLong();

        String kind = kindOf(root);
        if (kind == null) return parsed(new TelegramUpdate.Unsupported(updateId, "none", "update carries no content field"), root);
        JsonNode body = root.get(kind);
        try {
            TelegramUpdate update = switch (kind) {
                case "message", "edited_message", "channel_post", "edited_channel_post" ->
                        new TelegramUpdate.MessageUpdate(updateId, kind, message(body));
                case "callback_query" -> new TelegramUpdate.CallbackUpdate(updateId, kind, callback(body));
                case "my_chat_member" -> new TelegramUpdate.MembershipUpdate(updateId, kind, memberChange(body));
                default -> new TelegramUpdate.Unsupported(updateId, kind, "update kind not handled");
            };
            return parsed(update, root);
        } catch (Malformed e) {
            return parsed(new TelegramUpdate.Unsupported(updateId, kind, e.getMessage()), root);
        }
    }

    private static Outcome parsed(TelegramUpdate update, JsonNode raw) {
        return new Outcome.Parsed(update, raw);
    }

    /** The first field besides update_id: Telegram sends exactly one. Handled kinds win if a server sends more. */
    private static String kindOf(JsonNode root) {
        String other = null;
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equals("update_id")) continue;
            if (HANDLED_KINDS.contains(name)) return name;
            if (other == null && root.get(name).isObject()) other = name;
        }
        return other;
    }

    // ---- messages -------------------------------------------------------------------------------------

    private Message message(JsonNode m) {
        if (m == null || !m.isObject()) throw new Malformed("message is not an object");
        TelegramChat chat = chat(m.get("chat"));
        if (chat == null) throw new Malformed("message has no chat");
        long messageId = requiredLong(m, "message_id");
        List<MediaRef> media = media(m);
        JsonNode reply = m.get("reply_to_message");
        return new Message(
                messageId,
                chat,
                user(m.get("from")),
                chat(m.get("sender_chat")),
                longOr(m, "date", 0L),
                optLong(m, "edit_date"),
                optLong(m, "message_thread_id"),
                text(m, "text"),
                entities(m.get("entities")),
                text(m, "caption"),
                entities(m.get("caption_entities")),
                media,
                text(m, "media_group_id"),
                reply != null && reply.isObject() ? optLong(reply, "message_id") : null,
                location(m),
                sharedContact(m.get("contact")),
                service(m));
    }

    private List<MediaRef> media(JsonNode m) {
        List<MediaRef> out = new ArrayList<>();
        JsonNode photo = m.get("photo");
        if (photo != null && photo.isArray() && !photo.isEmpty()) {
            // Telegram lists sizes smallest first; keep the largest as the photo, it is what operators open.
            JsonNode best = photo.get(photo.size() - 1);
            out.add(file(MediaRef.Kind.PHOTO, best));
        }
        addFile(out, MediaRef.Kind.ANIMATION, m.get("animation"));
        if (!m.has("animation")) addFile(out, MediaRef.Kind.DOCUMENT, m.get("document"));
        addFile(out, MediaRef.Kind.VOICE, m.get("voice"));
        addFile(out, MediaRef.Kind.VIDEO, m.get("video"));
        addFile(out, MediaRef.Kind.VIDEO_NOTE, m.get("video_note"));
        addFile(out, MediaRef.Kind.AUDIO, m.get("audio"));
        addFile(out, MediaRef.Kind.STICKER, m.get("sticker"));
        return out;
    }

    private void addFile(List<MediaRef> out, MediaRef.Kind kind, JsonNode node) {
        if (node != null && node.isObject()) out.add(file(kind, node));
    }

    private MediaRef file(MediaRef.Kind kind, JsonNode f) {
        String fileId = text(f, "file_id");
        if (fileId == null) throw new Malformed(kind.name().toLowerCase() + " has no file_id");
        Integer duration = optInt(f, "duration");
        if (kind == MediaRef.Kind.VIDEO_NOTE && f.has("length")) {
            return new MediaRef(kind, fileId, text(f, "file_unique_id"), null, null, optLong(f, "file_size"),
                    optInt(f, "length"), optInt(f, "length"), duration, null);
        }
        return new MediaRef(kind, fileId, text(f, "file_unique_id"), text(f, "file_name"), text(f, "mime_type"),
                optLong(f, "file_size"), optInt(f, "width"), optInt(f, "height"), duration, text(f, "emoji"));
    }

    private Location location(JsonNode m) {
        JsonNode venue = m.get("venue");
        if (venue != null && venue.isObject()) {
            JsonNode loc = venue.get("location");
            if (loc != null && loc.isObject())
                return new Location(loc.path("latitude").asDouble(), loc.path("longitude").asDouble(),
                        text(venue, "title"), text(venue, "address"));
        }
        JsonNode loc = m.get("location");
        if (loc != null && loc.isObject())
            return new Location(loc.path("latitude").asDouble(), loc.path("longitude").asDouble(), null, null);
        return null;
    }

    private SharedContact sharedContact(JsonNode c) {
        if (c == null || !c.isObject()) return null;
        return new SharedContact(text(c, "phone_number"), text(c, "first_name"), text(c, "last_name"), optLong(c, "user_id"));
    }

    private ServiceEvent service(JsonNode m) {
        if (m.has("migrate_to_chat_id"))
            return new ServiceEvent(ServiceEvent.Type.MIGRATED_TO, List.of(), null, optLong(m, "migrate_to_chat_id"), null);
        if (m.has("migrate_from_chat_id"))
            return new ServiceEvent(ServiceEvent.Type.MIGRATED_FROM, List.of(), null, null, optLong(m, "migrate_from_chat_id"));
        JsonNode joined = m.get("new_chat_members");
        if (joined != null && joined.isArray()) {
            List<TelegramUser> members = new ArrayList<>();
            joined.forEach(u -> {
                TelegramUser user = user(u);
                if (user != null) members.add(user);
            });
            return new ServiceEvent(ServiceEvent.Type.MEMBERS_JOINED, members, null, null, null);
        }
        JsonNode left = m.get("left_chat_member");
        if (left != null && left.isObject()) {
            TelegramUser user = user(left);
            return new ServiceEvent(ServiceEvent.Type.MEMBER_LEFT, user == null ? List.of() : List.of(user), null, null, null);
        }
        if (m.has("new_chat_title"))
            return new ServiceEvent(ServiceEvent.Type.TITLE_CHANGED, List.of(), text(m, "new_chat_title"), null, null);
        if (m.has("group_chat_created") || m.has("supergroup_chat_created") || m.has("channel_chat_created"))
            return new ServiceEvent(ServiceEvent.Type.GROUP_CREATED, List.of(), null, null, null);
        if (m.has("pinned_message"))
            return new ServiceEvent(ServiceEvent.Type.PINNED, List.of(), null, null, null);
        return null;
    }

    // ---- callback queries and membership --------------------------------------------------------------

    private CallbackQuery callback(JsonNode q) {
        if (q == null || !q.isObject()) throw new Malformed("callback_query is not an object");
        String id = text(q, "id");
        TelegramUser from = user(q.get("from"));
        if (id == null || from == null) throw new Malformed("callback_query has no id or from");
        JsonNode msg = q.get("message");
        TelegramChat chat = msg != null && msg.isObject() ? chat(msg.get("chat")) : null;
        Long messageId = msg != null && msg.isObject() ? optLong(msg, "message_id") : null;
        return new CallbackQuery(id, from, chat, messageId, text(q, "inline_message_id"), text(q, "chat_instance"), text(q, "data"));
    }

    private ChatMemberChange memberChange(JsonNode c) {
        if (c == null || !c.isObject()) throw new Malformed("my_chat_member is not an object");
        TelegramChat chat = chat(c.get("chat"));
        if (chat == null) throw new Malformed("my_chat_member has no chat");
        JsonNode oldMember = c.path("old_chat_member");
        JsonNode newMember = c.path("new_chat_member");
        return new ChatMemberChange(chat, user(c.get("from")), user(newMember.get("user")),
                text(oldMember, "status"), text(newMember, "status"), longOr(c, "date", 0L));
    }

    // ---- users, chats, entities -----------------------------------------------------------------------

    private TelegramUser user(JsonNode u) {
        if (u == null || !u.isObject() || !isLong(u.get("id"))) return null;
        return new TelegramUser(u.get("id").asLong(), u.path("is_bot").asBoolean(false), text(u, "first_name"),
                text(u, "last_name"), text(u, "username"), text(u, "language_code"));
    }

    private TelegramChat chat(JsonNode c) {
        if (c == null || !c.isObject() || !isLong(c.get("id"))) return null;
        TelegramChat.ChatType type = TelegramChat.ChatType.fromTelegram(text(c, "type"));
        if (type == null) type = c.get("id").asLong() > 0 ? TelegramChat.ChatType.PRIVATE : TelegramChat.ChatType.GROUP;
        return new TelegramChat(c.get("id").asLong(), type, text(c, "title"), text(c, "username"),
                text(c, "first_name"), text(c, "last_name"), c.path("is_forum").asBoolean(false));
    }

    private List<TextEntity> entities(JsonNode array) {
        if (array == null || !array.isArray()) return List.of();
        List<TextEntity> out = new ArrayList<>(array.size());
        for (JsonNode e : array) {
            if (!e.isObject()) continue;
            JsonNode user = e.get("user");
            out.add(new TextEntity(text(e, "type"), e.path("offset").asInt(), e.path("length").asInt(), text(e, "url"),
                    text(e, "language"), user != null && isLong(user.get("id")) ? user.get("id").asLong() : null,
                    text(e, "custom_emoji_id")));
        }
        return out;
    }

    // ---- lenient scalar access ------------------------------------------------------------------------

    private static boolean isLong(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong();
    }

    private static long requiredLong(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (!isLong(n)) throw new Malformed(field + " is missing or not an integer");
        return n.asLong();
    }

    private static long longOr(JsonNode parent, String field, long fallback) {
        JsonNode n = parent.get(field);
        return isLong(n) ? n.asLong() : fallback;
    }

    private static Long optLong(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return isLong(n) ? n.asLong() : null;
    }

    private static Integer optInt(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n != null && n.isIntegralNumber() && n.canConvertToInt() ? n.asInt() : null;
    }

    private static String text(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null || n.isNull() || n.isContainerNode()) return null;
        return n.asText();
    }

    /** A known update kind whose content is unusable; becomes {@link TelegramUpdate.Unsupported}. */
    private static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
