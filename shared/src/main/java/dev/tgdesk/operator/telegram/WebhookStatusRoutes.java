package dev.tgdesk.operator.telegram;

import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.ApiResponse;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.operator.api.Router.Access;
import dev.tgdesk.telegram.TelegramApiException;
import dev.tgdesk.telegram.TelegramTransportException;
import dev.tgdesk.telegram.WebhookInfo;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code GET /api/admin/telegram} (admins only): the webhook as Telegram sees it — whether it is set, where (without
 * secrets), how many updates wait, the last delivery error. One {@code getWebhookInfo} call per request, nothing stored.
 * 502 {@code upstream} when Telegram cannot be reached or refuses (e.g. a revoked token), with what happened.
 */
public final class WebhookStatusRoutes implements Router.Routes {

    private final Supplier<WebhookInfo> webhookInfo;

    /** @param webhookInfo e.g. {@code telegramClient::getWebhookInfo} */
    public WebhookStatusRoutes(Supplier<WebhookInfo> webhookInfo) {
        this.webhookInfo = Objects.requireNonNull(webhookInfo, "webhookInfo");
    }

    @Override
    public void register(Router router) {
        router.get("/api/admin/telegram", Access.ADMIN, (caller, req) -> ApiResponse.ok(WebhookStatus.view(read())));
    }

    private WebhookInfo read() {
        try {
            return webhookInfo.get();
        } catch (TelegramApiException e) {
            throw new ApiException(502, "upstream", "Telegram refused getWebhookInfo: " + e.errorCode()
                    + (e.description() == null ? "" : " " + e.description())
                    + (e.errorCode() == 401 || e.errorCode() == 404 ? " (is the bot token still valid?)" : ""), null);
        } catch (TelegramTransportException e) {
            throw new ApiException(502, "upstream", "Telegram could not be reached to read the webhook status: "
                    + reason(e) + "; try again", null);
        }
    }

    /** The client's message without its "Telegram getWebhookInfo failed: " prefix (it never carries the token). */
    private static String reason(TelegramTransportException e) {
        String m = e.getMessage() == null ? e.reason().name().toLowerCase(java.util.Locale.ROOT) : e.getMessage();
        int colon = m.indexOf("failed: ");
        return colon >= 0 ? m.substring(colon + "failed: ".length()) : m;
    }
}
