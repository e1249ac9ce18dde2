package dev.tgdesk.aws;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;

/**
 * SDK clients as the functions build them: once per container, on the light URL-connection HTTP client.
 * Region, credentials and endpoints come from the environment the SDK reads by itself (in Lambda its
 * variables; locally {@code AWS_ENDPOINT_URL[_SERVICE]} pointing at emulators).
 */
public final class AwsClients {
    private AwsClients() {
    }

    public static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder().httpClient(httpClient()).build();
    }

    public static SqsClient sqs() {
        return SqsClient.builder().httpClient(httpClient()).build();
    }

    /** The HTTP client every SDK client of a function uses (also for clients built outside this class). */
    public static software.amazon.awssdk.http.SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** A required environment variable, or a clear error naming it. */
    public static String requiredEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) throw new IllegalStateException("environment variable " + name + " is not set");
        return value;
    }
}
