package dev.tgdesk.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.local.LocalConfig;
import dev.tgdesk.local.LocalRuntime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Webhook → operator WebSocket latency on the local stack, and what the push path costs in AWS calls.
 *
 * <p>Starts the local runner (moto + ElasticMQ, the real handlers, the stand-ins for API Gateway and the DynamoDB
 * Streams event source), connects {@code operators} operator browsers (real WebSocket clients, one admin and agents who
 * all may see the dialogs), then posts {@code updates} Telegram updates straight to the webhook — as Telegram would,
 * spread over {@code chats} chats at {@code rate} per second — and records, for every update and every operator, the
 * time from the webhook request leaving to the {@code message.created} event arriving on that operator's socket.
 * The AWS calls are those the push function's clients made during the measured updates, divided by the events
 * it pushed and the operators connected. The scenario and sender are not running (only the push path is measured).
 *
 * <p>Arguments (optional): {@code updates=300 operators=3 chats=30 rate=20 warmup=20}.
 */
public final class RealtimeBench {

    static final ObjectMapper JSON = Json.mapper();

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchArgs.parse(args);
        int updates = Integer.parseInt(a.getOrDefault("updates", "300"));
        int operators = Integer.parseInt(a.getOrDefault("operators", "3"));
        int chats = Integer.parseInt(a.getOrDefault("chats", "30"));
        double rate = Double.parseDouble(a.getOrDefault("rate", "20"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "20"));

