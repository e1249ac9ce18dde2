package dev.tgdesk.telegram;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * Parameters of {@code setWebhook}. Null fields are not sent, so the server applies its defaults
 * (for {@code allowed_updates}: keep the previous setting).
 *
 * @param secretToken 1–256 characters of {@code A-Z a-z 0-9 _ -}; echoed in the
 *                    {@code X-Telegram-Bot-Api-Secret-Token} header of every delivery
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SetWebhookRequest(
        @JsonProperty("url") String url,
        @JsonProperty("secret_token") String secretToken,
        @JsonProperty("allowed_updates") List<String> allowedUpdates,
        @JsonProperty("max_connections") Integer maxConnections,
        @JsonProperty("drop_pending_updates") Boolean dropPendingUpdates) {

    public SetWebhookRequest {
        Objects.requireNonNull(url, "url");
        allowedUpdates = allowedUpdates == null ? null : List.copyOf(allowedUpdates);
    }

    public static SetWebhookRequest of(String url, String secretToken) {
        return new SetWebhookRequest(url, secretToken, null, null, null);
    }

    public SetWebhookRequest withAllowedUpdates(List<String> allowedUpdates) {
        return new SetWebhookRequest(url, secretToken, allowedUpdates, maxConnections, dropPendingUpdates);
    }

    public SetWebhookRequest withMaxConnections(int maxConnections) {
        return new SetWebhookRequest(url, secretToken, allowedUpdates, maxConnections, dropPendingUpdates);
    }

    public SetWebhookRequest withDropPendingUpdates(boolean dropPendingUpdates) {
        return new SetWebhookRequest(url, secretToken, allowedUpdates, maxConnections, dropPendingUpdates);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "SetWebhookRequest[url=" + url + ", secretToken=" + (secretToken == null ? "null" : "***")
                + ", allowedUpdates=" + allowedUpdates + ", maxConnections=" + maxConnections
                + ", dropPendingUpdates=" + dropPendingUpdates + "]";
    }
}
