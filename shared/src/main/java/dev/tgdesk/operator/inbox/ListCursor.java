package dev.tgdesk.operator.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.operator.api.ApiException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The opaque page cursor of a list: base64url of {@code {"k": last sort key, "h": check}}, where the check is a
 * SHA-256 prefix over the sort key and the query's shape (filters, sort, caller). A cursor that was edited, cut, or
 * is used with other filters or by another operator is refused with 400 (field {@code cursor}). The check is not a
 * secret signature: a forged cursor can only move the start position inside partitions the caller may read anyway.
 */
final class ListCursor {

    private static final ObjectMapper JSON = Json.mapper();

    private ListCursor() {
    }

    static String encode(String sortKey, String shape) {
        String json = Json.write(JSON, Map.of("k", sortKey, "h", check(sortKey, shape)));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The sort key the next page starts after; null when {@code token} is null. */
    static String decode(String token, String shape, Pattern sortKeyFormat) {
        if (token == null) return null;
        try {
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(token));
            String k = node.path("k").asText(null);
            String h = node.path("h").asText(null);
            if (k == null || h == null || !sortKeyFormat.matcher(k).matches()) throw invalid();
            if (!MessageDigest.isEqual(h.getBytes(StandardCharsets.UTF_8), check(k, shape).getBytes(StandardCharsets.UTF_8))) {
                throw ApiException.badRequest("cursor", "the cursor belongs to another query; start again without it");
            }
            return k;
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException | java.io.IOException e) {
            throw invalid();
        }
    }

    private static ApiException invalid() {
        return ApiException.badRequest("cursor", "the cursor is not valid");
    }

    private static String check(String sortKey, String shape) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("tgdesk-cursor\n" + sortKey + "\n" + shape).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