        // the functions print one EMF metrics line per event on stdout: keep the report readable
        java.io.PrintStream report = System.out;
        System.setOut(new java.io.PrintStream(new java.io.OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b != '\n') {
                    line.write(b);
                    return;
                }
                String text = line.toString(java.nio.charset.StandardCharsets.UTF_8);
                line.reset();
                if (!text.startsWith("{\"_aws\"")) report.println(text);
            }
        }, true));
        LocalConfig config = LocalConfig.defaults().withPort(0).withoutPipeline()
                .withResourcePrefix("benchrt" + Long.toString(System.nanoTime() % 1_000_000, 36) + "-");
        try (LocalRuntime local = LocalRuntime.start(config)) {
            HttpClient http = HttpClient.newHttpClient();
            Api api = new Api(http, local.apiUrl());
            String admin = api.login(LocalRuntime.DEFAULT_ADMIN_EMAIL, LocalRuntime.DEFAULT_ADMIN_PASSWORD);
            List<String> tokens = new ArrayList<>(List.of(admin));
            for (int i = 1; i < operators; i++) {
                String email = "agent" + i + "@bench.local";
                api.call("POST", "/api/operators", admin, "{\"email\":\"" + email + "\",\"name\":\"Agent " + i
                        + "\",\"role\":\"agent\",\"password\":\"bench-password-" + i + "\"}");
                tokens.add(api.login(email, "bench-password-" + i));
            }
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            List<Receiver> receivers = new ArrayList<>();
            for (String token : tokens) {
                String ticket = api.call("POST", "/api/realtime/tickets", token, null).get("ticket").asText();
                Receiver r = new Receiver(sentAt);
                http.newWebSocketBuilder().buildAsync(URI.create(local.webSocketUrl() + "?ticket=" + ticket), r).join();
                receivers.add(r);
            }

            long userBase = 9_100_000_000L;
            run(http, local, sentAt, receivers, userBase, chats, warmup, rate, "warm");
            local.awaitPushesCaughtUp(java.time.Duration.ofSeconds(60));
            Thread.sleep(500);
            receivers.forEach(Receiver::reset);
            AwsCallCounter calls = local.pushCalls();
            calls.reset();

            long started = System.nanoTime();
            List<Long> webhookMs = run(http, local, sentAt, receivers, userBase, chats, updates, rate, "bench");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && receivers.stream().anyMatch(r -> r.latencies.size() < updates)) Thread.sleep(50);
            local.awaitPushesCaughtUp(java.time.Duration.ofSeconds(60));
            double seconds = (System.nanoTime() - started) / 1e9;

            List<Long> all = new ArrayList<>();
            receivers.forEach(r -> all.addAll(r.latencies.values()));
            int events = receivers.getFirst().events.get();
            Map<String, Integer> snapshot = new TreeMap<>(calls.snapshot());
            int total = snapshot.values().stream().mapToInt(Integer::intValue).sum();

            report.println();
            report.printf("Real-time push on the local stack: %d updates over %d chats at %.0f/s, %d operators connected (%.1f s)%n",
                    updates, chats, rate, operators, seconds);
            report.printf("  delivered: %d of %d (update × operator); duplicates: %d%n", all.size(), updates * operators,
                    receivers.stream().mapToInt(r -> r.duplicates.get()).sum());
            report.printf("  webhook → operator WebSocket: p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
                    pct(all, 50), pct(all, 90), pct(all, 99), pct(all, 100));
            report.printf("  webhook answered Telegram in: p50 %d ms, p99 %d ms%n", pct(webhookMs, 50), pct(webhookMs, 99));
            report.printf("  events pushed per operator: %d (%.2f per update); stream source: %s%n", events,
                    events / (double) updates, local.pushStats());
            report.printf("  push function AWS calls: %d = %.3f per event, %.3f per event per connected operator%n", total,
                    total / (double) events, total / (double) events / operators);
            for (var e : snapshot.entrySet()) {
                report.printf("    %-45s %6d  %.3f per event  %.3f per event per operator%n", e.getKey(), e.getValue(),
                        e.getValue() / (double) events, e.getValue() / (double) events / operators);
            }
            report.println("  (moto and the stand-ins run on this machine: compare ratios, not absolute times, with AWS)");
        }
        System.exit(0);
    }

    /** Posts {@code n} updates to the webhook at {@code rate}/s, round-robin over {@code chats} chats; the webhook's answer times. */
    static List<Long> run(HttpClient http, LocalRuntime local, Map<String, Long> sentAt, List<Receiver> receivers, long userBase,
                          int chats, int n, double rate, String tag) throws Exception {
        List<Long> answers = new ArrayList<>();
        long interval = (long) (1e9 / rate);
        long next = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            next += interval;
            long user = userBase + (i % chats);
            String text = tag + "-" + i;
            String update = """
                    {"update_id": %d, "message": {"message_id": %d, "date": %d,
                     "chat": {"id": %d, "type": "private", "first_name": "Bench"},
                     "from": {"id": %d, "is_bot": false, "first_name": "Bench", "language_code": "en"}, "text": "%s"}}
                    """.formatted(UPDATE_IDS.incrementAndGet(), UPDATE_IDS.get(), System.currentTimeMillis() / 1000, user, user, text);
            long t0 = System.nanoTime();
            sentAt.put(text, t0);
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(local.webhookUrl())
                    .header("content-type", "application/json")
                    .header("X-Telegram-Bot-Api-Secret-Token", local.webhookSecret())
                    .POST(HttpRequest.BodyPublishers.ofString(update)).build(), HttpResponse.BodyHandlers.discarding());
            answers.add((System.nanoTime() - t0) / 1_000_000);
            if (r.statusCode() != 200) throw new IllegalStateException("webhook answered " + r.statusCode());
        }
        return answers;
    }

    static final java.util.concurrent.atomic.AtomicLong UPDATE_IDS = new java.util.concurrent.atomic.AtomicLong(800_000_000L);

    static long pct(List<Long> values, int p) {
        if (values.isEmpty()) return -1;
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** One operator's browser: records when each {@code message.created} of a sent update arrived. */
    static final class Receiver implements WebSocket.Listener {
        final Map<String, Long> sentAt;
        final Map<String, Long> latencies = new ConcurrentHashMap<>();
        final AtomicInteger events = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();

        Receiver(Map<String, Long> sentAt) {
            this.sentAt = sentAt;
        }

        void reset() {
            latencies.clear();
            events.set(0);
            duplicates.set(0);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            long now = System.nanoTime();
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = JSON.readTree(partial.toString());
                    for (JsonNode e : frame.path("events")) {
                        events.incrementAndGet();
                        if (!e.path("type").asText().equals("message.created")) continue;
                        String text = e.path("entry").path("text").asText();
                        Long t0 = sentAt.get(text);
                        if (t0 != null && latencies.putIfAbsent(text, (now - t0) / 1_000_000) != null) duplicates.incrementAndGet();
                    }
                } catch (Exception ignored) {
                    // not an events frame
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    record Api(HttpClient http, URI base) {
        String login(String email, String password) throws Exception {
            return call("POST", "/api/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}")
                    .get("token").asText();
        }

        JsonNode call(String method, String path, String token, String body) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("content-type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (token != null) b.header("authorization", "Bearer " + token);
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.body());
            return JSON.readTree(r.body());
        }
    }

}
