package dev.tgdesk.operator.inbox;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the inbox reads from storage, without storage types: index Queries for dialog lists (never Scans),
 * one dialog, read marks, history pages and the group chats list. Implemented by {@code storage.DynamoInboxQueries}.
 */
public interface InboxQueries {

    /** The dialog indexes a list can be served from. */
    enum Index { BY_STATUS, BY_CREATED, BY_TEAM, BY_ASSIGNEE }

    /**
     * One index partition, a source of the k-way merge: dialogs of one kind and status, of one team
     * ({@code BY_TEAM}, owner = team id), one manager ({@code BY_ASSIGNEE}, owner = operator id or
     * {@code "none"} for the unassigned pool), or all of them ({@code BY_STATUS}/{@code BY_CREATED}, owner null).
     */
    record Source(Index index, String owner, String kind, String status) {
    }

    /** A page of a Query: the items and whether the Query had more after them. */
    record Slice<T>(List<T> items, boolean more) {
    }

    /**
     * Up to {@code limit} dialogs of one partition, strictly after {@code afterSortKey} (null: from the start) in the
     * requested direction; each record carries the index sort key it was found under.
     */
    Slice<DialogRecord> dialogs(String botId, Source source, boolean ascending, String afterSortKey, int limit);

    /** The dialog and the caller's read mark of it, in one read. */
    DialogWithMark dialogWithMark(String botId, String dialogId, String operatorId);

    record DialogWithMark(Optional<DialogRecord> dialog, Optional<ReadMark> mark) {
    }

    Optional<ContactRecord> contact(String botId, long userId);

    /** The caller's read marks of these dialogs (absent: never read), in one batch read. */
    Map<String, ReadMark> readMarks(String botId, String operatorId, Collection<String> dialogIds);

    /** History entries newest first with {@code seq < beforeSeq} (null: from the newest). */
    Slice<HistoryRecord> history(String botId, String dialogId, Long beforeSeq, int limit);

    /** How many inbound client messages the dialog has with a sequence number above {@code seq}. */
    long inboundMessagesAfter(String botId, String dialogId, long seq);

    /** Stores the mark unless a mark at the same or a later seq exists; answers the mark now stored. */
    ReadMark putReadMark(String botId, String dialogId, String operatorId, ReadMark mark);

    /** Group chats the bot is in, by title, strictly after {@code afterSortKey}. */
    Slice<GroupRecord> groups(String botId, String afterSortKey, int limit);
}
