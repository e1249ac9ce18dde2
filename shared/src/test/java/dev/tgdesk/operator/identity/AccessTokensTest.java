package dev.tgdesk.operator.identity;

import dev.tgdesk.operator.api.ApiException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessTokensTest {

    static final byte[] SECRET = "0123456789abcdef0123456789abcdef-test".getBytes(StandardCharsets.UTF_8);
    final AccessTokens tokens = new AccessTokens(SECRET, Duration.ofHours(1));
    final Instant now = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void aTokenCarriesItsClaimsUntilItExpires() {
        var issued = tokens.issue("123", "op1", 7, now);
        assertEquals(now.plusSeconds(3600), issued.expiresAt());
        var claims = tokens.verify(issued.token(), now.plusSeconds(3599));
        assertEquals(new AccessTokens.Claims("123", "op1", now, now.plusSeconds(3600), 7), claims);
        assertEquals(401, assertThrows(ApiException.class, () -> tokens.verify(issued.token(), now.plusSeconds(3600))).status());
    }

    @Test
    void theHeaderIsStandardJwt() {
        String header = new String(Base64.getUrlDecoder().decode(tokens.issue("1", "o", 1, now).token().split("\\.")[0]), StandardCharsets.UTF_8);
        assertEquals("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", header);
    }

    @Test
    void tamperedForgedAndMalformedTokensAreRefused() {
        String token = tokens.issue("123", "op1", 1, now).token();
        String[] parts = token.split("\\.");
        String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"admin\",\"bot\":\"123\",\"iat\":1,\"exp\":99999999999,\"ver\":1}".getBytes(StandardCharsets.UTF_8));
        String noneHeader = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        var otherKey = new AccessTokens("another secret that is long enough!!".getBytes(StandardCharsets.UTF_8), Duration.ofHours(1));
        for (String bad : new String[] {
                parts[0] + "." + otherPayload + "." + parts[2],
                noneHeader + "." + parts[1] + ".",
                parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2) + (parts[2].endsWith("AA") ? "BB" : "AA"),
                otherKey.issue("123", "op1", 1, now).token(),
                token + ".x", "", "a.b", "a.b.c", "not a token", token.substring(1)}) {
            assertEquals(401, assertThrows(ApiException.class, () -> tokens.verify(bad, now), bad).status(), bad);
        }
        assertThrows(ApiException.class, () -> tokens.verify(null, now));
    }

    @Test
    void aTokenFromTheFutureIsRefused() {
        String token = tokens.issue("123", "op1", 1, now.plusSeconds(600)).token();
        assertThrows(ApiException.class, () -> tokens.verify(token, now));
    }

    @Test
    void shortSecretsAndOddLifetimesAreConfigurationErrors() {
        assertThrows(IllegalStateException.class, () -> new AccessTokens("short".getBytes(StandardCharsets.UTF_8), Duration.ofHours(1)));
        assertThrows(IllegalStateException.class, () -> new AccessTokens(SECRET, Duration.ofSeconds(5)));
        assertEquals(Duration.ofHours(1), AccessTokens.ttlFromEnvironment(Map.of()));
        assertEquals(Duration.ofMinutes(15), AccessTokens.ttlFromEnvironment(Map.of("TOKEN_TTL_SECONDS", "900")));
    }

    @Test
    void theSecretComesFromTheEnvironmentOrSecretsManager() {
        String value = "x".repeat(40);
        assertEquals(value, new String(SigningSecret.fromEnvironment(Map.of("TOKEN_SIGNING_SECRET", value), arn -> {
            throw new AssertionError("no Secrets Manager read when the value is given");
        }), StandardCharsets.UTF_8));
        assertEquals(value, new String(SigningSecret.fromEnvironment(Map.of("TOKEN_SIGNING_SECRET_ARN", "arn:s"),
                arn -> arn.equals("arn:s") ? value : null), StandardCharsets.UTF_8));
        assertEquals(value, new String(SigningSecret.fromEnvironment(Map.of("TOKEN_SIGNING_SECRET_ARN", "arn:s"),
                arn -> "{\"secret\":\"" + value + "\"}"), StandardCharsets.UTF_8));
        var missing = assertThrows(IllegalStateException.class, () -> SigningSecret.fromEnvironment(Map.of(), arn -> value));
        assertTrue(missing.getMessage().contains("TOKEN_SIGNING_SECRET"));
        var tooShort = assertThrows(IllegalStateException.class,
                () -> SigningSecret.fromEnvironment(Map.of("TOKEN_SIGNING_SECRET", "short-secret-value"), arn -> value));
        assertTrue(!tooShort.getMessage().contains("short-secret-value"), "the value never appears in messages");
    }
}
