package dev.tgdesk.realtime;

/** Sends data to one WebSocket connection (port; API Gateway's {@code @connections} API). */
public interface PushGateway {

    /** Frames stay under API Gateway's 32 KB frame size. */
    int MAX_FRAME_BYTES = 32 * 1024;

    enum Outcome { DELIVERED, GONE, FAILED }

    Outcome post(String connectionId, byte[] data);

    /** Closes the connection (the operator was disabled or signed out everywhere); a gone one is fine. */
    void disconnect(String connectionId);
}
