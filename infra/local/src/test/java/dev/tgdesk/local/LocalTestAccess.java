package dev.tgdesk.local;

import java.util.Set;

/** Package-private parts of the local runner, for tests in other packages (the browser tests). */
public final class LocalTestAccess {

    private LocalTestAccess() {
    }

    /** A table/queue name prefix no other test run uses. */
    public static String uniquePrefix(String name) {
        return Stored.uniquePrefix(name);
    }

    /** The ids of the WebSocket connections open on the local WebSocket API. */
    public static Set<String> webSocketConnections(LocalRuntime local) {
        return local.realtime().webSocket().connectionIds();
    }

    /** Drops a connection like a network loss: no close frame, no $disconnect (see WebSocketApiServer#kill). */
    public static void killWebSocket(LocalRuntime local, String connectionId) {
        local.realtime().webSocket().kill(connectionId);
    }
}
