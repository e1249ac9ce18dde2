package dev.tgdesk.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A file an operator uploaded, waiting in the {@link FileStore} to be sent. A queued entry carries it in its
 * params as {@code "_upload": {"field","key","file_name","mime_type","size"}} (never sent to Telegram): the sender
 * uploads the bytes as the {@code field} part ({@code photo} or {@code document}) of a multipart call, then
 * replaces the marker by the file_id Telegram returned, so a later resend needs no upload.
 */
public record UploadedFile(String field, String key, String fileName, String mimeType, long size) {

    public static final String PARAM = "_upload";

    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("field", field).put("key", key).put("file_name", fileName)
                .put("mime_type", mimeType).put("size", size);
    }

    /** The marker in a call's params, or null when it sends no uploaded file. */
    public static UploadedFile of(ObjectNode params) {
        JsonNode u = params == null ? null : params.get(PARAM);
        if (u == null || !u.isObject()) return null;
        return new UploadedFile(u.path("field").asText(), u.path("key").asText(), u.path("file_name").asText(null),
                u.path("mime_type").asText(null), u.path("size").asLong());
    }
}
