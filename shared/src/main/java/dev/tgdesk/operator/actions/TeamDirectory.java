package dev.tgdesk.operator.actions;

/** Which operators and teams exist (the identity area's store), for assignments. */
public interface TeamDirectory {

    boolean operatorExists(String botId, String operatorId);

    boolean teamExists(String botId, String teamId);
}
