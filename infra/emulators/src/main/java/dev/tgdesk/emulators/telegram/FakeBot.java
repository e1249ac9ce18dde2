package dev.tgdesk.emulators.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A bot registered with {@link FakeTelegram}: its relations to users and groups, its pending
 * updates, what it sent, its flood counters and armed faults.
 *
 * <p>The {@code user…} methods simulate what people do in Telegram and produce the updates Telegram
 * would send this bot, exactly as it serializes them; each returns the update (or updates) with its
 * {@code update_id}. They throw {@link IllegalStateException} for things Telegram would not let
 * happen (a blocked user writing, a group message the bot cannot see), which is usually a test bug.
 */
public final class FakeBot {

    private final FakeTelegram telegram;
    private final String token;
    private final long id;
    private final String username;
    private final String firstName;
    private final UpdateQueue updates;
    private final RateLimiter rateLimiter;

    private final Set<Long> startedBy = ConcurrentHashMap.newKeySet();
    private final Set<Long> blockedBy = ConcurrentHashMap.newKeySet();
    private final Set<Long> memberOf = ConcurrentHashMap.newKeySet();
    private final Set<Long> kickedFrom = ConcurrentHashMap.newKeySet();
    /** Callback query ids not answered yet. */
    private final Set<String> openCallbackQueries = ConcurrentHashMap.newKeySet();
    private final List<CallbackAnswer> callbackAnswers = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Fault>> faults = new HashMap<>();

    FakeBot(FakeTelegram telegram, String token, long id, String username, String firstName,
            UpdateQueue updates, RateLimiter rateLimiter) {
        this.telegram = telegram;
        this.token = token;
        this.id = id;
        this.username = username;
        this.firstName = firstName;
        this.updates = updates;
        this.rateLimiter = rateLimiter;
    }

    public String token() {
        return token;
    }

    /** The bot's user id: the numeric prefix of its token. */
    public long id() {
        return id;
    }

    public String username() {
        return username;
    }

    public String firstName() {
        return firstName;
    }

    // ================================================================ simulated users: private chat

    /** The user presses Start (or opens a {@code t.me/bot?start=} link with no payload). */
    public ObjectNode userStarts(FakeUser user) {
        return userStarts(user, null);
    }

    /**
     * The user presses Start, via a deep link {@code t.me/<bot>?start=<payload>} if payload is not
     * null. If the user had blocked the bot this is the "Restart" button: a {@code my_chat_member}
     * update (kicked → member) comes first.
     */
    public synchronized ObjectNode userStarts(FakeUser user, String payload) {
        requireActive(user);
        if (blockedBy.contains(user.id())) {
            userUnblocks(user);
        }
        startedBy.add(user.id());
        return userSends(user, payload == null ? "/start" : "/start " + payload);
    }

    /** A text message in the private chat; marks the chat as started (the bot may now answer). */
    public ObjectNode userSends(FakeUser user, String text) {
        return message(user, null, null, msg -> putText(msg, "text", "entities", text));
    }

    public ObjectNode userSendsPhoto(FakeUser user, String caption) {
        return message(user, null, null, msg -> putPhoto(msg, caption));
    }

    /** A file sent as a document; {@code caption} may be null. */
    public ObjectNode userSendsDocument(FakeUser user, String fileName, String mimeType, long fileSize,
            String caption) {
        return message(user, null, null, msg -> {
            msg.putObject("document")
                    .put("file_name", fileName)
                    .put("mime_type", mimeType)
                    .put("file_id", TelegramJson.fileId("BQACAgIAAxkBAAI", 42))
                    .put("file_unique_id", TelegramJson.fileId("AgAD", 9))
                    .put("file_size", fileSize);
            putCaption(msg, caption);
        });
    }

