package dev.tgdesk.operator.inbox;

import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.inbox.InboxQueries.Index;
import dev.tgdesk.operator.inbox.InboxQueries.Slice;
import dev.tgdesk.operator.inbox.InboxQueries.Source;
import dev.tgdesk.operator.inbox.InboxViews.DialogPage;
import dev.tgdesk.operator.inbox.InboxViews.DialogRow;
import dev.tgdesk.operator.inbox.InboxViews.HistoryEntry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The inbox read rules: which index partitions serve a list, the k-way merge of an agent's partitions, cursors,
 * unread counts from read marks, history views and read marks. No storage types here (see {@link InboxQueries}).
 *
 * <p>Cost of one list page: at most {@code sources × limit} items read in {@code sources} Queries plus one
 * BatchGetItem of read marks, whatever the table size; with the in-memory filters ({@code unread=true}, a search
 * {@code q}) at most {@value #LOOKAHEAD_ROUNDS} times that.
 */
public final class InboxService {

    public static final int DEFAULT_LIMIT = 30;
    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_HISTORY_LIMIT = 50;
    /**
     * unread=true and a search (q) filter the merged stream in memory, reading at most this many pages (of
     * {@code limit} dialogs per partition) before answering; the client pages on with the cursor to look further.
     */
    public static final int LOOKAHEAD_ROUNDS = 5;
    /** The same bound, under its first name (unread=true was the first in-memory filter). */
    public static final int UNREAD_LOOKAHEAD_ROUNDS = LOOKAHEAD_ROUNDS;
    /** A search is at most this many characters. */
    public static final int MAX_SEARCH_LENGTH = 100;

    static final Pattern DIALOG_ID = Pattern.compile("[A-Za-z0-9]{1,64}");
    static final Pattern OWNER_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    static final Pattern DIALOG_SORT_KEY = Pattern.compile("\\d{13}#[A-Za-z0-9]{1,64}");
    static final Pattern GROUP_SORT_KEY = Pattern.compile("(?s).{0,400}#-?\\d{1,20}");

    public enum Sort {
        ACTIVITY_DESC, ACTIVITY_ASC, CREATED_DESC, CREATED_ASC;

        boolean ascending() {
            return this == ACTIVITY_ASC || this == CREATED_ASC;
        }

        boolean byCreation() {
            return this == CREATED_DESC || this == CREATED_ASC;
        }

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The filters of {@code GET /api/dialogs}, already validated ({@link InboxRoutes} parses them). {@code search}
     * (the {@code q} parameter, null for none) is matched case-insensitively against the dialog's title (the
     * contact's name or the group's title) and username; a leading "@" matches the username only.
     */
    public record ListQuery(String status, String kind, String assignee, String team, boolean unread, Sort sort, int limit,
                            String cursor, String search) {

        public ListQuery(String status, String kind, String assignee, String team, boolean unread, Sort sort, int limit,
                         String cursor) {
            this(status, kind, assignee, team, unread, sort, limit, cursor, null);
        }
    }

    private final InboxQueries queries;
    private final Visibility visibility;

    public InboxService(InboxQueries queries, Visibility visibility) {
        this.queries = queries;
        this.visibility = visibility;
    }

    // ---- lists --------------------------------------------------------------------------------------------

    public DialogPage list(Caller caller, ListQuery q) {
        List<Source> sources = sources(caller, q);
        String shape = String.join("|", "dialogs", caller.botId(), caller.operatorId(), q.status(), q.kind(),
                String.valueOf(q.assignee()), String.valueOf(q.team()), String.valueOf(q.unread()), q.sort().key(),
                String.valueOf(q.search()));
        SearchMatch search = SearchMatch.of(q.search());
        String after = ListCursor.decode(q.cursor(), shape, DIALOG_SORT_KEY);
        List<DialogRow> rows = new ArrayList<>();
        String lastKey = after;
        boolean more = false;
        int rounds = q.unread() || search != null ? LOOKAHEAD_ROUNDS : 1;
        for (int round = 0; round < rounds; round++) {
            Slice<DialogRecord> merged = merge(caller.botId(), sources, q.sort().ascending(), lastKey, q.limit());
            Map<String, ReadMark> marks = queries.readMarks(caller.botId(), caller.operatorId(),
                    merged.items().stream().map(DialogRecord::dialogId).toList());
            more = merged.more();
            List<DialogRecord> items = merged.items();
            for (int i = 0; i < items.size(); i++) {
                DialogRecord d = items.get(i);
                lastKey = d.sortKey();
                // the partitions only hold what the caller may see; a stale index copy is checked once more here
                if (!visibility.canSee(caller, d.team(), d.assignee())) continue;
                if (search != null && !search.matches(d)) continue;
                long unread = unread(d, marks.get(d.dialogId()));
                if (q.unread() && unread == 0) continue;
                rows.add(DialogRow.of(d, unread));
                if (rows.size() == q.limit()) {
                    more = more || i < items.size() - 1;
                    return new DialogPage(rows, more ? ListCursor.encode(lastKey, shape) : null);
                }
            }
            if (!more) break;
        }
        return new DialogPage(rows, more && lastKey != null ? ListCursor.encode(lastKey, shape) : null);
    }

    /**
     * The first {@code limit} distinct dialogs of the union of the sources after {@code after}: each source is read
     * from the same position with Limit = {@code limit}, which always holds the union's first {@code limit} items.
     */
    private Slice<DialogRecord> merge(String botId, List<Source> sources, boolean ascending, String after, int limit) {
        List<DialogRecord> all = new ArrayList<>();
        boolean more = false;
        for (Source source : sources) {
            Slice<DialogRecord> slice = queries.dialogs(botId, source, ascending, after, limit);
            all.addAll(slice.items());
            more |= slice.more();
        }
        if (sources.size() == 1) return new Slice<>(all, more);
        Comparator<DialogRecord> order = Comparator.comparing(DialogRecord::sortKey);
        all.sort(ascending ? order : order.reversed());
        Map<String, DialogRecord> distinct = new LinkedHashMap<>();
        for (DialogRecord d : all) distinct.putIfAbsent(d.dialogId(), d);
        List<DialogRecord> page = new ArrayList<>(distinct.values());
        if (page.size() > limit) return new Slice<>(page.subList(0, limit), true);
        return new Slice<>(page, more);
    }

    /** Which index partitions answer this query for this caller; filters outside the caller's visibility are 403. */
    List<Source> sources(Caller caller, ListQuery q) {
        String kind = q.kind(), status = q.status();
        if (q.sort().byCreation()) {
            if (!caller.isAdmin() || q.assignee() != null || q.team() != null) {
                throw ApiException.badRequest("sort", "created_* sorts are served only for admins without assignee or team filters");
            }
            return List.of(new Source(Index.BY_CREATED, null, kind, status));
        }
        if (q.assignee() != null) {
            String owner = switch (q.assignee()) {
                case "me" -> caller.operatorId();
                case "unassigned" -> "none";
                default -> q.assignee();
            };
            if (!caller.isAdmin()) {
                boolean own = owner.equals(caller.operatorId());
                boolean pool = owner.equals("none") && visibility.agentsSeeUnassigned();
                if (!own && !pool) throw ApiException.forbidden("agents may list only their own or unassigned dialogs");
            }
            return List.of(new Source(Index.BY_ASSIGNEE, owner, kind, status));
        }
        if (q.team() != null) {
            if (!caller.isAdmin() && !caller.teamIds().contains(q.team())) {
                throw ApiException.forbidden("agents may list only the dialogs of their own teams");
            }
            return List.of(new Source(Index.BY_TEAM, q.team(), kind, status));
        }
        if (caller.isAdmin()) return List.of(new Source(Index.BY_STATUS, null, kind, status));
        List<Source> sources = new ArrayList<>();
        sources.add(new Source(Index.BY_ASSIGNEE, caller.operatorId(), kind, status));
        caller.teamIds().stream().sorted().forEach(t -> sources.add(new Source(Index.BY_TEAM, t, kind, status)));
        if (visibility.agentsSeeUnassigned()) sources.add(new Source(Index.BY_ASSIGNEE, "none", kind, status));
        return sources;
    }

    /** A search, lower-cased once: contained in the title or the username ("@name": the username only). */
    record SearchMatch(String needle, boolean usernameOnly) {

        static SearchMatch of(String q) {
            if (q == null || q.isBlank()) return null;
            String s = q.strip().toLowerCase(Locale.ROOT);
            boolean at = s.startsWith("@") && s.length() > 1;
            return new SearchMatch(at ? s.substring(1) : s, at);
        }

        boolean matches(DialogRecord d) {
            if (d.username() != null && d.username().toLowerCase(Locale.ROOT).contains(needle)) return true;
            return !usernameOnly && d.title() != null && d.title().toLowerCase(Locale.ROOT).contains(needle);
        }
    }

    private static long unread(DialogRecord d, ReadMark mark) {
        return Math.max(0, d.inboundCount() - (mark == null ? 0 : mark.inboundCount()));
    }

    // ---- one dialog ----------------------------------------------------------------------------------------

    public InboxViews.DialogDetail dialog(Caller caller, String dialogId) {
        InboxQueries.DialogWithMark dm = visibleDialog(caller, dialogId);
        DialogRecord d = dm.dialog().orElseThrow();
        InboxViews.Contact contact = null;
        if (d.contactUserId() != null) {
            contact = queries.contact(caller.botId(), d.contactUserId())
                    .map(c -> new InboxViews.Contact(c.userId(), c.firstName(), c.lastName(), c.username(), c.languageCode(),
                            c.blocked(), c.botBlocked(), c.fields()))
                    .orElse(null);
        }
        return new InboxViews.DialogDetail(DialogRow.of(d, unread(d, dm.mark().orElse(null))), contact,
                dm.mark().map(ReadMark::seq).orElse(null));
    }

    private InboxQueries.DialogWithMark visibleDialog(Caller caller, String dialogId) {
        if (dialogId == null || !DIALOG_ID.matcher(dialogId).matches()) throw ApiException.notFound("dialog");
        InboxQueries.DialogWithMark dm = queries.dialogWithMark(caller.botId(), dialogId, caller.operatorId());
        Optional<DialogRecord> d = dm.dialog();
        if (d.isEmpty() || !visibility.canSee(caller, d.get().team(), d.get().assignee())) throw ApiException.notFound("dialog");
        return dm;
    }

    // ---- history ---------------------------------------------------------------------------------------------

    public InboxViews.HistoryPage history(Caller caller, String dialogId, Long before, int limit) {
        InboxQueries.DialogWithMark dm = visibleDialog(caller, dialogId);
        Slice<HistoryRecord> slice = queries.history(caller.botId(), dialogId, before, limit);
        List<HistoryEntry> entries = slice.items().stream().map(this::entry).toList();
        Long nextBefore = slice.more() && !entries.isEmpty() ? entries.get(entries.size() - 1).seq() : null;
        return new InboxViews.HistoryPage(entries, nextBefore, dm.mark().map(ReadMark::seq).orElse(null));
    }

    HistoryEntry entry(HistoryRecord r) {
        return EntryViews.of(r);
    }

    // ---- read marks ------------------------------------------------------------------------------------------

    /**
     * Marks the dialog read up to {@code seq} for the caller. A mark never moves back (a lower seq answers the stored
     * mark). The mark stores the dialog's client-message count at that seq: the dialog's count, minus the client
     * messages after {@code seq} (one Query over the entries after it, usually a handful). The dialog is read before
     * counting, so a message arriving in between makes the count one too low — shown as unread, never hidden.
     */
    public InboxViews.ReadResult markRead(Caller caller, String dialogId, long seq) {
        InboxQueries.DialogWithMark dm = visibleDialog(caller, dialogId);
        DialogRecord d = dm.dialog().orElseThrow();
        long target = Math.min(seq, d.lastSeq()); // a mark past the last entry would freeze later marks
        Optional<ReadMark> current = dm.mark();
        if (current.isPresent() && current.get().seq() >= target) {
            return new InboxViews.ReadResult(dialogId, current.get().seq(), unread(d, current.get()));
        }
        long inbound = target >= d.lastSeq() ? d.inboundCount()
                : Math.max(0, d.inboundCount() - queries.inboundMessagesAfter(caller.botId(), dialogId, target));
        ReadMark stored = queries.putReadMark(caller.botId(), dialogId, caller.operatorId(), new ReadMark(target, inbound));
        return new InboxViews.ReadResult(dialogId, stored.seq(), unread(d, stored));
    }

    // ---- groups ----------------------------------------------------------------------------------------------

    public InboxViews.GroupPage groups(Caller caller, String cursor, int limit) {
        String shape = "groups|" + caller.botId() + "|" + caller.operatorId();
        String after = ListCursor.decode(cursor, shape, GROUP_SORT_KEY);
        Slice<GroupRecord> slice = queries.groups(caller.botId(), after, limit);
        List<InboxViews.GroupRow> rows = slice.items().stream().map(g -> new InboxViews.GroupRow(g.chatId(), g.kind(),
                g.chatType(), g.title(), g.username(), g.botStatus(), g.activeDialogId(), g.lastDialogId())).toList();
        String next = slice.more() && !slice.items().isEmpty()
                ? ListCursor.encode(slice.items().get(slice.items().size() - 1).sortKey(), shape) : null;
        return new InboxViews.GroupPage(rows, next);
    }
}
