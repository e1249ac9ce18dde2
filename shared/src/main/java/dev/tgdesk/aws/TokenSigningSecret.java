package dev.tgdesk.aws;

import dev.tgdesk.operator.identity.SigningSecret;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The operator API's token signing secret from the process environment: {@code TOKEN_SIGNING_SECRET} directly,
 * or the Secrets Manager secret named by {@code TOKEN_SIGNING_SECRET_ARN} (needs {@code secretsmanager:GetSecretValue}
 * on it). Rules in {@link SigningSecret}; this class only supplies the Secrets Manager read.
 */
public final class TokenSigningSecret {

    private TokenSigningSecret() {
    }

    public static byte[] fromEnvironment() {
        return SigningSecret.fromEnvironment(System.getenv(), arn -> {
            try (SecretsManagerClient client = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.builder().build()).build()) {
                return client.getSecretValue(r -> r.secretId(arn)).secretString();
            }
        });
    }
}