    /**
     * A file with real content sent as a document: the fake keeps it, so {@code getFile} and the file URL serve
     * it; {@code caption} may be null.
     */
    public ObjectNode userSendsDocument(FakeUser user, String fileName, String mimeType, byte[] content, String caption) {
        String fileId = telegram.storeFile("document", fileName, mimeType, content);
        String uniqueId = telegram.storedFile(fileId).fileUniqueId();
        return message(user, null, null, msg -> {
            msg.putObject("document")
                    .put("file_name", fileName)
                    .put("mime_type", mimeType)
                    .put("file_id", fileId)
                    .put("file_unique_id", uniqueId)
                    .put("file_size", content.length);
            putCaption(msg, caption);
        });
    }

    /**
     * A picture sent as a photo, with real content, in the private chat ({@code group} null) or in a group: like
     * Telegram, the fake re-encodes it as JPEG in the sizes it keeps (longest side 90, 320, 800 and 1280 pixels, only
     * those smaller than the picture, then the picture itself up to 1280), smallest first, and keeps every size so
     * {@code getFile} and the file URL serve them. {@code caption} may be null.
     *
     * @throws IllegalArgumentException when the bytes are not a picture (PNG, JPEG, GIF, BMP)
     */
    public ObjectNode userSendsPhoto(FakeUser user, FakeGroup group, byte[] picture, String caption) {
        List<PhotoSizes.Size> sizes = PhotoSizes.of(picture);
        ArrayNode photo = telegram.json().createArrayNode();
        for (PhotoSizes.Size size : sizes) {
            String fileId = telegram.storeFile("photo", "photo.jpg", "image/jpeg", size.jpeg());
            photo.addObject()
                    .put("file_id", fileId)
                    .put("file_unique_id", telegram.storedFile(fileId).fileUniqueId())
                    .put("file_size", size.jpeg().length)
                    .put("width", size.width())
                    .put("height", size.height());
        }
        return message(user, group, null, msg -> {
            msg.set("photo", photo);
            putCaption(msg, caption);
        });
    }

    /**
     * A file with real content sent as a document in the private chat ({@code group} null) or in a group; the fake
     * keeps it for {@code getFile} and the file URL. {@code mimeType} and {@code caption} may be null.
     */
    public ObjectNode userSendsDocument(FakeUser user, FakeGroup group, String fileName, String mimeType, byte[] content,
            String caption) {
        if (content.length == 0) {
            throw new IllegalArgumentException("Telegram does not send empty files");
        }
        String fileId = telegram.storeFile("document", fileName, mimeType, content);
        String uniqueId = telegram.storedFile(fileId).fileUniqueId();
        return message(user, group, null, msg -> {
            ObjectNode document = msg.putObject("document");
            if (fileName != null) {
                document.put("file_name", fileName);
            }
            if (mimeType != null) {
                document.put("mime_type", mimeType);
            }
            document.put("file_id", fileId)
                    .put("file_unique_id", uniqueId)
                    .put("file_size", content.length);
            putCaption(msg, caption);
        });
    }

    // ================================================================ simulated users: groups

    /** A text message in a group the bot is in (the fake delivers all of them, as with privacy mode off). */
    public ObjectNode userSends(FakeUser user, FakeGroup group, String text) {
        return message(user, Objects.requireNonNull(group, "group"), null,
                msg -> putText(msg, "text", "entities", text));
    }

    /**
     * A text message in a forum topic created with {@link FakeTelegram#createTopic}. Like Telegram,
     * it carries the topic's creation message as {@code reply_to_message}.
     */
    public ObjectNode userSendsInTopic(FakeUser user, FakeGroup forum, long threadId, String text) {
        ObjectNode topicCreated = forum.topicCreatedMessage(threadId);
        if (topicCreated == null) {
            throw new IllegalStateException("no topic " + threadId + " in " + forum);
        }
        return message(user, forum, threadId, msg -> {
            msg.set("reply_to_message", topicCreated);
            putText(msg, "text", "entities", text);
        });
    }

    public ObjectNode userSendsPhoto(FakeUser user, FakeGroup group, String caption) {
        return message(user, Objects.requireNonNull(group, "group"), null, msg -> putPhoto(msg, caption));
    }

