package dev.tgdesk.emulators.aws;

import java.net.URI;

import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * ElasticMQ (SQS, including FIFO semantics) embedded in this JVM on 127.0.0.1.
 *
 * <p>The first {@link #start()} binds a dynamic port; later starts bind the same port again, so
 * {@link #stop()} + {@link #start()} simulates an outage. A (re)started server has no queues.
 */
public final class EmbeddedElasticMq implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmbeddedElasticMq.class.getName());
    private static final String HOST = "127.0.0.1";

    private final String region;
    private final String accountId;
    private int port; // 0 until the first start
    private SQSRestServer server;

    public EmbeddedElasticMq() {
        this(LocalAws.REGION.id(), LocalAws.ACCOUNT_ID);
    }

    /** Region and account appear in queue ARNs ({@code arn:aws:sqs:<region>:<account>:<name>}). */
    public EmbeddedElasticMq(String region, String accountId) {
        this.region = region;
        this.accountId = accountId;
    }

    /** Starts the server (no-op if running) and waits until it is bound. */
    public synchronized EmbeddedElasticMq start() {
        if (server != null) {
            return this;
        }
        long started = System.nanoTime();
        var builder = SQSRestServerBuilder.withInterface(HOST).withAWSRegion(region).withAWSAccountId(accountId);
        builder = port == 0 ? builder.withDynamicPort() : builder.withPort(port);
        SQSRestServer starting = builder.start();
        try {
            port = starting.waitUntilStarted().localAddress().getPort();
        } catch (Exception e) { // Scala rethrows the (checked) BindException undeclared
            starting.stopAndWait();
            throw new IllegalStateException("ElasticMQ could not bind " + HOST + ":" + port + ": " + e, e);
        }
        server = starting;
        LOG.log(System.Logger.Level.INFO, "ElasticMQ listening on {0}:{1} after {2} ms",
                HOST, Integer.toString(port), (System.nanoTime() - started) / 1_000_000);
        return this;
    }

    /** Stops the server and drops all queues; the port is kept for the next {@link #start()}. */
    public synchronized void stop() {
        if (server != null) {
            server.stopAndWait();
            server = null;
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** {@code http://127.0.0.1:<port>}; stable across stop/start. */
    public synchronized URI endpoint() {
        if (port == 0) {
            throw new IllegalStateException("ElasticMQ has not been started yet");
        }
        return URI.create("http://" + HOST + ":" + port);
    }

    public synchronized int port() {
        return port;
    }

    @Override
    public void close() {
        stop();
    }
}
