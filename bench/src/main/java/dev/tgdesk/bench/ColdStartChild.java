package dev.tgdesk.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One cold start, in a fresh JVM started by {@link ColdStartBench}. The classpath is a function's shaded jar (plus
 * this class), so only what the function packages is loadable.
 *
 * <ul>
 *   <li>{@code ColdStartChild <HandlerClass> <eventFile>}: builds the handler with its no-arg constructor (as Lambda
 *       does: everything from the environment), hands it the event, prints the answer.</li>
 *   <li>{@code ColdStartChild --baseline <service,service,…>}: only builds those SDK clients with default settings
 *       ({@code XxxClient.create()}; the jar holds only the URL-connection HTTP client, so that is the one picked).</li>
 * </ul>
 *
 * Either way it prints one line, {@code COLDSTART <init ms> <first event ms> <cpu ms> <answer>}, and exits. The parent
 * times the whole thing from spawn to that line; the first two figures here only split the part inside {@code main};
 * the CPU time is the whole process's so far (every thread: main, JIT compilers, GC), which a busy machine inflates
 * less than the elapsed time.
 */
public final class ColdStartChild {

    static final String MARKER = "COLDSTART ";

    private ColdStartChild() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        long initialised;
        String answer;
        if (args[0].equals("--baseline")) {
            List<AutoCloseable> clients = new ArrayList<>();
            for (String service : args[1].split(",")) clients.add(client(service));
            initialised = System.nanoTime();
            answer = clients.size() + " clients";
        } else {
            var handler = (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
            initialised = System.nanoTime();
            var out = new ByteArrayOutputStream();
            try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
                handler.handleRequest(in, out, new BenchContext());
            }
            answer = out.toString(StandardCharsets.UTF_8);
        }
        long answered = System.nanoTime();
        System.out.println(MARKER + (initialised - start) / 1_000_000 + " " + (answered - initialised) / 1_000_000 + " "
                + cpuMillis() + " " + answer.replace('\n', ' ').replace('\r', ' '));
        System.out.flush();
        System.exit(0);
    }

    /** This process's CPU time (user + system, all threads) from /proc/self/stat, in clock ticks of 10 ms; -1 off Linux. */
    static long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from the 3rd (state) on
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // utime, stime: the 14th and 15th
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The services a baseline can build; names as in {@link ColdStartBench}'s table. */
    static AutoCloseable client(String service) {
        return switch (service) {
            case "dynamodb" -> DynamoDbClient.create();
            case "sqs" -> SqsClient.create();
            case "s3" -> S3Client.create();
            case "secretsmanager" -> SecretsManagerClient.create();
            case "scheduler" -> SchedulerClient.create();
            case "eventbridge" -> EventBridgeClient.create();
            case "apigatewaymanagementapi" -> ApiGatewayManagementApiClient.create();
            default -> throw new IllegalArgumentException("unknown service " + service);
        };
    }

    /** What Lambda passes: a request id and the time left (the sender and auto-close read it). */
    private static final class BenchContext implements Context {
        private final long deadline = System.currentTimeMillis() + 20_000;

        @Override
        public String getAwsRequestId() {
            return "coldstart-1";
        }

        @Override
        public String getLogGroupName() {
            return "coldstart";
        }

        @Override
        public String getLogStreamName() {
            return "coldstart";
        }

        @Override
        public String getFunctionName() {
            return "coldstart";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:000000000000:function:coldstart";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Math.max(0, deadline - System.currentTimeMillis());
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.err.println(message);
                }

                @Override
                public void log(byte[] message) {
                    System.err.println(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