    // ================================================================ simulated users: other actions

    /**
     * The user edits one of their messages.
     *
     * @param original the update {@code user…} returned for it, or its {@code message} object
     */
    public synchronized ObjectNode userEdits(FakeUser user, JsonNode original, String newText) {
        JsonNode message = original.has("message") ? original.get("message") : original;
        if (message.path("from").path("id").asLong() != user.id()) {
            throw new IllegalArgumentException("that message is not from user " + user.id());
        }
        ObjectNode edited = telegram.json().createObjectNode();
        for (Map.Entry<String, JsonNode> field : message.properties()) {
            if (field.getKey().equals("text") || field.getKey().equals("entities")) {
                continue;
            }
            edited.set(field.getKey(), field.getValue().deepCopy());
            if (field.getKey().equals("date")) {
                edited.put("edit_date", now());
            }
        }
        putText(edited, "text", "entities", newText);
        return push("edited_message", edited);
    }

    /**
     * The user presses an inline button of a message this bot sent.
     *
     * @param callbackData the button's {@code callback_data}; must be one of the message's buttons
     */
    public synchronized ObjectNode userPresses(FakeUser user, OutgoingMessage message, String callbackData) {
        if (message.botId() != id) {
            throw new IllegalArgumentException("message " + message.messageId() + " was sent by another bot");
        }
        if (!message.callbackData().contains(callbackData)) {
            throw new IllegalArgumentException("message " + message.messageId() + " has no button with callback_data "
                    + callbackData + "; it has " + message.callbackData());
        }
        requireActive(user);
        String queryId = Long.toUnsignedString(ThreadLocalRandom.current().nextLong());
        openCallbackQueries.add(queryId);
        ObjectNode query = telegram.json().createObjectNode().put("id", queryId);
        query.set("from", TelegramJson.user(user));
        query.set("message", message.message().deepCopy());
        query.put("chat_instance", chatInstance(message.chatId()));
        query.put("data", callbackData);
        return push("callback_query", query);
    }

    /**
     * The user presses an inline button of a bot message as the message now is (after the bot's edits): the button must
     * still be there, and the {@code callback_query} carries the current message, as Telegram's does.
     *
     * @throws IllegalArgumentException when this bot sent no such message to that chat, or it has no such button now
     */
    public synchronized ObjectNode userPresses(FakeUser user, long chatId, long messageId, String callbackData) {
        ObjectNode current = telegram.botMessage(id, chatId, messageId);
        if (current == null) {
            throw new IllegalArgumentException("the bot sent no message " + messageId + " to chat " + chatId);
        }
        List<String> buttons = new ArrayList<>();
        for (JsonNode row : current.path("reply_markup").path("inline_keyboard")) {
            for (JsonNode button : row) {
                if (button.hasNonNull("callback_data")) {
                    buttons.add(button.get("callback_data").asText());
                }
            }
        }
        if (!buttons.contains(callbackData)) {
            throw new IllegalArgumentException("message " + messageId + " has no button with callback_data " + callbackData
                    + " now; it has " + buttons);
        }
        if (chatId < 0) {
            FakeGroup group = telegram.group(chatId);
            if (group == null || !group.hasMember(user)) {
                throw new IllegalStateException("user " + user.id() + " is not a member of chat " + chatId);
            }
        } else if (chatId != user.id()) {
            throw new IllegalArgumentException("user " + user.id() + " cannot see the private chat " + chatId);
        }
        requireActive(user);
        String queryId = Long.toUnsignedString(ThreadLocalRandom.current().nextLong());
        openCallbackQueries.add(queryId);
        ObjectNode query = telegram.json().createObjectNode().put("id", queryId);
        query.set("from", TelegramJson.user(user));
        query.set("message", current);
        query.put("chat_instance", chatInstance(chatId));
        query.put("data", callbackData);
        return push("callback_query", query);
    }

