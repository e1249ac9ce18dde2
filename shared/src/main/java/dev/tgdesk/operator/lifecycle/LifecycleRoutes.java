package dev.tgdesk.operator.lifecycle;

import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.api.Router.Access;

import java.util.regex.Pattern;

/**
 * {@code POST /api/dialogs/{dialogId}/close} and {@code POST /api/dialogs/{dialogId}/reopen}: any operator who may
 * see the dialog (others get 404, like for an unknown dialog). Both answer 200 with the dialog; closing a closed
 * dialog and reopening an open one change nothing. Reopening when the client already has a newer dialog is 409.
 */
public final class LifecycleRoutes implements Router.Routes {

    /** Dialog ids are 20 base-32 characters; anything else cannot exist (checked before any read). */
    private static final Pattern DIALOG_ID = Pattern.compile("[A-Za-z0-9]{1,64}");

    private final LifecycleStore store;
    private final DialogCloser closer;
    private final Visibility visibility;

    public LifecycleRoutes(LifecycleStore store, DialogCloser closer, Visibility visibility) {
        this.store = store;
        this.closer = closer;
        this.visibility = visibility;
    }

    @Override
    public void register(Router router) {
        router.post("/api/dialogs/{dialogId}/close", Access.OPERATOR, (caller, req) -> {
            CloseContext ctx = visible(caller, req.pathParam("dialogId"));
            return ApiResponse.ok(closer.closeByOperator(ctx, caller.operatorId(), caller.name()).dialog().view());
        });
        router.post("/api/dialogs/{dialogId}/reopen", Access.OPERATOR, (caller, req) -> {
            CloseContext ctx = visible(caller, req.pathParam("dialogId"));
            DialogCloser.Outcome outcome = closer.reopen(ctx, caller.operatorId(), caller.name());
            if (outcome.result() == DialogCloser.Result.NEWER_DIALOG) {
                throw ApiException.conflict("the client already has a newer dialog");
            }
            return ApiResponse.ok(outcome.dialog().view());
        });
    }

    private CloseContext visible(Caller caller, String dialogId) {
        if (dialogId == null || !DIALOG_ID.matcher(dialogId).matches()) throw ApiException.notFound("dialog");
        CloseContext ctx = store.load(caller.botId(), dialogId).orElseThrow(() -> ApiException.notFound("dialog"));
        DialogState d = ctx.dialog();
        if (!visibility.canSee(caller, d.team(), d.assignee())) throw ApiException.notFound("dialog");
        return ctx;
    }
}
