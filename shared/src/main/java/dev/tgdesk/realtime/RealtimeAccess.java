package dev.tgdesk.realtime;

import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.identity.Operator;
import dev.tgdesk.operator.identity.OperatorDirectory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Who may open a WebSocket: a signed-in operator asks the REST API for a ticket (random, single use, valid
 * {@link #TICKET_TTL_MS}), and opens {@code wss://…?ticket=…} with it. The long-lived access token never travels in a
 * URL (URLs end up in logs); the ticket is stored only as its SHA-256, and {@code $connect} consumes it atomically,
 * then checks the account once more (disabled operators are refused).
 */
public final class RealtimeAccess {

    public static final long TICKET_TTL_MS = 60_000;
    private static final Pattern TICKET = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public record Ticket(String ticket, long expiresAt) {
    }

    private final TicketStore tickets;
    private final ConnectionStore connections;
    private final OperatorDirectory operators;
    private final LongSupplier clock;

    public RealtimeAccess(TicketStore tickets, ConnectionStore connections, OperatorDirectory operators, LongSupplier clock) {
        this.tickets = tickets;
        this.connections = connections;
        this.operators = operators;
        this.clock = clock;
    }

    public Ticket issue(Caller caller) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        long expiresAt = clock.getAsLong() + TICKET_TTL_MS;
        tickets.put(caller.botId(), hash(ticket), caller.operatorId(), expiresAt);
        return new Ticket(ticket, expiresAt);
    }

    /** Admits a connection with its ticket, or answers empty (unknown, used, expired ticket; disabled operator). */
    public Optional<Connection> connect(String botId, String ticket, String connectionId, long connectedAt) {
        if (ticket == null || !TICKET.matcher(ticket).matches()) return Optional.empty();
        Optional<String> operatorId = tickets.take(botId, hash(ticket), clock.getAsLong());
        if (operatorId.isEmpty()) return Optional.empty();
        Optional<Operator> operator = operators.operator(botId, operatorId.get());
        if (operator.isEmpty() || operator.get().disabled()) return Optional.empty();
        Operator op = operator.get();
        Connection connection = new Connection(botId, connectionId, op.id(), op.role(), op.teamIds(), op.tokenVersion(),
                connectedAt, connectedAt + Connection.MAX_DURATION_MS);
        connections.put(connection);
        return Optional.of(connection);
    }

    public void disconnect(String botId, String connectionId) {
        connections.delete(botId, connectionId);
    }

    static String hash(String ticket) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
