package dev.tgdesk.scenario;

import java.util.Map;

/** The person the scenario talks to, as templates and conditions see them. {@code fields} are custom fields. */
public record ContactView(Long userId, String firstName, String lastName, String username, String languageCode,
                          Map<String, String> fields) {
    public ContactView {
        fields = fields == null ? Map.of() : fields;
    }
}
