package dev.tgdesk.operator.identity;

import dev.tgdesk.operator.ContactFieldDefinition;

import java.util.List;
import java.util.Optional;

/**
 * Where operators, teams and contact field definitions are stored (port; {@code storage.DynamoOperatorDirectory}
 * is the table). Writes are single transactions: nothing is half-applied. Rule violations the store detects come
 * back as {@link dev.tgdesk.operator.api.ApiException}s (409 email taken, 400 unknown team/operator);
 * a concurrent change of an item read earlier as {@link Stale}.
 */
public interface OperatorDirectory {

    /** Another writer changed an item since it was read: read again and redo. */
    final class Stale extends RuntimeException {
        public Stale() {
            super("changed concurrently", null, false, false);
        }
    }

    /** One strongly consistent read of the operator item. */
    Optional<Operator> operator(String botId, String operatorId);

    Optional<Operator> operatorByEmail(String botId, String email);

    /** All operators of the bot, by email. */
    List<Operator> operators(String botId);

    /** Operator + its email claim (409 when taken) + the teams' member lists (400 teams when one is unknown). */
    void createOperator(Operator operator);

    /**
     * Writes {@code after} over {@code before} (conditional on its version): the email claim moves when the email
     * changes, team member lists follow the operator's teams.
     */
    void updateOperator(Operator before, Operator after);

    Optional<Team> team(String botId, String teamId);

    List<Team> teams(String botId);

    /** Team + its members' team lists (400 members when an operator is unknown). */
    void createTeam(Team team);

    void updateTeam(Team before, Team after);

    /** Deletes the team and removes it from its members' team lists. */
    void deleteTeam(Team team);

    /** Whether any open dialog is assigned to the team (index ByTeam). */
    boolean teamHasOpenDialogs(String botId, String teamId);

    /** The bot's contact field definitions, by name (one Query). */
    List<ContactFieldDefinition> contactFields(String botId);

    /** 409 when a field of that name exists. */
    void createContactField(String botId, ContactFieldDefinition definition, long now);

    /** 404 when there is no such field. */
    void updateContactField(String botId, ContactFieldDefinition definition, long now);

    /** 404 when there is no such field. Values already stored on contacts stay. */
    void deleteContactField(String botId, String name);
}
