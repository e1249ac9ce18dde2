package dev.tgdesk.operator.identity;

import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.Authenticator;
import dev.tgdesk.operator.api.Caller;

import java.time.Clock;

/**
 * Bearer token → the operator as stored now: signature (constant time) and expiry first, then one read of the
 * operator item. A disabled operator, a token issued before the operator's current token version (password
 * changed or reset, account disabled) or an unknown operator is the same 401 as a bad signature.
 */
public final class TokenAuthenticator implements Authenticator {

    private final AccessTokens tokens;
    private final OperatorDirectory directory;
    private final Clock clock;

    public TokenAuthenticator(AccessTokens tokens, OperatorDirectory directory, Clock clock) {
        this.tokens = tokens;
        this.directory = directory;
        this.clock = clock;
    }

    @Override
    public Caller authenticate(String bearerToken) {
        AccessTokens.Claims claims = tokens.verify(bearerToken, clock.instant());
        if (!Ids.plausible(claims.operatorId())) throw ApiException.unauthorized();
        Operator op = directory.operator(claims.botId(), claims.operatorId()).orElseThrow(ApiException::unauthorized);
        if (op.disabled() || claims.tokenVersion() != op.tokenVersion()) throw ApiException.unauthorized();
        return op.caller();
    }
}
