package dev.tgdesk.operator.actions;

import java.util.List;

/**
 * A custom contact field as admins define it (the identity area stores them): name (stored as {@code cf_<name>}),
 * label, type (e.g. {@code text}, {@code number}, {@code date}, {@code select}, {@code boolean}) and the options of
 * a select.
 */
public record ContactFieldDefinition(String name, String label, String type, List<String> options) {
    public ContactFieldDefinition {
        options = options == null ? List.of() : List.copyOf(options);
    }
}
