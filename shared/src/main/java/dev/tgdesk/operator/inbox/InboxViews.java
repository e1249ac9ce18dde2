package dev.tgdesk.operator.inbox;

import java.util.List;
import java.util.Map;

/** The JSON shapes the inbox endpoints answer (snake_case on the wire, nulls left out). */
public final class InboxViews {

    private InboxViews() {
    }

    public record DialogRow(String dialogId, String kind, long chatId, Long contactUserId, String title, String username,
                            String lastPreview, long lastActivityAt, long openedAt, String status, String handler,
                            String assignee, String team, long lastSeq, long unread) {

        static DialogRow of(DialogRecord d, long unread) {
            return new DialogRow(d.dialogId(), d.kind(), d.chatId(), d.contactUserId(), d.title(), d.username(),
                    d.lastPreview(), d.lastActivityAt(), d.openedAt(), d.status(), d.handler(), d.assignee(), d.team(),
                    d.lastSeq(), unread);
        }
    }

    public record DialogPage(List<DialogRow> items, String nextCursor) {
    }

    public record Contact(long userId, String firstName, String lastName, String username, String languageCode,
                          boolean blocked, boolean botBlocked, Map<String, Object> fields) {
    }

    public record DialogDetail(DialogRow dialog, Contact contact, Long readSeq) {
    }

    public record Author(String kind, Long userId, String operatorId, String name, String ref) {
    }

    /** A file of an entry, addressed by (dialog, seq, index); Telegram file ids are not handed out. */
    public record Media(int index, String kind, String fileName, String mimeType, Long fileSize, Integer width,
                        Integer height, Integer durationSeconds, String emoji) {
    }

    public record Failure(String kind, Integer errorCode, String description) {
    }

    public record HistoryEntry(long seq, String type, String direction, long at, Author author, String preview,
                               String text, String caption, String format, List<Media> media, Object location,
                               Object contact, String service, String button, String status, Failure failure,
                               boolean edited, int editCount, Long editedAt, String event, EventBy by,
                               Object buttons) {
    }

    /** Who did what an {@code event} entry records: an operator (id, name), {@code autoclose} or {@code scenario}. */
    public record EventBy(String id, String name) {
    }

    public record HistoryPage(List<HistoryEntry> items, Long nextBefore, Long readSeq) {
    }

    public record ReadResult(String dialogId, long seq, long unread) {
    }

    public record GroupRow(long chatId, String kind, String chatType, String title, String username, String botStatus,
                           String activeDialogId, String lastDialogId) {
    }

    public record GroupPage(List<GroupRow> items, String nextCursor) {
    }
}
