package dev.tgdesk.operator.identity;

import dev.tgdesk.operator.api.Caller;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * An operator account as stored ({@code B#{bot}#OP#{id} / OPERATOR}). {@code tokenVersion} is bumped on a password
 * change, a reset or disabling: tokens issued with an older one stop working. {@code version} is the item's
 * optimistic lock (every writer conditions on it and bumps it).
 */
public record Operator(String botId, String id, String email, String name, Caller.Role role, Set<String> teamIds,
                       boolean disabled, String passwordHash, long tokenVersion, long createdAt, long version) {

    public Operator {
        teamIds = teamIds == null ? Set.of() : Set.copyOf(teamIds);
    }

    public String emailKey() {
        return emailKey(email);
    }

    /** Emails are unique per bot regardless of case. */
    public static String emailKey(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    public Caller caller() {
        return new Caller(botId, id, email, name, role, teamIds);
    }

    /** The operator as the API shows it (never the password hash or token version). */
    public java.util.Map<String, Object> view() {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("id", id);
        m.put("email", email);
        m.put("name", name);
        m.put("role", role.name().toLowerCase(Locale.ROOT));
        m.put("teams", new TreeSet<>(teamIds));
        m.put("disabled", disabled);
        m.put("created_at", java.time.Instant.ofEpochMilli(createdAt).toString());
        return m;
    }

    Operator with(String email, String name, Caller.Role role, Set<String> teamIds, boolean disabled, String passwordHash, long tokenVersion) {
        return new Operator(botId, id, email, name, role, teamIds, disabled, passwordHash, tokenVersion, createdAt, version);
    }
}
