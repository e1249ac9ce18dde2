package dev.tgdesk.operator.identity;

import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.api.Router.Access;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Signing in and the caller's own account: {@code /api/auth/login}, {@code /api/me}, {@code /api/me/password}. */
public final class IdentityRoutes implements Router.Routes {

    private final OperatorAccounts accounts;
    private final String botId;

    /** @param botId the deployment's bot (env {@code BOT_ID}): whose operators may sign in here */
    public IdentityRoutes(OperatorAccounts accounts, String botId) {
        this.accounts = accounts;
        this.botId = botId;
    }

    @Override
    public void register(Router router) {
        router.post("/api/auth/login", Access.PUBLIC, (caller, req) -> {
            JsonBody body = JsonBody.of(req);
            return ApiResponse.ok(session(accounts.login(botId, body.string("email"), body.string("password"))));
        });
        router.get("/api/me", Access.OPERATOR, (caller, req) -> ApiResponse.ok(me(caller)));
        router.post("/api/me/password", Access.OPERATOR, (caller, req) -> {
            JsonBody body = JsonBody.of(req);
            return ApiResponse.ok(session(accounts.changePassword(caller, body.string("current"), body.string("new"))));
        });
    }

    private static Map<String, Object> session(OperatorAccounts.Session s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", s.token().token());
        out.put("expires_at", s.token().expiresAt().toString());
        Map<String, Object> op = s.operator().view();
        op.remove("disabled");
        op.remove("created_at");
        out.put("operator", op);
        return out;
    }

    private static Map<String, Object> me(Caller caller) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", caller.operatorId());
        out.put("email", caller.email());
        out.put("name", caller.name());
        out.put("role", caller.role().name().toLowerCase(Locale.ROOT));
        out.put("teams", new TreeSet<>(caller.teamIds()));
        return out;
    }
}
