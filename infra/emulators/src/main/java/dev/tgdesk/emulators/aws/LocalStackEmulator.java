package dev.tgdesk.emulators.aws;

import java.net.URI;

import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/** LocalStack (DynamoDB + SQS) in a Docker container managed by Testcontainers. */
final class LocalStackEmulator implements AutoCloseable {

    /** Overrides the image, e.g. {@code localstack/localstack:4.4}. */
    static final String IMAGE_ENV = "TGDESK_LOCALSTACK_IMAGE";
    static final String DEFAULT_IMAGE = "localstack/localstack:4.4";

    private final LocalStackContainer container;

    LocalStackEmulator(String image) {
        container = new LocalStackContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("localstack/localstack"))
                .withServices("dynamodb", "sqs");
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN"); // newer images require one
        if (token != null && !token.isBlank()) {
            container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
        }
    }

    static LocalStackEmulator startFromEnvironment() {
        String image = System.getenv(IMAGE_ENV);
        LocalStackEmulator emulator = new LocalStackEmulator(image == null || image.isBlank() ? DEFAULT_IMAGE : image);
        emulator.container.start();
        return emulator;
    }

    URI endpoint() {
        return container.getEndpoint();
    }

    String accessKey() {
        return container.getAccessKey();
    }

    String secretKey() {
        return container.getSecretKey();
    }

    @Override
    public void close() {
        container.stop();
    }
}
