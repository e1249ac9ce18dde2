package dev.tgdesk.operator.identity;

import dev.tgdesk.operator.ContactFieldDefinition;
import dev.tgdesk.operator.ContactFieldRules;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.Caller;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The identity rules: signing in, passwords, operator accounts, teams and contact field definitions. No AWS types:
 * storage is the {@link OperatorDirectory} port. Read-modify-write actions retry a few times when another writer
 * got in between ({@link OperatorDirectory.Stale}), then answer 409.
 */
public final class OperatorAccounts {

    public static final int MAX_TEAMS_PER_OPERATOR = 20;
    /** A team's members are updated in one transaction with the team (DynamoDB allows 100 items). */
    public static final int MAX_TEAM_MEMBERS = 90;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    private static final int MAX_EMAIL = 254;
    private static final int MAX_NAME = 100;

    private final OperatorDirectory directory;
    private final PasswordHasher hasher;
    private final AccessTokens tokens;
    private final Clock clock;

    public OperatorAccounts(OperatorDirectory directory, PasswordHasher hasher, AccessTokens tokens, Clock clock) {
        this.directory = directory;
        this.hasher = hasher;
        this.tokens = tokens;
        this.clock = clock;
    }

    public OperatorDirectory directory() {
        return directory;
    }

    /** A signed-in operator: the token and who it is. */
    public record Session(AccessTokens.Issued token, Operator operator) {
    }

    // ---- signing in and passwords ----

    /**
     * The same 401 for an unknown email, a wrong password and a disabled account; an unknown email still costs
     * one password hash, so the answer time does not tell which it was.
     */
    public Session login(String botId, String email, String password) {
        if (email == null || password == null || email.length() > MAX_EMAIL || password.length() > PasswordHasher.MAX_LENGTH) {
            hasher.burn(password);
            throw ApiException.unauthorized();
        }
        Optional<Operator> found = directory.operatorByEmail(botId, email);
        if (found.isEmpty()) {
            hasher.burn(password);
            throw ApiException.unauthorized();
        }
        Operator op = found.get();
        if (!hasher.verify(password, op.passwordHash()) || op.disabled()) throw ApiException.unauthorized();
        return new Session(tokens.issue(botId, op.id(), op.tokenVersion(), clock.instant()), op);
    }

    /** Changes the caller's own password; every earlier token stops working; answers a fresh token. */
    public Session changePassword(Caller caller, String current, String next) {
        checkPassword("new", next);
        return retrying(() -> {
            Operator op = directory.operator(caller.botId(), caller.operatorId()).orElseThrow(ApiException::unauthorized);
            if (!hasher.verify(current == null ? "" : current, op.passwordHash())) {
                throw ApiException.badRequest("current", "the current password is wrong");
            }
            Operator after = op.with(op.email(), op.name(), op.role(), op.teamIds(), op.disabled(), hasher.hash(next), op.tokenVersion() + 1);
            directory.updateOperator(op, after);
            return new Session(tokens.issue(caller.botId(), op.id(), after.tokenVersion(), clock.instant()), after);
        });
    }

    // ---- operators ----

    /** What an admin asks to create. */
    public record NewOperator(String email, String name, String role, List<String> teams, String password) {
    }

    public Operator createOperator(String botId, NewOperator n) {
        String email = checkEmail(n.email());
        String name = checkName(n.name());
        Caller.Role role = n.role() == null ? Caller.Role.AGENT : checkRole(n.role());
        Set<String> teams = checkTeams(n.teams());
        checkPassword("password", n.password());
        Operator op = new Operator(botId, Ids.random(), email, name, role, teams, false, hasher.hash(n.password()), 1,
                clock.millis(), 0);
        directory.createOperator(op);
        return directory.operator(botId, op.id()).orElse(op);
    }

    /** The first admin of a bot (CLI, local runner): false, changing nothing, when the email is already used. */
    public boolean createAdminIfAbsent(String botId, String email, String name, String password) {
        if (directory.operatorByEmail(botId, checkEmail(email)).isPresent()) return false;
        try {
            createOperator(botId, new NewOperator(email, name, "admin", List.of(), password));
            return true;
        } catch (ApiException e) {
            if (e.status() == 409) return false;
            throw e;
        }
    }

    /** A change an admin asks for; null fields stay as they are. */
    public record OperatorChange(String email, String name, String role, List<String> teams, Boolean disabled, String password) {
    }

    public Operator updateOperator(Caller admin, String operatorId, OperatorChange c) {
        String email = c.email() == null ? null : checkEmail(c.email());
        String name = c.name() == null ? null : checkName(c.name());
        Caller.Role role = c.role() == null ? null : checkRole(c.role());
        Set<String> teams = c.teams() == null ? null : checkTeams(c.teams());
        if (c.password() != null) checkPassword("password", c.password());
        if (operatorId.equals(admin.operatorId())) {
            if (role == Caller.Role.AGENT) throw ApiException.conflict("you cannot take away your own admin role");
            if (Boolean.TRUE.equals(c.disabled())) throw ApiException.conflict("you cannot disable yourself");
        }
        String hash = c.password() == null ? null : hasher.hash(c.password());
        return retrying(() -> {
            Operator op = operator(admin.botId(), operatorId);
            boolean disabled = c.disabled() == null ? op.disabled() : c.disabled();
            boolean revoke = hash != null || (disabled && !op.disabled());
            Operator after = op.with(email == null ? op.email() : email, name == null ? op.name() : name,
                    role == null ? op.role() : role, teams == null ? op.teamIds() : teams, disabled,
                    hash == null ? op.passwordHash() : hash, revoke ? op.tokenVersion() + 1 : op.tokenVersion());
            if (after.equals(op)) return op;
            directory.updateOperator(op, after);
            return directory.operator(admin.botId(), operatorId).orElse(after);
        });
    }