    /** The user blocks the bot: {@code my_chat_member} member → kicked; sends to them now fail with 403. */
    public synchronized ObjectNode userBlocks(FakeUser user) {
        requireActive(user);
        if (!blockedBy.add(user.id())) {
            throw new IllegalStateException("user " + user.id() + " already blocked the bot");
        }
        return push("my_chat_member", memberChange(TelegramJson.privateChat(user), user, "member", "kicked"));
    }

    /** The user unblocks the bot: {@code my_chat_member} kicked → member (no /start; see {@link #userStarts}). */
    public synchronized ObjectNode userUnblocks(FakeUser user) {
        requireActive(user);
        if (!blockedBy.remove(user.id())) {
            throw new IllegalStateException("user " + user.id() + " has not blocked the bot");
        }
        return push("my_chat_member", memberChange(TelegramJson.privateChat(user), user, "kicked", "member"));
    }

    /**
     * {@code by} adds the bot to a group ({@code my_chat_member} left → member, plus the
     * {@code new_chat_members} service message) or, for a channel, makes it an administrator.
     */
    public synchronized List<ObjectNode> addedToGroup(FakeGroup group, FakeUser by) {
        requireMember(by, group);
        if (memberOf.contains(group.id())) {
            throw new IllegalStateException("the bot is already in " + group);
        }
        memberOf.add(group.id());
        kickedFrom.remove(group.id());
        boolean channel = group.type() == FakeGroup.Type.CHANNEL;
        List<ObjectNode> produced = new ArrayList<>();
        produced.add(push("my_chat_member",
                memberChange(TelegramJson.groupChat(group), by, "left", channel ? "administrator" : "member")));
        if (!channel) {
            ObjectNode msg = messageHeader(by, group, null);
            ObjectNode bot = TelegramJson.botUser(this);
            msg.set("new_chat_participant", bot.deepCopy());
            msg.set("new_chat_member", bot.deepCopy());
            msg.putArray("new_chat_members").add(bot);
            produced.add(push("message", msg));
        }
        return produced;
    }

    /** {@code by} removes the bot: {@code my_chat_member} → kicked (left for basic groups). */
    public synchronized ObjectNode removedFromGroup(FakeGroup group, FakeUser by) {
        requireMember(by, group);
        if (!memberOf.remove(group.id())) {
            throw new IllegalStateException("the bot is not in " + group);
        }
        kickedFrom.add(group.id());
        String oldStatus = group.type() == FakeGroup.Type.CHANNEL ? "administrator" : "member";
        String newStatus = group.type() == FakeGroup.Type.GROUP ? "left" : "kicked";
        return push("my_chat_member", memberChange(TelegramJson.groupChat(group), by, oldStatus, newStatus));
    }

    /**
     * Queues any update, for types the helpers above do not build.
     *
     * @param update a single payload field, e.g. {@code {"inline_query":{…}}}; {@code update_id} is added
     */
    public synchronized ObjectNode inject(ObjectNode update) {
        ObjectNode numbered = updates.add(update);
        telegram.notifyUpdate(this, numbered);
        return numbered;
    }

    // ================================================================ state set-up without updates

    /** Records that the user started the bot in the past (no update is produced). */
    public void markStarted(FakeUser user) {
        startedBy.add(user.id());
    }

    /** Records that the bot is already a member of the group (no update is produced). */
    public void markMemberOf(FakeGroup group) {
        memberOf.add(group.id());
        kickedFrom.remove(group.id());
    }

    public boolean hasStarted(FakeUser user) {
        return startedBy.contains(user.id());
    }

    public boolean isBlockedBy(FakeUser user) {
        return blockedBy.contains(user.id());
    }

    public boolean isMemberOf(FakeGroup group) {
        return memberOf.contains(group.id());
    }

    // ================================================================ delivery state

    /** The webhook URL, or null when the bot uses getUpdates. */
    public URI webhookUrl() {
        return updates.webhookUrl();
    }

    public int pendingUpdateCount() {
        return updates.pendingCount();
    }

