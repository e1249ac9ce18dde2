package dev.tgdesk.aws;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The bot token as a function gets it: {@code TELEGRAM_BOT_TOKEN} directly (local runs), or the secret named by
 * {@code BOT_TOKEN_SECRET_ARN} read from AWS Secrets Manager (deployments: the token never sits in the function's
 * configuration). Read once per container; the value is never logged or put into an exception message.
 *
 * <p>The secret holds the token as plain text, or as JSON with a {@code token} (or {@code TELEGRAM_BOT_TOKEN})
 * field, for those who keep several values in one secret.
 */
public final class BotToken {

    public static final String TOKEN_ENV = "TELEGRAM_BOT_TOKEN";
    public static final String SECRET_ARN_ENV = "BOT_TOKEN_SECRET_ARN";

    private BotToken() {
    }

    /** From the process environment, building a Secrets Manager client only if needed. */
    public static String fromEnvironment() {
        return fromEnvironment(System.getenv(), () -> SecretsManagerClient.builder().httpClient(
                software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder().build()).build());
    }

    /**
     * @param env     the environment to read
     * @param secrets builds the client when the token must come from Secrets Manager (closed after use)
     */
    public static String fromEnvironment(Map<String, String> env, Supplier<SecretsManagerClient> secrets) {
        String direct = env.get(TOKEN_ENV);
        if (direct != null && !direct.isBlank()) return direct.strip();
        String arn = env.get(SECRET_ARN_ENV);
        if (arn == null || arn.isBlank()) {
            throw new IllegalStateException("set " + TOKEN_ENV + " or " + SECRET_ARN_ENV + " to give the function the bot token");
        }
        try (SecretsManagerClient client = secrets.get()) {
            return fromSecret(arn.strip(), id -> client.getSecretValue(r -> r.secretId(id)).secretString());
        }
    }

    /** Reads and unwraps the secret through {@code read} (secret id → SecretString). */
    static String fromSecret(String secretId, Function<String, String> read) {
        String value;
        try {
            value = read.apply(secretId);
        } catch (RuntimeException e) {
            // the SDK's message names the secret, never its value
            throw new IllegalStateException("cannot read the bot token secret " + secretId + ": " + e.getMessage(), e);
        }
        if (value == null || value.isBlank()) throw new IllegalStateException("the bot token secret " + secretId + " is empty");
        value = value.strip();
        if (value.startsWith("{")) {
            try {
                var node = dev.tgdesk.domain.Json.mapper().readTree(value);
                for (String field : new String[] {"token", TOKEN_ENV, "botToken", "bot_token"}) {
                    if (node.hasNonNull(field)) return node.get(field).asText().strip();
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the bot token secret " + secretId + " is neither a token nor JSON");
            }
            throw new IllegalStateException("the bot token secret " + secretId + " is JSON without a \"token\" field");
        }
        return value;
    }
}
