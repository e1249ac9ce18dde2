package dev.tgdesk.operator.identity;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * The access-token signing secret as a function gets it, mirroring the bot token: {@code TOKEN_SIGNING_SECRET}
 * directly (local runs), or the Secrets Manager secret named by {@code TOKEN_SIGNING_SECRET_ARN} (deployments;
 * a {@code GenerateSecretString} secret). The secret holds the value as plain text or as JSON with a
 * {@code secret} field. Read once per container; the value is never logged or put into a message.
 * {@code dev.tgdesk.aws.TokenSigningSecret} supplies the Secrets Manager reader.
 */
public final class SigningSecret {

    public static final String SECRET_ENV = "TOKEN_SIGNING_SECRET";
    public static final String SECRET_ARN_ENV = "TOKEN_SIGNING_SECRET_ARN";

    private SigningSecret() {
    }

    /** @param readSecret secret id → SecretString, called only when the ARN variable is the source */
    public static byte[] fromEnvironment(Map<String, String> env, Function<String, String> readSecret) {
        String direct = env.get(SECRET_ENV);
        if (direct != null && !direct.isBlank()) return checked(direct.strip(), SECRET_ENV);
        String arn = env.get(SECRET_ARN_ENV);
        if (arn == null || arn.isBlank()) {
            throw new IllegalStateException("set " + SECRET_ENV + " or " + SECRET_ARN_ENV + " to give the operator API its token signing secret");
        }
        String value;
        try {
            value = readSecret.apply(arn.strip());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read the token signing secret " + arn.strip() + ": " + e.getMessage(), e);
        }
        if (value == null || value.isBlank()) throw new IllegalStateException("the token signing secret " + arn.strip() + " is empty");
        value = value.strip();
        if (value.startsWith("{")) {
            try {
                var node = dev.tgdesk.domain.Json.mapper().readTree(value);
                if (!node.path("secret").isTextual()) throw new IllegalStateException("the token signing secret " + arn.strip() + " is JSON without a \"secret\" field");
                value = node.get("secret").asText().strip();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the token signing secret " + arn.strip() + " is neither text nor JSON");
            }
        }
        return checked(value, arn.strip());
    }

    private static byte[] checked(String value, String source) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < AccessTokens.MIN_SECRET_BYTES) {
            throw new IllegalStateException("the token signing secret from " + source + " is shorter than " + AccessTokens.MIN_SECRET_BYTES + " bytes");
        }
        return bytes;
    }
}
