package dev.tgdesk.operator.inbox;

/**
 * A stored dialog as the inbox reads it. {@code sortKey} is the index sort key it was listed under (null when read
 * directly); {@code inboundCount} counts the client's messages (for unread counts).
 */
public record DialogRecord(String dialogId, String kind, long chatId, Long contactUserId, String title, String username,
                           String status, long openedAt, long lastActivityAt, String lastPreview, long lastSeq,
                           String handler, String team, String assignee, long inboundCount, String sortKey) {
}
