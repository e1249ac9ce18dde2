package dev.tgdesk.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/** Telegram update JSON as the Bot API sends it, for tests that need many distinct chats and ids. */
final class Updates {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long BOT_USER_ID = 123456789L;

    private Updates() {
    }

    static ObjectNode user(long id, String firstName) {
        ObjectNode u = JSON.createObjectNode();
        u.put("id", id).put("is_bot", false).put("first_name", firstName).put("username", firstName.toLowerCase() + id)
                .put("language_code", "en");
        return u;
    }

    static ObjectNode privateChat(long userId, String firstName) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", userId).put("type", "private").put("first_name", firstName);
        return c;
    }

    static ObjectNode group(long chatId, String type, String title) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", chatId).put("type", type).put("title", title);
        return c;
    }

    static ObjectNode message(long updateId, long messageId, ObjectNode chat, ObjectNode from, String text) {
        ObjectNode update = JSON.createObjectNode();
        update.put("update_id", updateId);
        ObjectNode m = update.putObject("message");
        m.put("message_id", messageId).put("date", 1764160000 + messageId);
        m.set("chat", chat);
        if (from != null) m.set("from", from);
        if (text != null) m.put("text", text);
        return update;
    }

    static ObjectNode text(long updateId, long userId, long messageId, String text) {
        return message(updateId, messageId, privateChat(userId, "User"), user(userId, "User"), text);
    }

    static ObjectNode edited(long updateId, long userId, long messageId, String newText) {
        ObjectNode update = text(updateId, userId, messageId, newText);
        ObjectNode m = (ObjectNode) update.remove("message");
        m.put("edit_date", 1764169999);
        update.set("edited_message", m);
        return update;
    }

    static ObjectNode myChatMember(long updateId, long userId, String oldStatus, String newStatus) {
        ObjectNode update = JSON.createObjectNode();
        update.put("update_id", updateId);
        ObjectNode c = update.putObject("my_chat_member");
        c.set("chat", privateChat(userId, "User"));
        c.set("from", user(userId, "User"));
        c.put("date", 1764160000);
        ObjectNode bot = JSON.createObjectNode().put("id", BOT_USER_ID).put("is_bot", true).put("first_name", "Bot");
        c.putObject("old_chat_member").put("status", oldStatus).set("user", bot);
        c.putObject("new_chat_member").put("status", newStatus).set("user", bot.deepCopy());
        return update;
    }

    static byte[] bytes(ObjectNode update) {
        return update.toString().getBytes(StandardCharsets.UTF_8);
    }
}
