package dev.tgdesk.operator.api;

import java.util.Set;

/** The signed-in operator a request acts for, as stored now (role and teams are read per request). */
public record Caller(String botId, String operatorId, String email, String name, Role role, Set<String> teamIds) {

    public enum Role { ADMIN, AGENT }

    public Caller {
        teamIds = teamIds == null ? Set.of() : Set.copyOf(teamIds);
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    public void requireAdmin() {
        if (!isAdmin()) throw ApiException.forbidden("only admins may do this");
    }
}
