package dev.tgdesk.emulators.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Telegram Bot API server on 127.0.0.1, faithful enough to run the product and its tests
 * without a bot token: same URLs, parameter encodings, JSON shapes, error texts and HTTP statuses,
 * webhook and getUpdates semantics, and flood limits.
 *
 * <pre>{@code
 * try (FakeTelegram telegram = new FakeTelegram().start()) {
 *     FakeBot bot = telegram.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
 *     FakeUser alice = telegram.addUser("Alice", "alice");
 *     bot.userStarts(alice, "ad-campaign-7");           // queued for getUpdates / POSTed to the webhook
 *     // point the code under test at telegram.baseUrl() with bot.token() …
 *     OutgoingMessage reply = bot.awaitSent(m -> m.chatId() == alice.id(), Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>Files: uploads by {@code multipart/form-data} get a file_id and are kept, as are files simulated users send
 * with content ({@link FakeBot#userSendsDocument(FakeUser, FakeGroup, String, String, byte[], String)},
 * {@link FakeBot#userSendsPhoto(FakeUser, FakeGroup, byte[], String)}: re-encoded as JPEG in Telegram's sizes);
 * {@code getFile} and {@code /file/bot<token>/<file_path>} serve them. An {@link Observer} sees updates, sends and edits
 * as they happen (the local runner's simulated Telegram page is built on it).
 *
 * <p>Known simplifications: no media by URL, no deleting by the bot,
 * bots see every group message (privacy mode off), and webhook URLs may be plain http on any port.
 */
public final class FakeTelegram implements AutoCloseable {

    /** A well-formed token for local runs; it is not valid on the real Telegram. */
    public static final String DEFAULT_TOKEN = "123456789:AAFakeTokenForLocalRuns_0123456789ab";
    public static final String DEFAULT_BOT_USERNAME = "tgdesk_local_bot";

    private static final Pattern TOKEN = Pattern.compile("(\\d{1,19}):[A-Za-z0-9_-]{1,}");
    // Ids above 2^32 on purpose: real user ids are that large now, and code must use 64 bits.
    private static final long FIRST_USER_ID = 7_000_000_001L;
    private static final long FIRST_BASIC_GROUP_ID = -4_000_000_001L;
    private static final long FIRST_SUPERGROUP_ID = -1_002_000_000_001L;

    /**
     * @param port                  0 for an ephemeral port
     * @param webhookRetryBaseDelay delay before the first retry of a failed webhook delivery;
     *                              doubles per attempt (keep it small in tests)
     * @param webhookTimeout        how long a webhook may take to answer
     */
    public record Options(int port, RateLimits rateLimits, Duration webhookRetryBaseDelay,
            Duration webhookRetryMaxDelay, Duration webhookTimeout, Duration latency) {

        public Options(int port, RateLimits rateLimits, Duration webhookRetryBaseDelay, Duration webhookRetryMaxDelay,
                Duration webhookTimeout) {
            this(port, rateLimits, webhookRetryBaseDelay, webhookRetryMaxDelay, webhookTimeout, Duration.ZERO);
        }

        public Options {
            Objects.requireNonNull(latency, "latency");
            Objects.requireNonNull(rateLimits, "rateLimits");
            Objects.requireNonNull(webhookRetryBaseDelay, "webhookRetryBaseDelay");
            Objects.requireNonNull(webhookRetryMaxDelay, "webhookRetryMaxDelay");
            Objects.requireNonNull(webhookTimeout, "webhookTimeout");
        }

        /** Ephemeral port, Telegram's flood limits, retries after 1 s doubling up to 60 s, 10 s webhook timeout. */
        public static Options defaults() {
            return new Options(0, RateLimits.TELEGRAM, Duration.ofSeconds(1), Duration.ofSeconds(60),
                    Duration.ofSeconds(10));
        }

        public Options withPort(int port) {
            return new Options(port, rateLimits, webhookRetryBaseDelay, webhookRetryMaxDelay, webhookTimeout, latency);
        }

        public Options withRateLimits(RateLimits rateLimits) {
            return new Options(port, rateLimits, webhookRetryBaseDelay, webhookRetryMaxDelay, webhookTimeout, latency);
        }

        public Options withWebhookRetry(Duration baseDelay, Duration maxDelay) {
            return new Options(port, rateLimits, baseDelay, maxDelay, webhookTimeout, latency);
        }

        public Options withWebhookTimeout(Duration webhookTimeout) {
            return new Options(port, rateLimits, webhookRetryBaseDelay, webhookRetryMaxDelay, webhookTimeout, latency);
        }

        /**
         * Every Bot API call takes this long before it is performed (half) and answered (half), like a round trip to
         * api.telegram.org; flood limits see the call at its midpoint, as Telegram's servers would.
         */
        public Options withLatency(Duration latency) {
            return new Options(port, rateLimits, webhookRetryBaseDelay, webhookRetryMaxDelay, webhookTimeout, latency);
        }
    }

    private final Options options;
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService httpThreads = Executors.newCachedThreadPool(daemonThreads("fake-telegram-http"));
    private final ExecutorService webhookThreads = Executors.newCachedThreadPool(daemonThreads("fake-telegram-webhook"));
    private final HttpClient webhookClient = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final BotApi api = new BotApi(this);
    private final SentLog sent = new SentLog();
    /** The current state of every message a bot sent, by "bot:chat:message", for edits. */
    private final Map<String, ObjectNode> botMessages = new ConcurrentHashMap<>();
    private final List<MessageEdit> edits = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final Map<String, FakeBot> botsByToken = new ConcurrentHashMap<>();
    private final Map<Long, FakeBot> botsById = new ConcurrentHashMap<>();
    private final Map<Long, FakeUser> users = new ConcurrentHashMap<>();
    private final Set<Long> deactivated = ConcurrentHashMap.newKeySet();
    private final Map<Long, FakeGroup> groups = new ConcurrentHashMap<>();
    private final List<FakeGroup> groupsInOrder = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Message id sequences: per chat for groups, per bot and user for private chats. */
    private final Map<String, AtomicLong> messageIds = new ConcurrentHashMap<>();
    private final AtomicLong nextUserId = new AtomicLong(FIRST_USER_ID);
    private final AtomicLong nextBasicGroupId = new AtomicLong(FIRST_BASIC_GROUP_ID);
    private final AtomicLong nextSupergroupId = new AtomicLong(FIRST_SUPERGROUP_ID);

    private HttpServer server;

    /**
     * Sees what happens in the fake as it happens: every update a bot gets (after it is numbered), every message a bot
     * sends and every edit of one. Called on the thread that made it happen; keep it quick and don't call back into
     * a {@link FakeBot} from it.
     */
    public interface Observer {
        default void update(FakeBot bot, ObjectNode update) {
        }

        default void sent(OutgoingMessage message) {
        }

        /** {@code message}: the message as it is after the edit. */
        default void edited(MessageEdit edit, ObjectNode message) {
        }
    }

    private final List<Observer> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void observe(Observer observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    void notifyUpdate(FakeBot bot, ObjectNode update) {
        for (Observer o : observers) o.update(bot, update.deepCopy());
    }

    public FakeTelegram() {
        this(Options.defaults());
    }

    public FakeTelegram(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    // ================================================================ lifecycle

    /** Starts listening on 127.0.0.1 at {@code options.port()} (0 = ephemeral). */
    public FakeTelegram start() {
        return start(options.port());
    }

    public synchronized FakeTelegram start(int port) {
        if (server != null) {
            throw new IllegalStateException("already started on " + baseUrl());
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
        server.createContext("/", new BotApiHandler(this, api, json));
        server.createContext("/file/", this::serveFile);
        server.setExecutor(httpThreads);
        server.start();
        return this;
    }

    /** {@code http://127.0.0.1:<port>}: the value for {@code TELEGRAM_API_URL}. */
    public synchronized URI baseUrl() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public int port() {
        return baseUrl().getPort();
    }

    public Options options() {
        return options;
    }

    @Override
    public synchronized void close() {
        botsById.values().forEach(bot -> bot.updates().close());
        if (server != null) {
            server.stop(0);
        }
        httpThreads.shutdownNow();
        webhookThreads.shutdownNow();
    }

    // ================================================================ bots

    /** Registers a bot; its id is the token's numeric prefix and its first name is derived from the username. */
    public FakeBot addBot(String token, String username) {
        return addBot(token, username, firstNameFor(username));
    }

    public FakeBot addBot(String token, String username, String firstName) {
        Matcher m = TOKEN.matcher(Objects.requireNonNull(token, "token"));
        if (!m.matches()) {
            throw new IllegalArgumentException("a bot token looks like 123456789:AAE…");
        }
        long id = Long.parseLong(m.group(1));
        UpdateQueue queue = new UpdateQueue("fake-telegram-dispatch-" + id, json, webhookClient, webhookThreads,
                new UpdateQueue.Settings(options.webhookRetryBaseDelay(), options.webhookRetryMaxDelay(),
                        options.webhookTimeout()),
                reply -> api.performWebhookReply(botsById.get(id), reply));
        FakeBot bot = new FakeBot(this, token, id, username, firstName, queue, new RateLimiter(options.rateLimits()));
        if (botsById.putIfAbsent(id, bot) != null) {
            queue.close();
            throw new IllegalArgumentException("bot " + id + " is already registered");
        }
        botsByToken.put(token, bot);
        return bot;
    }

    public FakeBot bot(long id) {
        return botsById.get(id);
    }

    FakeBot botByToken(String token) {
        return botsByToken.get(token);
    }

    boolean isBot(long id) {
        return botsById.containsKey(id);
    }

    // ================================================================ users

    /** A user with a fresh id (above 2^32), no last name and language "en". */
    public FakeUser addUser(String firstName, String username) {
        return addUser(new FakeUser(nextUserId.getAndIncrement(), firstName, null, username, "en"));
    }

    public FakeUser addUser(long id, String firstName, String lastName, String username, String languageCode) {
        return addUser(new FakeUser(id, firstName, lastName, username, languageCode));
    }

    public FakeUser addUser(FakeUser user) {
        if (isBot(user.id()) || users.putIfAbsent(user.id(), user) != null) {
            throw new IllegalArgumentException("id " + user.id() + " is taken");
        }
        return user;
    }

    public FakeUser user(long id) {
        return users.get(id);
    }

    /** Every registered user, by id. */
    public List<FakeUser> users() {
        return users.values().stream().sorted(java.util.Comparator.comparingLong(FakeUser::id)).toList();
    }

    /** The user deletes their account: sends to them fail with 403 "user is deactivated". */
    public void deactivate(FakeUser user) {
        deactivated.add(user.id());
    }

    public boolean isDeactivated(FakeUser user) {
        return deactivated.contains(user.id());
    }

    // ================================================================ groups

    /** A basic group (id like -4000000001). */
    public FakeGroup addGroup(String title, FakeUser... members) {
        return register(new FakeGroup(nextBasicGroupId.getAndDecrement(), FakeGroup.Type.GROUP, title, null, false),
                members);
    }

    /** A supergroup (id like -1002000000001); {@code username} without "@" makes it public, null keeps it private. */
    public FakeGroup addSupergroup(String title, String username, FakeUser... members) {
        return register(new FakeGroup(nextSupergroupId.getAndDecrement(), FakeGroup.Type.SUPERGROUP, title,
                username, false), members);
    }

    /** A supergroup with topics enabled; create topics with {@link #createTopic}. */
    public FakeGroup addForum(String title, String username, FakeUser... members) {
        return register(new FakeGroup(nextSupergroupId.getAndDecrement(), FakeGroup.Type.SUPERGROUP, title,
                username, true), members);
    }

    /** A channel; bots post there as administrators. */
    public FakeGroup addChannel(String title, String username) {
        return register(new FakeGroup(nextSupergroupId.getAndDecrement(), FakeGroup.Type.CHANNEL, title, username,
                false));
    }

    private FakeGroup register(FakeGroup group, FakeUser... members) {
        if (group.username() != null && groupByUsername(group.username()) != null) {
            throw new IllegalArgumentException("@" + group.username() + " is taken");
        }
        for (FakeUser member : members) {
            group.addMember(member);
        }
        groups.put(group.id(), group);
        groupsInOrder.add(group);
        return group;
    }

    public FakeGroup group(long id) {
        return groups.get(id);
    }

    /** Every group, supergroup and channel, in the order they were created. */
    public List<FakeGroup> groups() {
        return List.copyOf(groupsInOrder);
    }

    /** The public group or channel with that username ("@" optional, case-insensitive), or null. */
    public FakeGroup groupByUsername(String username) {
        String wanted = (username.startsWith("@") ? username.substring(1) : username).toLowerCase(Locale.ROOT);
        return groups.values().stream()
                .filter(g -> g.username() != null && g.username().toLowerCase(Locale.ROOT).equals(wanted))
                .findFirst()
                .orElse(null);
    }

    /**
     * Creates a topic in a forum and returns its {@code message_thread_id} (the id of the topic's
     * creation message, as in Telegram). No update is produced.
     */
    public long createTopic(FakeGroup forum, String name) {
        if (!forum.isForum()) {
            throw new IllegalArgumentException(forum + " is not a forum");
        }
        long threadId = nextMessageId(null, forum.id());
        ObjectNode created = json.createObjectNode().put("message_id", threadId).put("message_thread_id", threadId);
        created.set("chat", TelegramJson.groupChat(forum));
        created.put("date", Instant.now().getEpochSecond());
        created.putObject("forum_topic_created").put("name", name).put("icon_color", 7322096);
        created.put("is_topic_message", true);
        forum.addTopic(threadId, name, created);
        return threadId;
    }

    /**
     * The group becomes a supergroup with a new id, as when an admin enables a supergroup-only
     * feature. Bots in it get the {@code migrate_to_chat_id} / {@code migrate_from_chat_id} service
     * messages; sending to the old id fails with 400 and {@code parameters.migrate_to_chat_id}.
     */
    public FakeGroup migrateToSupergroup(FakeGroup group, FakeUser by) {
        if (group.type() != FakeGroup.Type.GROUP || group.migratedToChatId() != null) {
            throw new IllegalArgumentException(group + " cannot be migrated");
        }
        FakeGroup supergroup = new FakeGroup(nextSupergroupId.getAndDecrement(), FakeGroup.Type.SUPERGROUP,
                group.title(), null, false);
        group.memberIds().forEach(supergroup::addMemberId);
        groups.put(supergroup.id(), supergroup);
        groupsInOrder.add(supergroup);
        group.markMigrated(supergroup.id());
        for (FakeBot bot : botsById.values()) {
            if (bot.isMemberOf(group)) {
                synchronized (bot) {
                    ObjectNode oldSide = bot.messageHeader(by, group, null).put("migrate_to_chat_id", supergroup.id());
                    bot.push("message", oldSide);
                    bot.migrate(group, supergroup);
                    // Telegram posts this one "as the group": from GroupAnonymousBot with sender_chat.
                    ObjectNode newSide = bot.messageHeader(by, supergroup, null);
                    newSide.set("from", TelegramJson.groupAnonymousBot());
                    newSide.set("sender_chat", TelegramJson.groupChat(supergroup));
                    newSide.put("migrate_from_chat_id", group.id());
                    bot.push("message", reorder(newSide, "message_id", "from", "sender_chat", "chat"));
                }
            }
        }
        return supergroup;
    }

    // ================================================================ what bots sent

    public List<OutgoingMessage> sentMessages() {
        return sent.matching(m -> true);
    }

    public List<OutgoingMessage> sentTo(long chatId) {
        return sent.matching(m -> m.chatId() == chatId);
    }

    /**
     * The first message any bot sent (or sends within {@code timeout}) that matches.
     *
     * @throws IllegalStateException on timeout, listing what was sent
     */
    public OutgoingMessage awaitSent(Predicate<OutgoingMessage> matching, Duration timeout) {
        return sent.await(matching, timeout);
    }

    public void clearSentMessages() {
        sent.clear();
    }

    /** Edits of sent messages, in the order they were made. */
    public List<MessageEdit> edits() {
        return List.copyOf(edits);
    }

    // ================================================================ files

    /** A file the fake holds, by file_id; {@code filePath} is what getFile answers. */
    public record StoredFile(String fileId, String fileUniqueId, String filePath, String fileName, String mimeType,
            byte[] content) {
    }

    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    private final Map<String, StoredFile> filesByPath = new ConcurrentHashMap<>();
    private final AtomicLong fileCounter = new AtomicLong();

    /** Keeps a file and returns its new file_id (photo, document, …: the folder Telegram would use). */
    public String storeFile(String kind, String fileName, String mimeType, byte[] content) {
        String fileId = TelegramJson.fileId(kind.equals("photo") ? "AgACAgIAAxkBAAI" : "BQACAgIAAxkBAAI", 42);
        String extension = fileName != null && fileName.contains(".") ? fileName.substring(fileName.lastIndexOf('.')) : "";
        String path = (kind.equals("photo") ? "photos" : kind + "s") + "/file_" + fileCounter.incrementAndGet()
                + extension.replaceAll("[^A-Za-z0-9.]", "");
        StoredFile file = new StoredFile(fileId, TelegramJson.fileId("AgAD", 9), path, fileName, mimeType, content.clone());
        files.put(fileId, file);
        filesByPath.put(path, file);
        return fileId;
    }

    /** The file with that file_id, or null. */
    public StoredFile storedFile(String fileId) {
        return files.get(fileId);
    }

    /** {@code GET /file/bot<token>/<file_path>}: the bytes, for a known token and path; 404 otherwise. */
    private void serveFile(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher m = Pattern.compile("/file/bot([^/]+)/(.+)").matcher(exchange.getRequestURI().getPath());
            StoredFile file = m.matches() && botByToken(m.group(1)) != null ? filesByPath.get(m.group(2)) : null;
            byte[] body = file == null
                    ? "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : file.content();
            exchange.getResponseHeaders().set("Content-Type", file == null ? "application/json" : "application/octet-stream");
            exchange.sendResponseHeaders(file == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    // ================================================================ package internals

    ObjectMapper json() {
        return json;
    }

    List<OutgoingMessage> sentMessages(Predicate<OutgoingMessage> matching) {
        return sent.matching(matching);
    }

    void recordSent(OutgoingMessage message) {
        botMessages.put(message.botId() + ":" + message.chatId() + ":" + message.messageId(), message.message().deepCopy());
        sent.add(message);
        for (Observer o : observers) o.sent(message);
    }

    /** The message a bot sent as it now is (after edits), or null when that bot sent no such message to that chat. */
    public ObjectNode botMessage(long botId, long chatId, long messageId) {
        ObjectNode m = botMessages.get(botId + ":" + chatId + ":" + messageId);
        return m == null ? null : m.deepCopy();
    }

    void recordEdit(MessageEdit edit, ObjectNode updated) {
        botMessages.put(edit.botId() + ":" + edit.chatId() + ":" + edit.messageId(), updated.deepCopy());
        edits.add(edit);
        for (Observer o : observers) o.edited(edit, updated.deepCopy());
    }

    /** Message ids count up per chat; a private chat is a separate chat for each bot. */
    long nextMessageId(FakeBot bot, long chatId) {
        String key = chatId > 0 ? bot.id() + ":" + chatId : Long.toString(chatId);
        return messageIds.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    /** A copy with {@code first} fields leading, in that order, then the rest. */
    private ObjectNode reorder(ObjectNode node, String... first) {
        ObjectNode ordered = json.createObjectNode();
        for (String field : first) {
            ordered.set(field, node.get(field));
        }
        node.properties().forEach(e -> ordered.set(e.getKey(), e.getValue()));
        return ordered;
    }

    private static String firstNameFor(String username) {
        String name = username.replaceAll("(?i)_?bot$", "").replace('_', ' ').strip();
        return name.isEmpty() ? username : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Sent messages, in order, with waiting for one to arrive. */
    private static final class SentLog {
        private final List<OutgoingMessage> messages = new ArrayList<>();

        synchronized void add(OutgoingMessage message) {
            messages.add(message);
            notifyAll();
        }

        synchronized List<OutgoingMessage> matching(Predicate<OutgoingMessage> predicate) {
            return messages.stream().filter(predicate).toList();
        }

        synchronized void clear() {
            messages.clear();
        }

        synchronized OutgoingMessage await(Predicate<OutgoingMessage> predicate, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            int checked = 0;
            while (true) {
                checked = Math.min(checked, messages.size()); // clear() may have run meanwhile
                for (; checked < messages.size(); checked++) {
                    if (predicate.test(messages.get(checked))) {
                        return messages.get(checked);
                    }
                }
                long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (remainingMillis <= 0) {
                    throw new IllegalStateException("no matching message sent within " + timeout
                            + "; sent so far: " + messages);
                }
                try {
                    wait(remainingMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a sent message", e);
                }
            }
        }
    }
}