    public Operator operator(String botId, String operatorId) {
        if (!Ids.plausible(operatorId)) throw ApiException.notFound("operator");
        return directory.operator(botId, operatorId).orElseThrow(() -> ApiException.notFound("operator"));
    }

    // ---- teams ----

    public Team createTeam(String botId, String name, List<String> members) {
        Team team = new Team(botId, Ids.random(), checkName(name), checkMembers(members), clock.millis(), 0);
        directory.createTeam(team);
        return directory.team(botId, team.id()).orElse(team);
    }

    public Team team(String botId, String teamId) {
        if (!Ids.plausible(teamId)) throw ApiException.notFound("team");
        return directory.team(botId, teamId).orElseThrow(() -> ApiException.notFound("team"));
    }

    public Team updateTeam(String botId, String teamId, String name, List<String> members) {
        String n = name == null ? null : checkName(name);
        Set<String> m = members == null ? null : checkMembers(members);
        return retrying(() -> {
            Team team = team(botId, teamId);
            Team after = new Team(botId, teamId, n == null ? team.name() : n, m == null ? team.memberIds() : m,
                    team.createdAt(), team.version());
            if (after.equals(team)) return team;
            directory.updateTeam(team, after);
            return directory.team(botId, teamId).orElse(after);
        });
    }

    /** 409 while open dialogs are assigned to the team (reassign them first); closed ones keep the old team id. */
    public void deleteTeam(String botId, String teamId) {
        retrying(() -> {
            Team team = team(botId, teamId);
            if (directory.teamHasOpenDialogs(botId, teamId)) {
                throw ApiException.conflict("the team still has open dialogs; assign them elsewhere first");
            }
            directory.deleteTeam(team);
            return null;
        });
    }

    // ---- contact field definitions ----

    public ContactFieldDefinition createContactField(String botId, String name, String label, String type, List<String> options) {
        ContactFieldDefinition d = ContactFieldRules.checkDefinition(name, label, type, options);
        if (directory.contactFields(botId).size() >= ContactFieldRules.MAX_FIELDS) {
            throw ApiException.conflict("at most " + ContactFieldRules.MAX_FIELDS + " contact fields");
        }
        directory.createContactField(botId, d, clock.millis());
        return d;
    }

    /**
     * Replaces label, type and options. Values already stored keep their text; they are checked against the new
     * type only when next written.
     */
    public ContactFieldDefinition updateContactField(String botId, String name, String label, String type, List<String> options) {
        if (name == null || !ContactFieldRules.NAME.matcher(name).matches()) throw ApiException.notFound("contact field");
        ContactFieldDefinition d = ContactFieldRules.checkDefinition(name, label, type, options);
        directory.updateContactField(botId, d, clock.millis());
        return d;
    }

    public void deleteContactField(String botId, String name) {
        if (name == null || !ContactFieldRules.NAME.matcher(name).matches()) throw ApiException.notFound("contact field");
        directory.deleteContactField(botId, name);
    }

    // ---- checks ----

    private static <T> T retrying(Supplier<T> action) {
        for (int attempt = 0; attempt < 4; attempt++) {
            try {
                return action.get();
            } catch (OperatorDirectory.Stale stale) {
                // someone changed it meanwhile: read again
            }
        }
        throw ApiException.conflict("it was changed by someone else meanwhile; try again");
    }

    static String checkEmail(String email) {
        if (email == null || email.isBlank()) throw ApiException.badRequest("email", "required");
        String e = email.strip();
        if (e.length() > MAX_EMAIL || !EMAIL.matcher(e).matches()) throw ApiException.badRequest("email", "not an email address");
        return e;
    }

    static String checkName(String name) {
        if (name == null || name.isBlank()) throw ApiException.badRequest("name", "required");
        String n = name.strip();
        if (n.length() > MAX_NAME) throw ApiException.badRequest("name", "at most " + MAX_NAME + " characters");
        if (n.chars().anyMatch(Character::isISOControl)) throw ApiException.badRequest("name", "control characters are not allowed");
        return n;
    }

    static Caller.Role checkRole(String role) {
        return switch (role) {
            case "admin" -> Caller.Role.ADMIN;
            case "agent" -> Caller.Role.AGENT;
            default -> throw ApiException.badRequest("role", "admin or agent");
        };
    }

    static void checkPassword(String field, String password) {
        if (password == null || password.length() < PasswordHasher.MIN_LENGTH) {
            throw ApiException.badRequest(field, "at least " + PasswordHasher.MIN_LENGTH + " characters");
        }
        if (password.length() > PasswordHasher.MAX_LENGTH) {
            throw ApiException.badRequest(field, "at most " + PasswordHasher.MAX_LENGTH + " characters");
        }
    }

    private static Set<String> checkTeams(List<String> teams) {
        return ids("teams", teams, MAX_TEAMS_PER_OPERATOR, "unknown team");
    }

    private static Set<String> checkMembers(List<String> members) {
        return ids("members", members, MAX_TEAM_MEMBERS, "unknown operator");
    }

    private static Set<String> ids(String field, List<String> ids, int max, String unknown) {
        if (ids == null) return Set.of();
        Set<String> out = new LinkedHashSet<>();
        for (String id : ids) {
            if (!Ids.plausible(id)) throw ApiException.badRequest(field, unknown);
            out.add(id);
        }
        if (out.size() > max) throw ApiException.badRequest(field, "at most " + max);
        return out;
    }
}
