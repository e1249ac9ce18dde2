package dev.tgdesk.emulators.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Serves {@code GET|POST /bot<token>/<method>} and writes Bot API envelopes with matching HTTP statuses. */
final class BotApiHandler implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(BotApiHandler.class.getName());
    private static final Pattern PATH = Pattern.compile("/bot([^/]+)/([A-Za-z0-9_]+)/?");

    private record Response(int status, String contentType, byte[] body) {
    }

    private final FakeTelegram telegram;
    private final BotApi api;
    private final ObjectMapper json;

    BotApiHandler(FakeTelegram telegram, BotApi api, ObjectMapper json) {
        this.telegram = telegram;
        this.api = api;
        this.json = json;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            Response response = respond(exchange);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        } catch (IOException clientWentAway) {
            // e.g. the client timed out during a delay fault or a long poll
        }
    }

    private Response respond(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Matcher path = PATH.matcher(exchange.getRequestURI().getRawPath());
        String httpMethod = exchange.getRequestMethod();
        if (!path.matches() || !(httpMethod.equals("GET") || httpMethod.equals("POST"))) {
            return error(ApiError.notFound());
        }
        FakeBot bot = telegram.botByToken(URLDecoder.decode(path.group(1), StandardCharsets.UTF_8));
        if (bot == null) {
            return error(ApiError.unauthorized());
        }
        String method = path.group(2);
        Duration halfTrip = telegram.options().latency().dividedBy(2);
        pause(halfTrip); // the request travelling to Telegram …
        try {
            return respond(exchange, bot, method, body);
        } finally {
            pause(halfTrip); // … and the answer travelling back
        }
    }

    private Response respond(HttpExchange exchange, FakeBot bot, String method, byte[] body) throws IOException {
        Fault fault = bot.takeFault(method);
        switch (fault) {
            case null -> {
            }
            case Fault.Delay delay -> sleep(delay);
            case Fault.Lost lost -> {
                pause(lost.after());
                return new Response(504, "text/html", "<html><body><h1>504 Gateway Time-out</h1></body></html>"
                        .getBytes(StandardCharsets.UTF_8));
            }
            case Fault.Error e -> {
                if (e.errorCode() == 429) {
                    bot.rateLimiter().countTooManyRequests();
                }
                ObjectNode parameters = e.retryAfterSeconds() == null
                        ? null : json.createObjectNode().put("retry_after", e.retryAfterSeconds());
                return error(new ApiError(e.errorCode(), e.description(), parameters));
            }
            case Fault.RawResponse raw -> {
                return new Response(raw.status(), raw.contentType(), raw.body().getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            Params params = Params.parse(exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body, json);
            BotApi.Result result = api.invoke(bot, method, params);
            ObjectNode envelope = json.createObjectNode().put("ok", true);
            envelope.set("result", result.value());
            if (result.description() != null) {
                envelope.put("description", result.description());
            }
            return new Response(200, "application/json", json.writeValueAsBytes(envelope));
        } catch (ApiError e) {
            return error(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "fake Telegram failed on " + method, e);
            return error(new ApiError(500, "Internal Server Error", null));
        }
    }

    private Response error(ApiError e) throws IOException {
        ObjectNode envelope = json.createObjectNode()
                .put("ok", false)
                .put("error_code", e.code())
                .put("description", e.description());
        if (e.parameters() != null) {
            envelope.set("parameters", e.parameters());
        }
        return new Response(e.code(), "application/json", json.writeValueAsBytes(envelope));
    }

    private static void pause(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return;
        }
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Fault.Delay delay) {
        try {
            Thread.sleep(delay.delay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
