package dev.tgdesk.operator.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.operator.api.ApiException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Short-lived signed access tokens in JWT compact form ({@code HS256}), written by hand: header
 * {@code {"alg":"HS256","typ":"JWT"}}, claims {@code sub} (operator id), {@code bot}, {@code iat}, {@code exp}
 * (seconds) and {@code ver} (the operator's token version when it was issued; bumping it revokes every older
 * token). Verification checks the signature in constant time before reading anything else, then the algorithm
 * and the times. Every failure is the same 401.
 */
public final class AccessTokens {

    public static final String TTL_ENV = "TOKEN_TTL_SECONDS";
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final int MIN_SECRET_BYTES = 32;
    /** Tokens issued this far in the future (clock skew between containers) are still accepted. */
    private static final long SKEW_SECONDS = 60;
    private static final int MAX_TOKEN_CHARS = 2048;
    private static final String HEADER = Base64.getUrlEncoder().withoutPadding()
            .encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    /** What a valid token says. */
    public record Claims(String botId, String operatorId, Instant issuedAt, Instant expiresAt, long tokenVersion) {
    }

    /** A token as handed out at login. */
    public record Issued(String token, Instant expiresAt) {
    }

    private final SecretKeySpec key;
    private final Duration ttl;
    private final ObjectMapper json = new ObjectMapper();

    public AccessTokens(byte[] secret, Duration ttl) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("the token signing secret must have at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalStateException("token lifetime must be between 1 minute and 1 day");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.ttl = ttl;
    }

    /** The lifetime from {@code TOKEN_TTL_SECONDS} (default 3600). */
    public static Duration ttlFromEnvironment(java.util.Map<String, String> env) {
        String v = env.get(TTL_ENV);
        if (v == null || v.isBlank()) return DEFAULT_TTL;
        try {
            return Duration.ofSeconds(Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(TTL_ENV + " must be a number of seconds");
        }
    }

    public Duration ttl() {
        return ttl;
    }

    public Issued issue(String botId, String operatorId, long tokenVersion, Instant now) {
        long iat = now.getEpochSecond();
        long exp = iat + ttl.toSeconds();
        ObjectNode claims = json.createObjectNode();
        claims.put("sub", operatorId);
        claims.put("bot", botId);
        claims.put("iat", iat);
        claims.put("exp", exp);
        claims.put("ver", tokenVersion);
        String payload;
        try {
            payload = b64(json.writeValueAsBytes(claims));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        String signingInput = HEADER + "." + payload;
        return new Issued(signingInput + "." + b64(sign(signingInput)), Instant.ofEpochSecond(exp));
    }

    /** The claims of a genuine, unexpired token; anything else is {@link ApiException#unauthorized()}. */
    public Claims verify(String token, Instant now) {
        if (token == null || token.length() > MAX_TOKEN_CHARS) throw ApiException.unauthorized();
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) >= 0) throw ApiException.unauthorized();
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(token.substring(second + 1));
        } catch (IllegalArgumentException e) {
            throw ApiException.unauthorized();
        }
        if (!MessageDigest.isEqual(sign(token.substring(0, second)), signature)) throw ApiException.unauthorized();
        try {
            JsonNode header = json.readTree(Base64.getUrlDecoder().decode(token.substring(0, first)));
            if (!"HS256".equals(header.path("alg").asText())) throw ApiException.unauthorized();
            JsonNode c = json.readTree(Base64.getUrlDecoder().decode(token.substring(first + 1, second)));
            if (!c.path("sub").isTextual() || !c.path("bot").isTextual() || !c.path("iat").canConvertToLong()
                    || !c.path("exp").canConvertToLong() || !c.path("ver").canConvertToLong()) {
                throw ApiException.unauthorized();
            }
            long nowSec = now.getEpochSecond();
            long iat = c.get("iat").asLong();
            long exp = c.get("exp").asLong();
            if (nowSec >= exp || iat > nowSec + SKEW_SECONDS) throw ApiException.unauthorized();
            return new Claims(c.get("bot").asText(), c.get("sub").asText(), Instant.ofEpochSecond(iat),
                    Instant.ofEpochSecond(exp), c.get("ver").asLong());
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw ApiException.unauthorized();
        }
    }

    private byte[] sign(String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
