package dev.tgdesk.outbound;

/**
 * Where files operators upload are kept until (and after) the sender hands them to Telegram: keys chosen by the
 * caller ({@code dialogs/<dialogId>/<random id>}), content encrypted at rest. Implemented on S3 by
 * {@code storage.S3FileStore}.
 */
public interface FileStore {

    void put(String key, String contentType, byte[] content);

    /** The bytes, or null when there is no such file. */
    byte[] get(String key);
}
