package dev.tgdesk.operator.lifecycle;

/**
 * A dialog as closing and reopening see it (the dialog item's attributes they read and write).
 *
 * @param kind          private | group | channel
 * @param team          the team id or null
 * @param assignee      the assigned operator id or null
 * @param handler       bot | operator (null: bot)
 * @param lastSeq       the dialog's last history sequence number
 * @param closedBy      operator id, {@code autoclose} or {@code scenario}; null while open
 */
public record DialogState(String botId, String dialogId, long chatId, String kind, Long contactUserId, String status,
                          String team, String assignee, String handler, long openedAt, long lastActivityAt, long lastSeq,
                          Long closedAt, String closedBy) {

    public static final String OPEN = "open";
    public static final String CLOSED = "closed";

    public boolean open() {
        return OPEN.equals(status);
    }

    public boolean isPrivate() {
        return "private".equals(kind);
    }

    /**
     * What the close and reopen endpoints answer (written with the API's JSON conventions: snake_case names, null
     * fields left out).
     */
    public View view() {
        return new View(dialogId, chatId, kind, status, team, assignee, handler == null ? "bot" : handler, openedAt,
                lastActivityAt, closedAt, closedBy);
    }

    public record View(String dialogId, long chatId, String kind, String status, String team, String assignee,
                       String handler, long openedAt, long lastActivityAt, Long closedAt, String closedBy) {
    }
}
