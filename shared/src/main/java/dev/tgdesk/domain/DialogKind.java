package dev.tgdesk.domain;

/** What an operator sees a dialog as: a person's private chat, a group chat, or a channel. */
public enum DialogKind {
    PRIVATE, GROUP, CHANNEL;

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static DialogKind fromKey(String key) {
        return valueOf(key.toUpperCase(java.util.Locale.ROOT));
    }
}
