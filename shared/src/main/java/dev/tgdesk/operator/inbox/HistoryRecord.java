package dev.tgdesk.operator.inbox;

/**
 * One stored history entry. Inbound ones carry {@code fromUserId}; outgoing ones {@code author}
 * ({@code scenario}/{@code operator}/{@code system}), {@code authorRef} (scenario step or operator id), an optional
 * {@code authorName}, the delivery {@code status} and {@code failure}; notes have direction {@code internal}.
 */
public record HistoryRecord(long seq, String type, String direction, long at, Long fromUserId, String author,
                            String authorRef, String authorName, String preview, String dataJson, String status,
                            Failure failure, int editCount, Long editedAt) {

    public record Failure(String kind, Integer errorCode, String description) {
    }
}
