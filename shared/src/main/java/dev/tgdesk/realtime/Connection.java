package dev.tgdesk.realtime;

import dev.tgdesk.operator.api.Caller;

import java.util.Set;

/**
 * One operator browser connected to the WebSocket API, with what the operator's account allowed when it connected
 * (kept current by {@link RealtimePublisher} when the account changes). API Gateway ends a connection after 2 hours;
 * {@code expiresAt} is when this one ends at the latest.
 */
public record Connection(String botId, String connectionId, String operatorId, Caller.Role role, Set<String> teamIds,
                         long tokenVersion, long connectedAt, long expiresAt) {

    public static final long MAX_DURATION_MS = 2 * 60 * 60 * 1000L;

    public Connection {
        teamIds = teamIds == null ? Set.of() : Set.copyOf(teamIds);
    }

    /** Who this connection acts for, for {@link dev.tgdesk.operator.Visibility}. */
    public Caller caller() {
        return new Caller(botId, operatorId, null, null, role, teamIds);
    }

    public Connection withAccess(Change.OperatorAccess access) {
        return new Connection(botId, connectionId, operatorId, access.role(), access.teamIds(), tokenVersion, connectedAt, expiresAt);
    }
}
