package dev.tgdesk.setup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.domain.UpdateParser;
import dev.tgdesk.telegram.SetWebhookRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The {@code Custom::TelegramWebhook} resource's properties, checked:
 * <ul>
 *   <li>{@code Url} (required) — the stack's {@code WebhookUrl};</li>
 *   <li>{@code SecretToken} — Telegram echoes it in {@code X-Telegram-Bot-Api-Secret-Token} (the {@code WebhookSecret}
 *       parameter); never logged, never put into an answer;</li>
 *   <li>{@code AllowedUpdates} — update kinds to receive (default: {@link UpdateParser#HANDLED_KINDS});</li>
 *   <li>{@code MaxConnections} — 1–100, default {@value #DEFAULT_MAX_CONNECTIONS};</li>
 *   <li>{@code DropPendingUpdates} — {@code "true"} drops what Telegram holds (default false: nothing is lost);</li>
 *   <li>{@code BotId} — the bot the stack was deployed for: the token in Secrets Manager must be this bot's;</li>
 *   <li>{@code Revision} and anything else — not read: changing them only makes CloudFormation send an Update,
 *       which registers the webhook again.</li>
 * </ul>
 */
public record WebhookSettings(String url, String secretToken, List<String> allowedUpdates, int maxConnections,
                              boolean dropPendingUpdates, String botId) {

    public static final int DEFAULT_MAX_CONNECTIONS = 40;

    /** The update kinds the webhook function acts on, in a stable order. */
    public static List<String> defaultAllowedUpdates() {
        return List.copyOf(new TreeSet<>(UpdateParser.HANDLED_KINDS));
    }

    /** @throws IllegalArgumentException saying which property is wrong (never quoting the secret) */
    public static WebhookSettings from(CustomResourceRequest request) {
        String url = request.property("Url");
        if (url == null || url.isBlank()) throw new IllegalArgumentException("the Url property is required");
        String secret = request.property("SecretToken");
        if (secret != null && secret.isEmpty()) secret = null;
        return new WebhookSettings(url.strip(), secret, allowedUpdates(request.properties().get("AllowedUpdates")),
                maxConnections(request.property("MaxConnections")), bool("DropPendingUpdates", request.property("DropPendingUpdates")),
                blankToNull(request.property("BotId")));
    }

    /** The resource's URL before an Update (or the URL of the resource being deleted). */
    public static String urlOf(JsonNode properties) {
        JsonNode v = properties == null ? null : properties.get("Url");
        return v == null || !v.isValueNode() || v.asText().isBlank() ? null : v.asText().strip();
    }

    public SetWebhookRequest toRequest() {
        return new SetWebhookRequest(url, secretToken, allowedUpdates, maxConnections, dropPendingUpdates);
    }

    private static List<String> allowedUpdates(JsonNode v) {
        if (v == null || v.isNull()) return defaultAllowedUpdates();
        List<String> kinds = new ArrayList<>();
        if (v.isArray()) {
            for (JsonNode k : v) {
                if (!k.isValueNode() || k.asText().isBlank()) throw new IllegalArgumentException("AllowedUpdates must be a list of update kinds");
                kinds.add(k.asText().strip());
            }
        } else if (v.isValueNode()) {
            // a comma-separated string (e.g. from a CommaDelimitedList parameter joined by hand)
            for (String k : v.asText().split(",")) if (!k.isBlank()) kinds.add(k.strip());
        } else {
            throw new IllegalArgumentException("AllowedUpdates must be a list of update kinds");
        }
        for (String k : kinds) {
            if (!k.matches("[a-z_]{1,64}")) throw new IllegalArgumentException("AllowedUpdates: \"" + k + "\" is not an update kind");
        }
        // an empty list means "all kinds except the opt-in ones" to Telegram: never what this stack wants
        if (kinds.isEmpty()) throw new IllegalArgumentException("AllowedUpdates is empty; leave it out for the handled kinds");
        return List.copyOf(kinds);
    }

    private static int maxConnections(String v) {
        if (v == null || v.isBlank()) return DEFAULT_MAX_CONNECTIONS;
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1 && n <= 100) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("MaxConnections must be a whole number from 1 to 100");
    }

    private static boolean bool(String name, String v) {
        if (v == null || v.isBlank() || v.strip().equalsIgnoreCase("false")) return false;
        if (v.strip().equalsIgnoreCase("true")) return true;
        throw new IllegalArgumentException(name + " must be true or false");
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** Never prints the secret token. */
    @Override
    public String toString() {
        return "WebhookSettings[url=" + url + ", secretToken=" + (secretToken == null ? "none" : "***")
                + ", allowedUpdates=" + allowedUpdates + ", maxConnections=" + maxConnections
                + ", dropPendingUpdates=" + dropPendingUpdates + ", botId=" + botId + "]";
    }
}
