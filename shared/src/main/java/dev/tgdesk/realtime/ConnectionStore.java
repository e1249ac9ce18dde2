package dev.tgdesk.realtime;

import java.util.List;

/** The live WebSocket connections of a bot (port; one Query lists them all — never a Scan). */
public interface ConnectionStore {

    void put(Connection connection);

    /** Connections not yet past their {@code expiresAt}. */
    List<Connection> connections(String botId, long nowMillis);

    void update(Connection connection);

    void delete(String botId, String connectionId);
}
