package dev.tgdesk.emulators.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** The bot's side of a webhook in tests: records every delivery attempt and answers as scripted. */
final class WebhookReceiver implements AutoCloseable {

    /** One POST from the fake, with the status the receiver answered. */
    record Attempt(JsonNode update, String secretHeader, int answeredStatus) {
        String text() {
            return update.path("message").path("text").asText();
        }
    }

    /** What to answer; the body is sent as application/json when not empty. */
    record Answer(int status, String jsonBody) {
        static final Answer OK = new Answer(200, "");
    }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, Answer> answers = update -> Answer.OK;

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void answerWith(Function<JsonNode, Answer> answers) {
        this.answers = answers;
    }

    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Updates answered with 2xx, in the order they were answered. */
    List<JsonNode> delivered() {
        return attempts.stream().filter(a -> a.answeredStatus() / 100 == 2).map(Attempt::update).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode update = json.readTree(exchange.getRequestBody().readAllBytes());
            Answer answer = answers.apply(update);
            attempts.add(new Attempt(update, exchange.getRequestHeaders().getFirst("X-Telegram-Bot-Api-Secret-Token"),
                    answer.status()));
            byte[] body = answer.jsonBody().getBytes(StandardCharsets.UTF_8);
            if (body.length > 0) {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
