package dev.tgdesk.emulators.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The Bot API methods the fake implements, with Telegram's validation and error texts. */
final class BotApi {

    static final int MAX_TEXT_LENGTH = 4096;
    static final int MAX_CAPTION_LENGTH = 1024;
    /** Bot API limits: uploads up to 50 MB (photos 10 MB), getFile downloads up to 20 MB. */
    static final long MAX_UPLOAD = 50L * 1024 * 1024;
    static final long MAX_PHOTO_UPLOAD = 10L * 1024 * 1024;
    static final long MAX_DOWNLOAD = 20L * 1024 * 1024;
    /** What a Telegram file_id looks like: URL-safe base64, dozens of characters. */
    private static final Pattern FILE_ID = Pattern.compile("[A-Za-z0-9_-]{24,}");
    private static final Pattern SECRET_TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    /** A successful answer; {@code description} is optional (setWebhook has one). */
    record Result(JsonNode value, String description) {
        static Result of(JsonNode value) {
            return new Result(value, null);
        }
    }

    @FunctionalInterface
    interface Method {
        Result call(FakeBot bot, Params params);
    }

    private final FakeTelegram telegram;
    private final Map<String, Method> methods = new HashMap<>();

    BotApi(FakeTelegram telegram) {
        this.telegram = telegram;
        // Telegram matches method names case-insensitively.
        register("getMe", this::getMe);
        register("setWebhook", this::setWebhook);
        register("deleteWebhook", this::deleteWebhook);
        register("getWebhookInfo", this::getWebhookInfo);
        register("getUpdates", this::getUpdates);
        register("sendMessage", this::sendMessage);
        for (String kind : List.of("photo", "document", "video", "voice", "audio", "animation", "sticker", "video_note")) {
            register("send" + camel(kind), (bot, params) -> sendMedia(bot, params, kind));
        }
        register("editMessageText", this::editMessageText);
        register("editMessageReplyMarkup", this::editMessageReplyMarkup);
        register("answerCallbackQuery", this::answerCallbackQuery);
        register("getChat", this::getChat);
        register("getFile", this::getFile);
    }

