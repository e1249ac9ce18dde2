package dev.tgdesk.operator.inbox;

import java.util.Map;

/** The contact summary shown beside a private dialog; {@code fields} are the custom fields (cf_ attributes, prefix cut). */
public record ContactRecord(long userId, String firstName, String lastName, String username, String languageCode,
                            boolean blocked, boolean botBlocked, Map<String, Object> fields) {
}
