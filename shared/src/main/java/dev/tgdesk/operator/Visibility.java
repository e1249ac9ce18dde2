package dev.tgdesk.operator;

import dev.tgdesk.operator.api.Caller;

/**
 * Who may see (and act on) a dialog — the one rule every endpoint and, later, every push uses. Admins see
 * all dialogs. An agent sees dialogs assigned to them, dialogs of their teams, and — when
 * {@code agentsSeeUnassigned} (deployment setting {@code AGENTS_SEE_UNASSIGNED}, default true) — dialogs
 * with neither a manager nor a team.
 */
public record Visibility(boolean agentsSeeUnassigned) {

    public static final String ENV = "AGENTS_SEE_UNASSIGNED";

    public static Visibility fromEnvironment() {
        String v = System.getenv(ENV);
        return new Visibility(v == null || v.isBlank() || Boolean.parseBoolean(v.strip()));
    }

    /** @param team the dialog's team id or null; @param manager the assigned operator id or null */
    public boolean canSee(Caller caller, String team, String manager) {
        if (caller.isAdmin()) return true;
        if (caller.operatorId().equals(manager)) return true;
        if (team != null && caller.teamIds().contains(team)) return true;
        return agentsSeeUnassigned && team == null && manager == null;
    }
}
