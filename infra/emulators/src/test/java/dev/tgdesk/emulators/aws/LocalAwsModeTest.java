package dev.tgdesk.emulators.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import dev.tgdesk.emulators.aws.LocalAws.Mode;

/** Mode selection only: nothing is started. */
class LocalAwsModeTest {

    private static final BooleanSupplier NO_DOCKER = () -> false;
    private static final BooleanSupplier DOCKER = () -> true;

    @Test
    void explicitEndpointsWin() {
        assertEquals(Mode.EXTERNAL, LocalAws.chooseMode(Map.of("AWS_ENDPOINT_URL", "http://localhost:4566"), DOCKER));
        assertEquals(Mode.EXTERNAL, LocalAws.chooseMode(Map.of("AWS_ENDPOINT_URL_SQS", "http://localhost:9324",
                "TGDESK_LOCALSTACK", "1"), DOCKER));
    }

    @Test
    void localStackWhenAskedOrWhenDockerRuns() {
        assertEquals(Mode.LOCALSTACK, LocalAws.chooseMode(Map.of("TGDESK_LOCALSTACK", "1"), NO_DOCKER));
        assertEquals(Mode.LOCALSTACK, LocalAws.chooseMode(Map.of(), DOCKER));
        assertEquals(Mode.MOTO_ELASTICMQ, LocalAws.chooseMode(Map.of("TGDESK_LOCALSTACK", "0"),
                () -> fail("the Docker probe must be skipped")));
    }

    @Test
    void motoAndElasticMqOtherwise() {
        assertEquals(Mode.MOTO_ELASTICMQ, LocalAws.chooseMode(Map.of(), NO_DOCKER));
    }

    @Test
    void externalEndpointsPerService() {
        try (LocalAws aws = LocalAws.external(Map.of(
                "AWS_ENDPOINT_URL", "http://localhost:4566",
                "AWS_ENDPOINT_URL_SQS", "http://localhost:9324"), false)) {
            assertEquals(URI.create("http://localhost:4566"), aws.dynamoDbEndpoint());
            assertEquals(URI.create("http://localhost:9324"), aws.sqsEndpoint());
            assertFalse(aws.supportsFaultInjection());
            assertThrows(UnsupportedOperationException.class, aws::stopDynamoDb);
        }
        assertThrows(IllegalStateException.class,
                () -> LocalAws.external(Map.of("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000"), false));
    }

    @Test
    void dockerPreCheckIsCheap() {
        Path missing = Path.of("/nonexistent/docker.sock");
        assertFalse(DockerProbe.looksPresent(Map.of(), missing));
        assertTrue(DockerProbe.looksPresent(Map.of("DOCKER_HOST", "tcp://10.0.0.1:2375"), missing));
    }
}
