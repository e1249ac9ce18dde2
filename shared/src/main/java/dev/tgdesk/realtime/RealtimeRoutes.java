package dev.tgdesk.realtime;

import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.ApiRequest;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.api.Router.Access;
import dev.tgdesk.operator.inbox.DialogRecord;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The REST side of the real-time protocol (docs/realtime.md): a WebSocket ticket, and a dialog's events after a
 * cursor (catch-up after a reconnect or a gap). Both authorised like every dialog endpoint.
 */
public final class RealtimeRoutes implements Router.Routes {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 500;
    private static final Pattern DIALOG_ID = Pattern.compile("[A-Za-z0-9]{1,64}");

    public record TicketView(String ticket, long expiresAt, String url) {
    }

    public record EventsPage(List<DialogEvent> items, long lastSeq, boolean more, boolean reset) {
    }

    private final RealtimeAccess access;
    private final EventJournal journal;
    private final DialogDirectory dialogs;
    private final Visibility visibility;
    private final String webSocketUrl;

    /** @param webSocketUrl the WebSocket API's URL (wss://…/{stage}), handed out with tickets; may be null */
    public RealtimeRoutes(RealtimeAccess access, EventJournal journal, DialogDirectory dialogs, Visibility visibility,
                          String webSocketUrl) {
        this.access = access;
        this.journal = journal;
        this.dialogs = dialogs;
        this.visibility = visibility;
        this.webSocketUrl = webSocketUrl;
    }

    @Override
    public void register(Router router) {
        router.post("/api/realtime/tickets", Access.OPERATOR, (caller, req) -> {
            RealtimeAccess.Ticket t = access.issue(caller);
            return ApiResponse.created(new TicketView(t.ticket(), t.expiresAt(), webSocketUrl));
        });
        router.get("/api/dialogs/{dialogId}/events", Access.OPERATOR, (caller, req) -> ApiResponse.ok(events(caller, req)));
    }

    private EventsPage events(Caller caller, ApiRequest req) {
        String dialogId = req.pathParam("dialogId");
        if (dialogId == null || !DIALOG_ID.matcher(dialogId).matches()) throw ApiException.notFound("dialog");
        DialogRecord d = dialogs.dialogs(caller.botId(), Set.of(dialogId)).get(dialogId);
        if (d == null || !visibility.canSee(caller, d.team(), d.assignee())) throw ApiException.notFound("dialog");
        Long after = number(req, "after", 0, Long.MAX_VALUE);
        if (after == null) {
            // no cursor yet: where to start from (load the history after this)
            return new EventsPage(List.of(), journal.lastSeq(caller.botId(), dialogId), false, false);
        }
        Long limit = number(req, "limit", 1, MAX_LIMIT);
        EventJournal.Page page = journal.after(caller.botId(), dialogId, after, limit == null ? DEFAULT_LIMIT : limit.intValue());
        return new EventsPage(page.events(), page.lastSeq(), page.more(), page.reset());
    }

    private static Long number(ApiRequest req, String name, long min, long max) {
        String v = req.queryParam(name);
        if (v == null) return null;
        try {
            long n = Long.parseLong(v.strip());
            if (n < min || n > max) throw ApiException.badRequest(name, name + " must be between " + min + " and " + max);
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, name + " must be a whole number");
        }
    }
}
