package dev.tgdesk.operator.identity;

import dev.tgdesk.operator.ContactFieldDefinition;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.api.Router.Access;

import java.util.LinkedHashMap;
import java.util.Map;

/** Admin-only: operators, teams and contact field definitions. Agents get 403 from the router. */
public final class AdminRoutes implements Router.Routes {

    private final OperatorAccounts accounts;

    public AdminRoutes(OperatorAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void register(Router router) {
        OperatorDirectory dir = accounts.directory();

        // lists are readable by every operator (the inbox shows and picks managers, teams and fields); changes are admins'
        router.get("/api/operators", Access.OPERATOR, (caller, req) -> ApiResponse.ok(Map.of("operators",
                dir.operators(caller.botId()).stream().map(Operator::view).toList())));
        router.post("/api/operators", Access.ADMIN, (caller, req) -> {
            JsonBody b = JsonBody.of(req);
            return ApiResponse.created(accounts.createOperator(caller.botId(), new OperatorAccounts.NewOperator(
                    b.string("email"), b.string("name"), b.string("role"), b.strings("teams"), b.string("password"))).view());
        });
        router.get("/api/operators/{operatorId}", Access.ADMIN, (caller, req) ->
                ApiResponse.ok(accounts.operator(caller.botId(), req.pathParam("operatorId")).view()));
        router.put("/api/operators/{operatorId}", Access.ADMIN, (caller, req) -> {
            JsonBody b = JsonBody.of(req);
            return ApiResponse.ok(accounts.updateOperator(caller, req.pathParam("operatorId"), new OperatorAccounts.OperatorChange(
                    b.string("email"), b.string("name"), b.string("role"), b.strings("teams"), b.bool("disabled"), b.string("password"))).view());
        });
        router.delete("/api/operators/{operatorId}", Access.ADMIN, (caller, req) -> {
            accounts.updateOperator(caller, req.pathParam("operatorId"), new OperatorAccounts.OperatorChange(null, null, null, null, true, null));
            return ApiResponse.noContent();
        });

        router.get("/api/teams", Access.OPERATOR, (caller, req) -> ApiResponse.ok(Map.of("teams",
                dir.teams(caller.botId()).stream().map(Team::view).toList())));
        router.post("/api/teams", Access.ADMIN, (caller, req) -> {
            JsonBody b = JsonBody.of(req);
            return ApiResponse.created(accounts.createTeam(caller.botId(), b.string("name"), b.strings("members")).view());
        });
        router.get("/api/teams/{teamId}", Access.ADMIN, (caller, req) ->
                ApiResponse.ok(accounts.team(caller.botId(), req.pathParam("teamId")).view()));
        router.put("/api/teams/{teamId}", Access.ADMIN, (caller, req) -> {
            JsonBody b = JsonBody.of(req);
            return ApiResponse.ok(accounts.updateTeam(caller.botId(), req.pathParam("teamId"), b.string("name"), b.strings("members")).view());
        });
        router.delete("/api/teams/{teamId}", Access.ADMIN, (caller, req) -> {
            accounts.deleteTeam(caller.botId(), req.pathParam("teamId"));
            return ApiResponse.noContent();
        });

        router.get("/api/contact-fields", Access.OPERATOR, (caller, req) -> ApiResponse.ok(Map.of("fields",
                dir.contactFields(caller.botId()).stream().map(AdminRoutes::view).toList())));
        router.post("/api/contact-fields", Access.ADMIN, (caller, req) -> {
            JsonBody b = JsonBody.of(req);
            return ApiResponse.created(view(accounts.createContactField(caller.botId(), b.string("name"), b.string("label"),
                    b.string("type"), b.strings("options"))));
        });
        router.put("/api/contact-fields/{name}", Access.ADMIN, (caller, req) -> {
            JsonBody b = JsonBody.of(req);
            return ApiResponse.ok(view(accounts.updateContactField(caller.botId(), req.pathParam("name"), b.string("label"),
                    b.string("type"), b.strings("options"))));
        });
        router.delete("/api/contact-fields/{name}", Access.ADMIN, (caller, req) -> {
            accounts.deleteContactField(caller.botId(), req.pathParam("name"));
            return ApiResponse.noContent();
        });
    }

    static Map<String, Object> view(ContactFieldDefinition d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("label", d.label());
        m.put("type", d.type().wire());
        if (d.type() == ContactFieldDefinition.Type.CHOICE) m.put("options", d.options());
        return m;
    }
}
