package dev.tgdesk.realtime;

import java.util.Optional;

/** Single-use connection tickets, stored by their hash (port). */
public interface TicketStore {

    void put(String botId, String ticketHash, String operatorId, long expiresAt);

    /** Removes the ticket and answers its operator — once; a missing, used or expired ticket answers empty. */
    Optional<String> take(String botId, String ticketHash, long nowMillis);
}
