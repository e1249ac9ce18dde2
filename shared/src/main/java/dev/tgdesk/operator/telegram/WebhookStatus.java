package dev.tgdesk.operator.telegram;

import dev.tgdesk.telegram.WebhookInfo;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What admins see of the bot's webhook ({@code GET /api/admin/telegram}): Telegram's {@code getWebhookInfo}, with the
 * URL cut down to what is safe to show — scheme, host, port and path; user info, query and fragment are dropped, and a
 * path segment that looks like a bot token or a secret is replaced by {@value #HIDDEN}.
 */
public final class WebhookStatus {

    static final String HIDDEN = "***";
    private static final Pattern BOT_TOKEN = Pattern.compile("\\d{3,}:[A-Za-z0-9_-]{20,}");
    /** A long run of letters and digits mixed (an API key, a random secret); words and ids stay. */
    private static final Pattern SECRET_LIKE = Pattern.compile("(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_-]{24,}");

    private WebhookStatus() {
    }

    /** The endpoint's body: snake_case keys, optional ones only when Telegram gave them. */
    public static Map<String, Object> view(WebhookInfo info) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("url_set", info.isSet());
        if (info.isSet()) v.put("url", safeUrl(info.url()));
        v.put("pending_update_count", info.pendingUpdateCount());
        if (info.lastErrorDate() != null && info.lastErrorDate() > 0) v.put("last_error_date", info.lastErrorDate());
        if (info.lastErrorMessage() != null && !info.lastErrorMessage().isEmpty()) v.put("last_error_message", info.lastErrorMessage());
        if (info.lastSynchronizationErrorDate() != null && info.lastSynchronizationErrorDate() > 0) {
            v.put("last_synchronization_error_date", info.lastSynchronizationErrorDate());
        }
        if (info.maxConnections() != null) v.put("max_connections", info.maxConnections());
        if (info.allowedUpdates() != null) v.put("allowed_updates", List.copyOf(info.allowedUpdates()));
        if (info.ipAddress() != null && !info.ipAddress().isEmpty()) v.put("ip_address", info.ipAddress());
        return v;
    }

    /** {@code https://host[:port]/path} with secrets removed; just the host when the URL does not parse. */
    static String safeUrl(String url) {
        URI u;
        try {
            u = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            return HIDDEN;
        }
        if (u.getHost() == null) return HIDDEN;
        StringBuilder out = new StringBuilder();
        out.append(u.getScheme() == null ? "https" : u.getScheme()).append("://").append(u.getHost());
        if (u.getPort() >= 0) out.append(':').append(u.getPort());
        String path = u.getRawPath();
        if (path != null && !path.isEmpty()) {
            String[] segments = path.split("/", -1);
            for (int i = 0; i < segments.length; i++) {
                if (i > 0) out.append('/');
                String s = segments[i];
                out.append(BOT_TOKEN.matcher(s).find() || SECRET_LIKE.matcher(s).matches() ? HIDDEN : s);
            }
        }
        return out.toString();
    }
}
