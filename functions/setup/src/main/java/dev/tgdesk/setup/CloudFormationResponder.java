package dev.tgdesk.setup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Puts a custom resource's answer to CloudFormation's pre-signed S3 {@code ResponseURL}: one JSON document, sent with
 * an empty {@code Content-Type} (the URL was signed without one; S3 refuses any other), tried a few times while the
 * deadline allows. Until this PUT lands CloudFormation waits — for an hour, without a {@code ServiceTimeout}.
 */
public final class CloudFormationResponder {

    /** CloudFormation refuses answers over 4096 bytes; the Reason is cut well below that. */
    static final int MAX_REASON_CHARS = 1000;
    static final int ATTEMPTS = 3;

    public enum Status { SUCCESS, FAILED }

    /** @param data {@code Fn::GetAtt}-able values: never secrets */
    public record Response(Status status, String physicalResourceId, String reason, Map<String, String> data) {
        public Response {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(physicalResourceId, "physicalResourceId");
            data = data == null ? Map.of() : Map.copyOf(data);
        }
    }

    private final HttpClient http;
    private final ObjectMapper json;
    private final LongSupplier nanoTime;

    public CloudFormationResponder(HttpClient http, ObjectMapper json) {
        this(http, json, System::nanoTime);
    }

    CloudFormationResponder(HttpClient http, ObjectMapper json, LongSupplier nanoTime) {
        this.http = http;
        this.json = json;
        this.nanoTime = nanoTime;
    }

    /** An HTTP/1.1 client (S3 speaks nothing else) with a short connect timeout. */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The document CloudFormation reads. */
    byte[] body(CustomResourceRequest request, Response response) {
        ObjectNode body = json.createObjectNode()
                .put("Status", response.status().name())
                .put("Reason", cut(response.reason()))
                .put("PhysicalResourceId", response.physicalResourceId())
                .put("StackId", request.stackId())
                .put("RequestId", request.requestId())
                .put("LogicalResourceId", request.logicalResourceId())
                .put("NoEcho", false);
        ObjectNode data = body.putObject("Data");
        response.data().forEach(data::put);
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the answer", e);
        }
    }

    static String cut(String reason) {
        String r = reason == null || reason.isBlank() ? "see the function's log" : reason.strip();
        return r.length() <= MAX_REASON_CHARS ? r : r.substring(0, MAX_REASON_CHARS - 1) + "…";
    }

    /**
     * Sends the answer; returns the HTTP status of the last attempt (200 when S3 took it), or -1 when none arrived.
     * Failures are retried (network errors, 5xx) until {@code deadlineNanos}; never throws.
     */
    public int send(CustomResourceRequest request, Response response, long deadlineNanos) {
        byte[] body = body(request, response);
        URI url;
        try {
            url = URI.create(request.responseUrl());
        } catch (IllegalArgumentException | NullPointerException e) {
            return -1;
        }
        int status = -1;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long leftMillis = Duration.ofNanos(deadlineNanos - nanoTime.getAsLong()).toMillis();
            // the last chance is always taken, however little time is left: an answer late is better than none
            Duration timeout = Duration.ofMillis(Math.max(1_000, Math.min(10_000, leftMillis)));
            HttpRequest put = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            try {
                HttpResponse<String> r = http.send(put, HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                if (status >= 200 && status < 300) return status;
                if (status < 500) return status; // 403 (expired URL, signature): trying again cannot help
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            if (Duration.ofNanos(deadlineNanos - nanoTime.getAsLong()).toMillis() < 1_500) break;
            try {
                Thread.sleep(300L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return status;
            }
        }
        return status;
    }
}
