package dev.tgdesk.operator.api;

/** Turns the {@code Authorization: Bearer …} token into the operator it belongs to, or throws 401. */
public interface Authenticator {
    Caller authenticate(String bearerToken);
}
