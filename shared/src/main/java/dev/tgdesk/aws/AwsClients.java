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

    /**
     * S3 with path-style addressing when an endpoint override is set (emulators serve buckets under the path);
     * virtual-hosted style on AWS.
     */
    public static software.amazon.awssdk.services.s3.S3Client s3() {
        boolean emulated = System.getenv("AWS_ENDPOINT_URL_S3") != null || System.getenv("AWS_ENDPOINT_URL") != null;
        return software.amazon.awssdk.services.s3.S3Client.builder().httpClient(httpClient()).forcePathStyle(emulated).build();
    }

    private static software.amazon.awssdk.http.SdkHttpClient httpClient() {
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
