package dev.tgdesk.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A local-only {@code GET …?chat_id=<id>} endpoint answering JSON about one chat (400 without a numeric id). */
final class ChatViewEndpoint implements HttpHandler {

    @FunctionalInterface
    interface ChatView {
        JsonNode of(long chatId) throws IOException;
    }

    private final ObjectMapper json;
    private final ChatView view;

    ChatViewEndpoint(ObjectMapper json, ChatView view) {
        this.json = json;
        this.view = view;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getQuery();
            byte[] body;
            int status = 200;
            try {
                long chatId = Long.parseLong(query == null ? "" : query.replaceFirst(".*chat_id=([-0-9]+).*", "$1"));
                body = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(view.of(chatId));
            } catch (NumberFormatException e) {
                body = "{\"error\":\"give ?chat_id=<numeric chat id>\"}".getBytes(StandardCharsets.UTF_8);
                status = 400;
            }
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