    private static String camel(String snake) {
        StringBuilder out = new StringBuilder();
        for (String word : snake.split("_")) {
            out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return out.toString();
    }

    private void register(String name, Method method) {
        methods.put(name.toLowerCase(Locale.ROOT), method);
    }

    /** @throws ApiError 404 "Not Found" for an unknown method, or the method's own error */
    Result invoke(FakeBot bot, String method, Params params) {
        Method m = methods.get(method.toLowerCase(Locale.ROOT));
        if (m == null) {
            throw ApiError.notFound();
        }
        return m.call(bot, params);
    }

    /** Performs a call a webhook answered with; like Telegram, its outcome is not reported anywhere. */
    void performWebhookReply(FakeBot bot, JsonNode reply) {
        if (bot == null || !reply.isObject()) {
            return;
        }
        try {
            invoke(bot, reply.get("method").asText(), new Params(((ObjectNode) reply).deepCopy(), json()));
        } catch (ApiError ignored) {
            // Telegram drops failures of webhook replies silently too
        }
    }

    private ObjectMapper json() {
        return telegram.json();
    }

    // ================================================================ bot and webhook

    private Result getMe(FakeBot bot, Params params) {
        return Result.of(TelegramJson.botUser(bot)
                .put("can_join_groups", true)
                .put("can_read_all_group_messages", false)
                .put("supports_inline_queries", false)
                .put("can_connect_to_business", false)
                .put("has_main_web_app", false));
    }

    private Result setWebhook(FakeBot bot, Params params) {
        String url = params.string("url");
        if (url == null || url.isBlank()) {
            // An empty URL removes the webhook, as on Telegram.
            return new Result(BooleanNode.TRUE, bot.updates().deleteWebhook(params.bool("drop_pending_updates")));
        }
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("bad webhook: invalid URL");
        }
        // Telegram demands HTTPS on ports 443, 80, 88 or 8443; the fake also takes local plain-http URLs.
        if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            throw ApiError.badRequest("bad webhook: An HTTPS URL must be provided for webhook");
        }
        String secret = params.string("secret_token");
        if (secret != null && !SECRET_TOKEN.matcher(secret).matches()) {
            throw ApiError.badRequest("secret token contains unallowed characters");
        }
        int maxConnections = (int) Math.max(1, Math.min(100, params.longValue("max_connections", 40)));
        String description = bot.updates().setWebhook(
                new UpdateQueue.Webhook(uri, secret, maxConnections),
                params.stringList("allowed_updates"),
                params.bool("drop_pending_updates"));
        return new Result(BooleanNode.TRUE, description);
    }

    private Result deleteWebhook(FakeBot bot, Params params) {
        return new Result(BooleanNode.TRUE, bot.updates().deleteWebhook(params.bool("drop_pending_updates")));
    }

    private Result getWebhookInfo(FakeBot bot, Params params) {
        return Result.of(bot.updates().webhookInfo());
    }

    private Result getUpdates(FakeBot bot, Params params) {
        long offset = params.longValue("offset", 0);
        int limit = (int) Math.max(1, Math.min(100, params.longValue("limit", 100)));
        int timeout = (int) Math.max(0, Math.min(Integer.MAX_VALUE, params.longValue("timeout", 0)));
        List<ObjectNode> updates = bot.updates().getUpdates(offset, limit, timeout, params.stringList("allowed_updates"));
        ArrayNode result = json().createArrayNode();
        updates.forEach(result::add);
        return Result.of(result);
    }

    // ================================================================ messages

    /** The text as the client will see it, after Telegram's checks (empty, too long after parsing). */
    private static String checkedText(String text, String parseMode) {
        if (text == null) {
            throw ApiError.badRequest("message text is empty");
        }
        String visible = TelegramJson.visibleText(text, parseMode);
        if (visible.isBlank()) {
            throw ApiError.badRequest("message text is empty");
        }
        if (HtmlText.length(visible) > MAX_TEXT_LENGTH) {
            throw ApiError.badRequest("message is too long");
        }
        return visible;
    }

    private Result sendMessage(FakeBot bot, Params params) {
        Chat chat = chatToSendTo(bot, params);
        String text = params.string("text");
        String parseMode = parseMode(params);
        String visible = checkedText(text, parseMode);
        return send(bot, params, chat, text, parseMode, visible, null);
    }

    /** sendPhoto, sendDocument, …: by file_id, with an optional caption (not for stickers and video notes). */
    private Result sendMedia(FakeBot bot, Params params, String kind) {
        Chat chat = chatToSendTo(bot, params);
        Params.Upload upload = params.upload(kind);
        if (upload != null) {
            if (upload.content().length == 0) {
                throw ApiError.badRequest("file must be non-empty");
            }
            long limit = kind.equals("photo") ? MAX_PHOTO_UPLOAD : MAX_UPLOAD;
            if (upload.content().length > limit) {
                throw new ApiError(413, "Request Entity Too Large", null);
            }
            params.put(kind, telegram.storeFile(kind, upload.fileName(), upload.contentType(), upload.content()));
        }
        String fileId = params.string(kind);
        if (fileId == null || fileId.isBlank()) {
            throw ApiError.badRequest("there is no " + kind + " in the request");
        }
        if (!FILE_ID.matcher(fileId.strip()).matches()) {
            throw ApiError.badRequest("wrong file identifier/HTTP URL specified");
        }
        boolean captioned = !kind.equals("sticker") && !kind.equals("video_note");
        String caption = captioned ? params.string("caption") : null;
        String parseMode = parseMode(params);
        String visible = null;
        if (caption != null) {
            visible = TelegramJson.visibleText(caption, parseMode);
            if (HtmlText.length(visible) > MAX_CAPTION_LENGTH) {
                throw ApiError.badRequest("message caption is too long");
            }
        }
        return send(bot, params, chat, caption, parseMode, visible, kind);
    }

    /** The checks and effects every sending method shares, once its own content is validated. */
    private Result send(FakeBot bot, Params params, Chat chat, String text, String parseMode, String visible,
            String mediaKind) {
        Long threadId = threadId(params, chat);
        JsonNode replyMarkup = replyMarkup(params);
        int retryAfter = bot.rateLimiter().acquire(chat.id(), chat.group() != null);
        if (retryAfter > 0) {
            throw ApiError.tooManyRequests(retryAfter);
        }

        Instant now = Instant.now();
        long messageId = telegram.nextMessageId(bot, chat.id());
        ObjectNode message = json().createObjectNode().put("message_id", messageId);
        if (threadId != null) {
            message.put("message_thread_id", threadId);
        }
        message.set("from", TelegramJson.botUser(bot));
        message.set("chat", chat.json());
        message.put("date", now.getEpochSecond());
        if (threadId != null) {
            message.put("is_topic_message", true);
        }
        if (mediaKind != null) {
            message.set(mediaKind, mediaObject(mediaKind, params.string(mediaKind).strip()));
        }
        String textField = mediaKind == null ? "text" : "caption";
        if (visible != null) {
            message.put(textField, visible);
            ArrayNode entities = parseMode == null ? TelegramJson.detectEntities(visible) : null;
            if (entities != null) {
                message.set(mediaKind == null ? "entities" : "caption_entities", entities);
            }
        }
        if (replyMarkup != null && replyMarkup.has("inline_keyboard")) {
            message.set("reply_markup", replyMarkup.deepCopy()); // Telegram echoes only inline keyboards
        }
        telegram.recordSent(new OutgoingMessage(bot.id(), chat.id(), messageId, threadId, text,
                parseMode, replyMarkup, now, params.asJson(), message.deepCopy(), mediaKind));
        return Result.of(message);
    }

    private JsonNode mediaObject(String kind, String fileId) {
        FakeTelegram.StoredFile stored = telegram.storedFile(fileId);
        ObjectNode file = json().createObjectNode().put("file_id", fileId)
                .put("file_unique_id", stored != null ? stored.fileUniqueId() : "AgAD" + Integer.toHexString(fileId.hashCode()));
        if (kind.equals("photo")) {
            // Telegram answers with the sizes it has; one is enough for a sender
            ArrayNode sizes = json().createArrayNode();
            sizes.add(file.put("file_size", stored != null ? stored.content().length : 153600).put("width", 1280).put("height", 960));
            return sizes;
        }
        if (stored != null) {
            if (stored.fileName() != null) {
                file.put("file_name", stored.fileName());
            }
            if (stored.mimeType() != null) {
                file.put("mime_type", stored.mimeType());
            }
            file.put("file_size", stored.content().length);
        }
        return file;
    }

    /** {@code getFile}: files the fake holds (uploaded by bots, or sent by simulated users with content). */
    private Result getFile(FakeBot bot, Params params) {
        String fileId = params.string("file_id");
        if (fileId == null || fileId.isBlank()) {
            throw ApiError.badRequest("file_id not specified");
        }
        FakeTelegram.StoredFile stored = telegram.storedFile(fileId.strip());
        if (stored == null) {
            throw ApiError.badRequest("invalid file_id");
        }
        if (stored.content().length > MAX_DOWNLOAD) {
            throw ApiError.badRequest("file is too big");
        }
        return Result.of(json().createObjectNode().put("file_id", stored.fileId())
                .put("file_unique_id", stored.fileUniqueId())
                .put("file_size", stored.content().length)
                .put("file_path", stored.filePath()));
    }

    private Result editMessageText(FakeBot bot, Params params) {
        String text = params.string("text");
        String parseMode = parseMode(params);
        String visible = checkedText(text, parseMode);
        return edit(bot, params, "editMessageText", text, visible);
    }

    private Result editMessageReplyMarkup(FakeBot bot, Params params) {
        return edit(bot, params, "editMessageReplyMarkup", null, null);
    }

    private Result edit(FakeBot bot, Params params, String method, String text, String visible) {
        if (params.raw("inline_message_id") != null) {
            throw ApiError.badRequest("message to edit not found"); // the fake has no inline messages
        }
        Chat chat = resolveChat(params);
        Long messageId = params.longValue("message_id");
        if (messageId == null) {
            throw ApiError.badRequest("message identifier is not specified");
        }
        ObjectNode current = telegram.botMessage(bot.id(), chat.id(), messageId);
        if (current == null) {
            throw ApiError.badRequest("message to edit not found");
        }
        JsonNode replyMarkup = replyMarkup(params);
        if (replyMarkup != null && !replyMarkup.has("inline_keyboard")) {
            throw ApiError.badRequest("inline keyboard expected");
        }
        JsonNode newKeyboard = replyMarkup == null || replyMarkup.path("inline_keyboard").isEmpty() ? null : replyMarkup;
        String newText = visible != null ? visible : current.path("text").asText(null);
        boolean sameText = java.util.Objects.equals(newText, current.path("text").asText(null));
        boolean sameMarkup = java.util.Objects.equals(newKeyboard, current.get("reply_markup"));
        if (sameText && sameMarkup) {
            throw ApiError.badRequest("message is not modified: specified new message content and reply markup are "
                    + "exactly the same as a current content and reply markup of the message");
        }
        int retryAfter = bot.rateLimiter().acquire(chat.id(), chat.group() != null);
        if (retryAfter > 0) {
            throw ApiError.tooManyRequests(retryAfter);
        }
        ObjectNode updated = current.deepCopy();
        if (visible != null) {
            updated.put("text", visible);
            updated.remove("entities");
        }
        if (newKeyboard == null) {
            updated.remove("reply_markup");
        } else {
            updated.set("reply_markup", newKeyboard.deepCopy());
        }
        updated.put("edit_date", Instant.now().getEpochSecond());
        telegram.recordEdit(new MessageEdit(bot.id(), chat.id(), messageId, method, text, newKeyboard, Instant.now()), updated);
        return Result.of(updated);
    }

    private static String parseMode(Params params) {
        String parseMode = params.string("parse_mode");
        return parseMode == null || parseMode.isBlank() ? null : parseMode;
    }

    /** {@code message_thread_id}: only forum topics that exist (null when absent). */
    private static Long threadId(Params params, Chat chat) {
        Long threadId = params.longValue("message_thread_id");
        if (threadId == null) {
            return null;
        }
        if (chat.group() == null || !chat.group().isForum() || !chat.group().hasTopic(threadId)) {
            throw ApiError.badRequest("message thread not found");
        }
        return threadId;
    }

    /** {@code reply_markup}, validated as Telegram does the parts we use; null when absent. */
    private static JsonNode replyMarkup(Params params) {
        if (params.raw("reply_markup") == null) {
            return null;
        }
        JsonNode markup = params.structure("reply_markup");
        if (markup == null || !markup.isObject()) {
            throw ApiError.badRequest("can't parse reply keyboard markup JSON object");
        }
        JsonNode inline = markup.get("inline_keyboard");
        if (inline != null) {
            if (!inline.isArray()) {
                throw ApiError.badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array");
            }
            for (JsonNode row : inline) {
                if (!row.isArray()) {
                    throw ApiError.badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays");
                }
                for (JsonNode button : row) {
                    if (!button.path("text").isTextual()) {
                        throw ApiError.badRequest("can't find field \"text\"");
                    }
                    JsonNode data = button.get("callback_data");
                    if (data != null) {
                        int bytes = data.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                        if (bytes < 1 || bytes > 64) {
                            throw ApiError.badRequest("BUTTON_DATA_INVALID");
                        }
                    } else if (!button.has("url") && !button.has("switch_inline_query") && !button.has("web_app")
                            && !button.has("login_url") && !button.has("copy_text") && !button.has("pay")
                            && !button.has("switch_inline_query_current_chat") && !button.has("callback_game")) {
                        throw ApiError.badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
                    }
                }
            }
        }
        return markup;
    }

    private Result answerCallbackQuery(FakeBot bot, Params params) {
        String queryId = params.string("callback_query_id");
        if (queryId == null || !bot.answerCallbackQuery(queryId, params.string("text"), params.bool("show_alert"),
                params.string("url"))) {
            throw ApiError.badRequest("query is too old and response timeout expired or query ID is invalid");
        }
        return Result.of(BooleanNode.TRUE);
    }

    private Result getChat(FakeBot bot, Params params) {
        Chat chat = resolveChat(params);
        if (chat.user() != null) {
            if (!bot.hasStarted(chat.user()) && !bot.isBlockedBy(chat.user())) {
                throw ApiError.badRequest("chat not found");
            }
        } else {
            FakeGroup group = chat.group();
            if (group.migratedToChatId() != null) {
                throw ApiError.migrated(group.migratedToChatId());
            }
            if (!bot.isMemberOf(group) && group.username() == null) {
                throw ApiError.badRequest("chat not found");
            }
        }
        return Result.of(chat.json().put("accent_color_id", 0).put("max_reaction_count", 11));
    }

    // ================================================================ chat resolution

    /** A resolved {@code chat_id}: a user's private chat, or a group/supergroup/channel. */
    private record Chat(long id, FakeUser user, FakeGroup group) {
        ObjectNode json() {
            return user != null ? TelegramJson.privateChat(user) : TelegramJson.groupChat(group);
        }
    }

    private Chat resolveChat(Params params) {
        String raw = params.string("chat_id");
        if (raw == null || raw.isBlank()) {
            throw ApiError.badRequest("chat_id is empty");
        }
        raw = raw.strip();
        if (raw.startsWith("@")) {
            // Only public groups and channels are addressable by username.
            FakeGroup group = telegram.groupByUsername(raw);
            if (group == null) {
                throw ApiError.badRequest("chat not found");
            }
            return new Chat(group.id(), null, group);
        }
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("chat not found");
        }
        if (id > 0) {
            if (telegram.isBot(id)) {
                throw ApiError.forbidden("bot can't send messages to bots");
            }
            FakeUser user = telegram.user(id);
            if (user == null) {
                throw ApiError.badRequest("chat not found");
            }
            return new Chat(id, user, null);
        }
        FakeGroup group = telegram.group(id);
        if (group == null) {
            throw ApiError.badRequest("chat not found");
        }
        return new Chat(id, null, group);
    }

    /** Resolves {@code chat_id} and checks that this bot may post there. */
    private Chat chatToSendTo(FakeBot bot, Params params) {
        Chat chat = resolveChat(params);
        if (chat.user() != null) {
            FakeUser user = chat.user();
            if (telegram.isDeactivated(user)) {
                throw ApiError.forbidden("user is deactivated");
            }
            if (bot.isBlockedBy(user)) {
                throw ApiError.forbidden("bot was blocked by the user");
            }
            if (!bot.hasStarted(user)) {
                throw ApiError.forbidden("bot can't initiate conversation with a user");
            }
            return chat;
        }
        FakeGroup group = chat.group();
        if (group.migratedToChatId() != null) {
            throw ApiError.migrated(group.migratedToChatId());
        }
        if (bot.isKickedFrom(group)) {
            throw ApiError.forbidden("bot was kicked from the " + group.type().json() + " chat");
        }
        if (!bot.isMemberOf(group)) {
            throw ApiError.forbidden("bot is not a member of the " + group.type().json() + " chat");
        }
        return chat;
    }
}
