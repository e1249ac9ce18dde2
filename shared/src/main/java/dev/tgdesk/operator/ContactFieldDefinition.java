package dev.tgdesk.operator;

import java.util.List;
import java.util.Locale;

/**
 * A contact field admins define (stored as {@code B#{bot}#FIELDS / FIELD#{name}}); the values live on the contact
 * as {@code cf_<name>} string attributes. {@code options} only for {@link Type#CHOICE}, empty otherwise.
 */
public record ContactFieldDefinition(String name, String label, Type type, List<String> options) {

    public enum Type {
        TEXT, NUMBER, DATE, CHOICE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The type named {@code text | number | date | choice}, or null. */
        public static Type parse(String s) {
            if (s == null) return null;
            for (Type t : values()) if (t.wire().equals(s)) return t;
            return null;
        }
    }

    public ContactFieldDefinition {
        options = options == null ? List.of() : List.copyOf(options);
    }
}
