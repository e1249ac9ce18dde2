package dev.tgdesk.operator.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.ApiRequest;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.api.Router.Access;

import java.util.Locale;
import java.util.Set;

/**
 * The inbox read side of the operator API: dialog lists, one dialog, history, read marks, group chats. Parameters
 * are validated here (400 with the field); the rules are in {@link InboxService}.
 */
public final class InboxRoutes implements Router.Routes {

    private final InboxService inbox;
    private final ObjectMapper json = Json.mapper();

    public InboxRoutes(InboxService inbox) {
        this.inbox = inbox;
    }

    @Override
    public void register(Router router) {
        router.get("/api/dialogs", Access.OPERATOR, (caller, req) -> ApiResponse.ok(inbox.list(caller, listQuery(req))));
        router.get("/api/dialogs/{dialogId}", Access.OPERATOR,
                (caller, req) -> ApiResponse.ok(inbox.dialog(caller, req.pathParam("dialogId"))));
        router.get("/api/dialogs/{dialogId}/history", Access.OPERATOR, (caller, req) -> ApiResponse.ok(inbox.history(caller,
                req.pathParam("dialogId"), optionalLong(req, "before", 1), limit(req, InboxService.DEFAULT_HISTORY_LIMIT))));
        router.post("/api/dialogs/{dialogId}/read", Access.OPERATOR,
                (caller, req) -> ApiResponse.ok(inbox.markRead(caller, req.pathParam("dialogId"), readSeq(req))));
        router.get("/api/groups", Access.OPERATOR,
                (caller, req) -> ApiResponse.ok(inbox.groups(caller, req.queryParam("cursor"), limit(req, 50))));
    }

    static InboxService.ListQuery listQuery(ApiRequest req) {
        String status = oneOf(req, "status", "open", Set.of("open", "closed"));
        String kind = oneOf(req, "kind", "private", Set.of("private", "group", "channel"));
        String assignee = req.queryParam("assignee");
        if (assignee != null && !InboxService.OWNER_ID.matcher(assignee).matches()) {
            throw ApiException.badRequest("assignee", "assignee is me, unassigned or an operator id");
        }
        String team = req.queryParam("team");
        if (team != null && !InboxService.OWNER_ID.matcher(team).matches()) throw ApiException.badRequest("team", "not a team id");
        if (assignee != null && team != null) {
            throw ApiException.badRequest("team", "filter by assignee or by team, not both");
        }
        String unread = oneOf(req, "unread", "false", Set.of("true", "false"));
        String search = req.queryParam("q");
        if (search != null) {
            search = search.strip();
            if (search.codePointCount(0, search.length()) > InboxService.MAX_SEARCH_LENGTH) {
                throw ApiException.badRequest("q", "q is at most " + InboxService.MAX_SEARCH_LENGTH + " characters");
            }
        }
        String sort = oneOf(req, "sort", "activity_desc", Set.of("activity_desc", "activity_asc", "created_desc", "created_asc"));
        return new InboxService.ListQuery(status, kind, assignee, team, Boolean.parseBoolean(unread),
                InboxService.Sort.valueOf(sort.toUpperCase(Locale.ROOT)), limit(req, InboxService.DEFAULT_LIMIT),
                req.queryParam("cursor"), search);
    }

    private static String oneOf(ApiRequest req, String name, String fallback, Set<String> allowed) {
        String v = req.queryParam(name);
        if (v == null) return fallback;
        if (!allowed.contains(v)) throw ApiException.badRequest(name, name + " must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
        return v;
    }

    static int limit(ApiRequest req, int fallback) {
        Long v = optionalLong(req, "limit", 1);
        if (v == null) return fallback;
        if (v > InboxService.MAX_LIMIT) throw ApiException.badRequest("limit", "limit must be between 1 and " + InboxService.MAX_LIMIT);
        return v.intValue();
    }

    private static Long optionalLong(ApiRequest req, String name, long min) {
        String v = req.queryParam(name);
        if (v == null) return null;
        try {
            long n = Long.parseLong(v.strip());
            if (n < min) throw ApiException.badRequest(name, name + " must be at least " + min);
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, name + " must be a whole number");
        }
    }

    private long readSeq(ApiRequest req) {
        JsonNode body;
        try {
            body = json.readTree(req.bodyText());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("seq", "the body must be JSON: {\"seq\": <number>}");
        }
        JsonNode seq = body == null ? null : body.get("seq");
        if (seq == null || !seq.canConvertToLong() || !seq.isIntegralNumber() || seq.asLong() < 0) {
            throw ApiException.badRequest("seq", "seq must be a whole number ≥ 0");
        }
        return seq.asLong();
    }
}
