package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** An operator's browser in a test: a real {@code java.net.http.WebSocket} that collects what the server pushes. */
final class OperatorSocket implements AutoCloseable {

    /** Every frame received, in order, and every event of every {@code events} frame. */
    final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    final List<JsonNode> events = java.util.Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private OperatorSocket(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects to {@code url?ticket=…}; fails like a browser would when {@code $connect} refuses. */
    static OperatorSocket connect(HttpClient http, URI url, String ticket) {
        var listener = new Listener();
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(url + "?ticket=" + ticket), listener).join();
        OperatorSocket s = new OperatorSocket(ws);
        listener.owner = s;
        synchronized (listener) {
            for (String text : listener.early) s.accept(text);
            listener.early.clear();
        }
        return s;
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    private void accept(String text) {
        JsonNode frame = Stored.readJson(text);
        frames.add(frame);
        if ("events".equals(frame.path("type").asText())) frame.path("events").forEach(events::add);
    }

    /** The first event matching, waiting up to {@code timeout}; null when none came. */
    JsonNode awaitEvent(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (events) {
                for (JsonNode e : events) if (match.test(e)) return e;
            }
            Thread.sleep(20);
        }
        return null;
    }

    JsonNode awaitFrame(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode f;
        while ((f = frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
            if (match.test(f)) return f;
        }
        return null;
    }

    List<JsonNode> events(Predicate<JsonNode> match) {
        synchronized (events) {
            return events.stream().filter(match).toList();
        }
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null).join();
    }

    private static final class Listener implements WebSocket.Listener {
        volatile OperatorSocket owner;
        final List<String> early = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                synchronized (this) {
                    if (owner == null) early.add(text);
                    else owner.accept(text);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            if (owner != null) owner.closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (owner != null) owner.closed.completeExceptionally(error);
        }
    }
}
