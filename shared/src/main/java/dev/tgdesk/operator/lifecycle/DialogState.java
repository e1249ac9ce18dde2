package dev.tgdesk.operator.lifecycle;

import java.util.LinkedHashMap;
import java.util.Map;

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

    /** What the close and reopen endpoints answer. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dialogId", dialogId);
        m.put("chatId", chatId);
        m.put("kind", kind);
        m.put("status", status);
        m.put("team", team);
        m.put("assignee", assignee);
        m.put("handler", handler == null ? "bot" : handler);
        m.put("openedAt", openedAt);
        m.put("lastActivityAt", lastActivityAt);
        m.put("closedAt", closedAt);
        m.put("closedBy", closedBy);
        return m;
    }
}
