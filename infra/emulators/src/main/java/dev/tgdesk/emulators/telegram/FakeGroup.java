package dev.tgdesk.emulators.telegram;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A simulated group, supergroup (optionally a forum) or channel. Create it with
 * {@link FakeTelegram#addGroup}, {@link FakeTelegram#addSupergroup}, {@link FakeTelegram#addForum}
 * or {@link FakeTelegram#addChannel}; whether a bot is in it is tracked by {@link FakeBot}.
 */
public final class FakeGroup {

    public enum Type {
        GROUP("group"), SUPERGROUP("supergroup"), CHANNEL("channel");

        private final String json;

        Type(String json) {
            this.json = json;
        }

        /** The value of {@code chat.type}. */
        public String json() {
            return json;
        }
    }

    private final long id;
    private final Type type;
    private final String title;
    private final String username;
    private final boolean forum;
    private final Set<Long> members = new TreeSet<>();
    private final Map<Long, String> topics = new TreeMap<>();
    private final Map<Long, ObjectNode> topicCreatedMessages = new HashMap<>();
    private Long migratedToChatId;

    FakeGroup(long id, Type type, String title, String username, boolean forum) {
        if (id >= 0) {
            throw new IllegalArgumentException("group and channel ids are negative: " + id);
        }
        this.id = id;
        this.type = Objects.requireNonNull(type, "type");
        this.title = Objects.requireNonNull(title, "title");
        this.username = username;
        this.forum = forum;
    }

    public long id() {
        return id;
    }

    public Type type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** Public {@code @username} without the "@", or null for a private group. */
    public String username() {
        return username;
    }

    public boolean isForum() {
        return forum;
    }

    public void addMember(FakeUser user) {
        addMemberId(user.id());
    }

    synchronized void addMemberId(long userId) {
        members.add(userId);
    }

    public synchronized void removeMember(FakeUser user) {
        members.remove(user.id());
    }

    public synchronized boolean hasMember(FakeUser user) {
        return members.contains(user.id());
    }

    public synchronized Set<Long> memberIds() {
        return Collections.unmodifiableSet(new TreeSet<>(members));
    }

    /** Forum topics: thread id → name. */
    public synchronized Map<Long, String> topics() {
        return Collections.unmodifiableMap(new TreeMap<>(topics));
    }

    public synchronized boolean hasTopic(long threadId) {
        return topics.containsKey(threadId);
    }

    synchronized void addTopic(long threadId, String name, ObjectNode createdMessage) {
        topics.put(threadId, name);
        topicCreatedMessages.put(threadId, createdMessage);
    }

    /** The topic's {@code forum_topic_created} service message, or null. */
    synchronized ObjectNode topicCreatedMessage(long threadId) {
        ObjectNode message = topicCreatedMessages.get(threadId);
        return message == null ? null : message.deepCopy();
    }

    /** The supergroup this group became, or null. */
    public synchronized Long migratedToChatId() {
        return migratedToChatId;
    }

    synchronized void markMigrated(long newChatId) {
        migratedToChatId = newChatId;
    }

    @Override
    public String toString() {
        return type.json() + " " + id + " \"" + title + "\"" + (username == null ? "" : " @" + username);
    }
}