    /** Updates not yet delivered by webhook or confirmed through getUpdates. */
    public List<ObjectNode> pendingUpdates() {
        return updates.pendingUpdates();
    }

    /** Waits until every update is delivered or confirmed; false on timeout. */
    public boolean awaitNoPendingUpdates(Duration timeout) {
        return updates.awaitEmpty(timeout);
    }

    // ================================================================ what the bot did

    public List<OutgoingMessage> sentMessages() {
        return telegram.sentMessages(m -> m.botId() == id);
    }

    public List<OutgoingMessage> sentTo(long chatId) {
        return telegram.sentMessages(m -> m.botId() == id && m.chatId() == chatId);
    }

    /**
     * The first message this bot sent (or sends within {@code timeout}) that matches.
     *
     * @throws IllegalStateException on timeout, listing what was sent
     */
    public OutgoingMessage awaitSent(Predicate<OutgoingMessage> matching, Duration timeout) {
        return telegram.awaitSent(m -> m.botId() == id && matching.test(m), timeout);
    }

    public List<CallbackAnswer> callbackAnswers() {
        return List.copyOf(callbackAnswers);
    }

    // ================================================================ flood control and faults

    public BotStats stats() {
        return rateLimiter.stats();
    }

    public void resetStats() {
        rateLimiter.resetStats();
    }

    public RateLimits rateLimits() {
        return rateLimiter.limits();
    }

    /** Replaces the limits (and resets the buckets). */
    public void setRateLimits(RateLimits limits) {
        rateLimiter.setLimits(Objects.requireNonNull(limits, "limits"));
    }

    /**
     * The next {@code times} calls of {@code method} (case-insensitive; {@code "*"} = any method)
     * suffer {@code fault}. Faults queue up in the order armed.
     */
    public synchronized void failNext(String method, int times, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        Deque<Fault> queue = faults.computeIfAbsent(method.toLowerCase(Locale.ROOT), m -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(fault);
        }
    }

    public synchronized void clearFaults() {
        faults.clear();
    }

    // ================================================================ package internals

    UpdateQueue updates() {
        return updates;
    }

    RateLimiter rateLimiter() {
        return rateLimiter;
    }

    boolean isKickedFrom(FakeGroup group) {
        return kickedFrom.contains(group.id());
    }

    /** Takes the next armed fault for {@code method}, or null. */
    synchronized Fault takeFault(String method) {
        Deque<Fault> specific = faults.get(method.toLowerCase(Locale.ROOT));
        if (specific != null && !specific.isEmpty()) {
            return specific.poll();
        }
        Deque<Fault> any = faults.get("*");
        return any == null ? null : any.poll();
    }

    /** Marks a callback query answered; false if unknown or answered before. */
    boolean answerCallbackQuery(String queryId, String text, boolean showAlert, String url) {
        if (!openCallbackQueries.remove(queryId)) {
            return false;
        }
        callbackAnswers.add(new CallbackAnswer(id, queryId, text, showAlert, url, Instant.now()));
        return true;
    }

    void migrate(FakeGroup from, FakeGroup to) {
        if (memberOf.remove(from.id())) {
            memberOf.add(to.id());
        }
    }

    synchronized ObjectNode push(String type, ObjectNode payload) {
        ObjectNode update = telegram.json().createObjectNode();
        update.set(type, payload);
        ObjectNode numbered = updates.add(update);
        telegram.notifyUpdate(this, numbered);
        return numbered;
    }

    /** Header of a message in a chat, with a fresh {@code message_id}. */
    ObjectNode messageHeader(FakeUser from, FakeGroup group, Long threadId) {
        long chatId = group == null ? from.id() : group.id();
        ObjectNode msg = telegram.json().createObjectNode().put("message_id", telegram.nextMessageId(this, chatId));
        if (threadId != null) {
            msg.put("message_thread_id", threadId);
        }
        msg.set("from", TelegramJson.user(from));
        msg.set("chat", group == null ? TelegramJson.privateChat(from) : TelegramJson.groupChat(group));
        msg.put("date", now());
        if (threadId != null) {
            msg.put("is_topic_message", true);
        }
        return msg;
    }

