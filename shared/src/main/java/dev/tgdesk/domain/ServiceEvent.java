package dev.tgdesk.domain;

import java.util.List;

/** Service messages: members joining or leaving, title changes, and a group's migration to a supergroup. */
public record ServiceEvent(
        Type type,
        List<TelegramUser> members,
        String newTitle,
        Long migrateToChatId,
        Long migrateFromChatId) {

    public enum Type { MEMBERS_JOINED, MEMBER_LEFT, TITLE_CHANGED, GROUP_CREATED, MIGRATED_TO, MIGRATED_FROM, PINNED, OTHER }
}
