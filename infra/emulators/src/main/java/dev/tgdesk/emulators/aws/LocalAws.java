package dev.tgdesk.emulators.aws;

import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * The local AWS stack (DynamoDB + SQS) for integration tests and the local runner.
 *
 * <p>{@link #start()} picks a {@link Mode} from the environment: explicit endpoints
 * ({@code AWS_ENDPOINT_URL[_DYNAMODB|_SQS]}), else LocalStack when {@code TGDESK_LOCALSTACK=1} or
 * Docker is reachable, else moto (DynamoDB, a python subprocess) + ElasticMQ (SQS, in this JVM).
 * Build SDK clients with {@link #dynamoDb} / {@link #dynamoDbStreams} / {@link #sqs}; create the
 * template's tables and queues with {@link TemplateResources#create(LocalAws)}.
 */
public final class LocalAws implements AutoCloseable {

    public enum Mode {
        /** Endpoints come from {@code AWS_ENDPOINT_URL*} (e.g. a LocalStack you run); nothing is started. */
        EXTERNAL,
        /** LocalStack in Docker, started through Testcontainers. */
        LOCALSTACK,
        /** moto server subprocess for DynamoDB + ElasticMQ embedded in this JVM for SQS. */
        MOTO_ELASTICMQ
    }

    public static final Region REGION = Region.US_EAST_1;
    public static final String ACCOUNT_ID = "000000000000";
    /** Emulators accept any key; these are never real credentials. */
    public static final AwsCredentialsProvider DUMMY_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    static final String ENDPOINT_ENV = "AWS_ENDPOINT_URL";
    static final String DYNAMODB_ENDPOINT_ENV = "AWS_ENDPOINT_URL_DYNAMODB";
    static final String SQS_ENDPOINT_ENV = "AWS_ENDPOINT_URL_SQS";
    /** {@code 1}/{@code true} forces LocalStack, {@code 0}/{@code false} forbids it (skips the Docker probe). */
    static final String LOCALSTACK_ENV = "TGDESK_LOCALSTACK";

    private static final System.Logger LOG = System.getLogger(LocalAws.class.getName());
    private static LocalAws sharedInstance;

    private final Mode mode;
    private final URI dynamoDbEndpoint;
    private final URI sqsEndpoint;
    private final AwsCredentialsProvider credentials;
    private final MotoServer moto;              // MOTO_ELASTICMQ only
    private final EmbeddedElasticMq elasticMq;  // MOTO_ELASTICMQ only
    private final LocalStackEmulator localStack; // LOCALSTACK only
    private final boolean shared;
    private boolean closed;

    private LocalAws(Mode mode, URI dynamoDbEndpoint, URI sqsEndpoint, AwsCredentialsProvider credentials,
                     MotoServer moto, EmbeddedElasticMq elasticMq, LocalStackEmulator localStack, boolean shared) {
        this.mode = mode;
        this.dynamoDbEndpoint = dynamoDbEndpoint;
        this.sqsEndpoint = sqsEndpoint;
        this.credentials = credentials;
        this.moto = moto;
        this.elasticMq = elasticMq;
        this.localStack = localStack;
        this.shared = shared;
    }

    /** Starts the stack in the mode the environment asks for (see the class comment). */
    public static LocalAws start() {
        return start(chooseMode(System.getenv(), DockerProbe::isDockerAvailable));
    }

    public static LocalAws start(Mode mode) {
        return start(mode, false);
    }

    /**
     * One stack per JVM, started on first use and stopped at JVM exit; {@link #close()} on it is a
     * no-op so a test cannot pull it from under the others. Startup costs seconds, so tests share it.
     */
    public static synchronized LocalAws shared() {
        if (sharedInstance == null) {
            LocalAws aws = start(chooseMode(System.getenv(), DockerProbe::isDockerAvailable), true);
            Runtime.getRuntime().addShutdownHook(new Thread(aws::shutdown, "local-aws-shutdown"));
            sharedInstance = aws;
        }
        return sharedInstance;
    }

    static Mode chooseMode(Map<String, String> env, BooleanSupplier dockerAvailable) {
        if (isSet(env, ENDPOINT_ENV) || isSet(env, DYNAMODB_ENDPOINT_ENV) || isSet(env, SQS_ENDPOINT_ENV)) {
            return Mode.EXTERNAL;
        }
        String localStack = env.getOrDefault(LOCALSTACK_ENV, "").strip().toLowerCase(Locale.ROOT);
        if (localStack.equals("1") || localStack.equals("true")) {
            return Mode.LOCALSTACK;
        }
        if (localStack.equals("0") || localStack.equals("false")) {
            return Mode.MOTO_ELASTICMQ;
        }
        return dockerAvailable.getAsBoolean() ? Mode.LOCALSTACK : Mode.MOTO_ELASTICMQ;
    }

    private static LocalAws start(Mode mode, boolean shared) {
        long started = System.nanoTime();
        LocalAws aws = switch (mode) {
            case EXTERNAL -> external(System.getenv(), shared);
            case LOCALSTACK -> localStack(shared);
            case MOTO_ELASTICMQ -> motoAndElasticMq(shared);
        };
        LOG.log(System.Logger.Level.INFO, "{0} ready in {1} ms", aws, (System.nanoTime() - started) / 1_000_000);
        return aws;
    }

    static LocalAws external(Map<String, String> env, boolean shared) {
        URI dynamoDb = endpointFromEnv(env, DYNAMODB_ENDPOINT_ENV);
        URI sqs = endpointFromEnv(env, SQS_ENDPOINT_ENV);
        if (dynamoDb == null || sqs == null) {
            throw new IllegalStateException("Only one of DynamoDB/SQS has an endpoint in the environment; set "
                    + ENDPOINT_ENV + ", or both " + DYNAMODB_ENDPOINT_ENV + " and " + SQS_ENDPOINT_ENV);
        }
        AwsCredentialsProvider credentials = isSet(env, "AWS_ACCESS_KEY_ID")
                ? EnvironmentVariableCredentialsProvider.create()
                : DUMMY_CREDENTIALS;
        return new LocalAws(Mode.EXTERNAL, dynamoDb, sqs, credentials, null, null, null, shared);
    }

    private static LocalAws localStack(boolean shared) {
        LocalStackEmulator container = LocalStackEmulator.startFromEnvironment();
        var credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(container.accessKey(), container.secretKey()));
        return new LocalAws(Mode.LOCALSTACK, container.endpoint(), container.endpoint(), credentials,
                null, null, container, shared);
    }

    private static LocalAws motoAndElasticMq(boolean shared) {
        MotoServer moto = new MotoServer();
        EmbeddedElasticMq elasticMq = new EmbeddedElasticMq();
        // Both take a second or two; start them side by side.
        CompletableFuture<MotoServer> motoStarted = CompletableFuture.supplyAsync(() -> {
            moto.start();
            warmUpDynamoDb(moto.endpoint());
            return moto;
        });
        try {
            elasticMq.start();
            motoStarted.join();
        } catch (RuntimeException e) {
            motoStarted.handle((ok, ignored) -> null).join(); // let moto finish starting before killing it
            moto.close();
            elasticMq.close();
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        return new LocalAws(Mode.MOTO_ELASTICMQ, moto.endpoint(), elasticMq.endpoint(), DUMMY_CREDENTIALS,
                moto, elasticMq, null, shared);
    }

    /**
     * moto loads its DynamoDB backend on the first call (~0.3 s) and the SDK its classes on the
     * first client (~1 s): pay both while ElasticMQ is still starting.
     */
    private static void warmUpDynamoDb(URI endpoint) {
        try (DynamoDbClient client = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(DUMMY_CREDENTIALS)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            client.listTables();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "DynamoDB warm-up failed (harmless): {0}", e.toString());
        }
    }

    public Mode mode() {
        return mode;
    }

    public URI dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    public URI sqsEndpoint() {
        return sqsEndpoint;
    }

    public Region region() {
        return REGION;
    }

    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /** A DynamoDB client for this stack (URL-connection HTTP client); interceptors see every call. */
    public DynamoDbClient dynamoDb(ExecutionInterceptor... interceptors) {
        return dynamoDbBuilder(interceptors).build();
    }

    /**
     * Like {@link #dynamoDb}, for callers that tune more (e.g. the retry strategy). The interceptors
     * live in the override configuration, and {@code overrideConfiguration(Consumer)} replaces it:
     * extend {@code builder.overrideConfiguration().toBuilder()} instead.
     */
    public DynamoDbClientBuilder dynamoDbBuilder(ExecutionInterceptor... interceptors) {
        return configure(DynamoDbClient.builder(), dynamoDbEndpoint, interceptors);
    }

    /**
     * A DynamoDB Streams client for this stack: moto and LocalStack serve Streams on the DynamoDB port; in
     * EXTERNAL mode {@code AWS_ENDPOINT_URL_DYNAMODB_STREAMS}, else {@code AWS_ENDPOINT_URL}, else the DynamoDB
     * endpoint decides (see {@link #endpoint}).
     */
    public DynamoDbStreamsClient dynamoDbStreams(ExecutionInterceptor... interceptors) {
        return configure(DynamoDbStreamsClient.builder(), "DYNAMODB_STREAMS", interceptors).build();
    }

    /** An SQS client for this stack (URL-connection HTTP client); interceptors see every call. */
    public SqsClient sqs(ExecutionInterceptor... interceptors) {
        return sqsBuilder(interceptors).build();
    }

    /** Like {@link #sqs}; see {@link #dynamoDbBuilder} on keeping the interceptors. */
    public SqsClientBuilder sqsBuilder(ExecutionInterceptor... interceptors) {
        return configure(SqsClient.builder(), sqsEndpoint, interceptors);
    }

    /**
     * The endpoint of another service of this stack (EventBridge Scheduler, Secrets Manager, …): moto
     * and LocalStack serve every service on one port; in EXTERNAL mode {@code AWS_ENDPOINT_URL_<SERVICE>}
     * or {@code AWS_ENDPOINT_URL} decides.
     *
     * @param serviceEnvSuffix the SDK's environment suffix, e.g. {@code SCHEDULER}, {@code SECRETS_MANAGER}
     */
    public URI endpoint(String serviceEnvSuffix) {
        if (mode == Mode.MOTO_ELASTICMQ || mode == Mode.LOCALSTACK) return dynamoDbEndpoint;
        URI fromEnv = endpointFromEnv(System.getenv(), ENDPOINT_ENV + "_" + serviceEnvSuffix);
        return fromEnv != null ? fromEnv : dynamoDbEndpoint;
    }

    /** Points any SDK client builder at this stack: {@code aws.configure(SchedulerClient.builder(), "SCHEDULER").build()}. */
    public <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B builder, String serviceEnvSuffix,
                                                                                        ExecutionInterceptor... interceptors) {
        return configure(builder, endpoint(serviceEnvSuffix), interceptors);
    }

    /**
     * The variables an AWS SDK reads to reach this stack (endpoints, region, credentials), for code
     * that builds its own default clients or for a child process.
     */
    public Map<String, String> clientEnvironment() {
        AwsCredentials resolved = credentials.resolveCredentials();
        Map<String, String> env = new LinkedHashMap<>();
        env.put(DYNAMODB_ENDPOINT_ENV, dynamoDbEndpoint.toString());
        env.put(DYNAMODB_ENDPOINT_ENV + "_STREAMS", endpoint("DYNAMODB_STREAMS").toString());
        env.put(SQS_ENDPOINT_ENV, sqsEndpoint.toString());
        env.put(ENDPOINT_ENV + "_SCHEDULER", endpoint("SCHEDULER").toString());
        env.put(ENDPOINT_ENV + "_SECRETS_MANAGER", endpoint("SECRETS_MANAGER").toString());
        env.put(ENDPOINT_ENV + "_S3", endpoint("S3").toString());
        env.put("AWS_REGION", REGION.id());
        env.put("AWS_ACCESS_KEY_ID", resolved.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", resolved.secretAccessKey());
        return env;
    }

    // --- fault injection (MOTO_ELASTICMQ only): endpoints survive a restart, state does not ---

    public boolean supportsFaultInjection() {
        return mode == Mode.MOTO_ELASTICMQ;
    }

    public void stopDynamoDb() {
        selfManaged("stopDynamoDb");
        moto.stop();
    }

    /** Restarts DynamoDB on the same endpoint, empty: re-create tables with {@link TemplateResources}. */
    public void startDynamoDb() {
        selfManaged("startDynamoDb");
        moto.start();
    }

    public void stopSqs() {
        selfManaged("stopSqs");
        elasticMq.stop();
    }

    /** Restarts SQS on the same endpoint, empty: re-create queues with {@link TemplateResources}. */
    public void startSqs() {
        selfManaged("startSqs");
        elasticMq.start();
    }

    /** Drops every table and queue (moto reset; ElasticMQ restarted on the same port). */
    public void reset() {
        selfManaged("reset");
        moto.reset();
        elasticMq.stop();
        elasticMq.start();
    }

    /** Stops what this instance started; a no-op for {@link #shared()}, which stops at JVM exit. */
    @Override
    public void close() {
        if (!shared) {
            shutdown();
        }
    }

    private synchronized void shutdown() {
        if (closed) {
            return;
        }
        closed = true;
        if (moto != null) {
            moto.close();
        }
        if (elasticMq != null) {
            elasticMq.close();
        }
        if (localStack != null) {
            localStack.close();
        }
    }

    @Override
    public String toString() {
        return "LocalAws[" + mode + ", dynamodb=" + dynamoDbEndpoint + ", sqs=" + sqsEndpoint + "]";
    }

    private <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(
            B builder, URI endpoint, ExecutionInterceptor[] interceptors) {
        return builder
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> Arrays.stream(interceptors).forEach(c::addExecutionInterceptor));
    }

    private void selfManaged(String operation) {
        if (!supportsFaultInjection()) {
            throw new UnsupportedOperationException(operation + " needs the self-managed emulators (mode "
                    + Mode.MOTO_ELASTICMQ + "), not " + mode + "; check supportsFaultInjection() first");
        }
    }

    private static URI endpointFromEnv(Map<String, String> env, String serviceVariable) {
        String value = isSet(env, serviceVariable) ? env.get(serviceVariable) : env.get(ENDPOINT_ENV);
        return value == null || value.isBlank() ? null : URI.create(value.strip());
    }

    private static boolean isSet(Map<String, String> env, String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }
}