    // ================================================================ helpers

    private synchronized ObjectNode message(FakeUser from, FakeGroup group, Long threadId,
            Consumer<ObjectNode> content) {
        requireActive(from);
        if (group == null) {
            if (blockedBy.contains(from.id())) {
                throw new IllegalStateException("user " + from.id() + " blocked the bot; userStarts or userUnblocks first");
            }
            startedBy.add(from.id());
        } else {
            requireMember(from, group);
            if (group.migratedToChatId() != null) {
                throw new IllegalStateException(group + " became supergroup " + group.migratedToChatId());
            }
            if (!memberOf.contains(group.id())) {
                throw new IllegalStateException("the bot is not in " + group + ", so it would not see this message");
            }
        }
        ObjectNode msg = messageHeader(from, group, threadId);
        content.accept(msg);
        return push("message", msg);
    }

    private void putText(ObjectNode msg, String textField, String entitiesField, String text) {
        Objects.requireNonNull(text, "text");
        msg.put(textField, text);
        ArrayNode entities = TelegramJson.detectEntities(text);
        if (entities != null) {
            msg.set(entitiesField, entities);
        }
    }

    private void putCaption(ObjectNode msg, String caption) {
        if (caption != null) {
            putText(msg, "caption", "caption_entities", caption);
        }
    }

    /** A photo as Telegram delivers it: the same picture in several sizes, smallest first. */
    private void putPhoto(ObjectNode msg, String caption) {
        ArrayNode sizes = msg.putArray("photo");
        int[][] dimensions = {{90, 68}, {320, 240}, {800, 600}, {1280, 960}};
        for (int[] wh : dimensions) {
            sizes.addObject()
                    .put("file_id", TelegramJson.fileId("AgACAgIAAxkBAAI", 54))
                    .put("file_unique_id", TelegramJson.fileId("AQAD", 9))
                    .put("file_size", wh[0] * wh[1] / 8)
                    .put("width", wh[0])
                    .put("height", wh[1]);
        }
        putCaption(msg, caption);
    }

    private ObjectNode memberChange(ObjectNode chat, FakeUser from, String oldStatus, String newStatus) {
        ObjectNode change = telegram.json().createObjectNode();
        change.set("chat", chat);
        change.set("from", TelegramJson.user(from));
        change.put("date", now());
        change.set("old_chat_member", chatMember(oldStatus));
        change.set("new_chat_member", chatMember(newStatus));
        return change;
    }

    private ObjectNode chatMember(String status) {
        ObjectNode member = telegram.json().createObjectNode();
        member.set("user", TelegramJson.botUser(this));
        member.put("status", status);
        switch (status) {
            case "kicked" -> member.put("until_date", 0);
            case "administrator" -> member
                    .put("can_be_edited", false)
                    .put("is_anonymous", false)
                    .put("can_manage_chat", true)
                    .put("can_delete_messages", true)
                    .put("can_invite_users", true)
                    .put("can_post_messages", true)
                    .put("can_edit_messages", true);
            default -> {
            }
        }
        return member;
    }

    /** Stable per bot and chat, like Telegram's opaque chat_instance. */
    private String chatInstance(long chatId) {
        long h = id * 0x9E3779B97F4A7C15L ^ chatId * 0xC2B2AE3D27D4EB4FL;
        return Long.toString(h ^ (h >>> 31));
    }

    private void requireActive(FakeUser user) {
        if (telegram.isDeactivated(user)) {
            throw new IllegalStateException("user " + user.id() + " is deactivated");
        }
    }

    private static void requireMember(FakeUser user, FakeGroup group) {
        if (!group.hasMember(user)) {
            throw new IllegalStateException("user " + user.id() + " is not a member of " + group);
        }
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    @Override
    public String toString() {
        return "FakeBot[id=" + id + ", @" + username + "]";
    }
}
