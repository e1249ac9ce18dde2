package dev.tgdesk.telegram;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Result of {@code getWebhookInfo}. {@code url} is empty when no webhook is set; optional fields
 * are null when the server omits them (e.g. no delivery error yet).
 *
 * @param lastErrorDate unix time (seconds) of the most recent delivery error
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookInfo(
        @JsonProperty("url") String url,
        @JsonProperty("has_custom_certificate") boolean hasCustomCertificate,
        @JsonProperty("pending_update_count") long pendingUpdateCount,
        @JsonProperty("ip_address") String ipAddress,
        @JsonProperty("last_error_date") Long lastErrorDate,
        @JsonProperty("last_error_message") String lastErrorMessage,
        @JsonProperty("last_synchronization_error_date") Long lastSynchronizationErrorDate,
        @JsonProperty("max_connections") Integer maxConnections,
        @JsonProperty("allowed_updates") List<String> allowedUpdates) {

    /** Whether a webhook is set. */
    @JsonIgnore
    public boolean isSet() {
        return url != null && !url.isEmpty();
    }
}
