package dev.tgdesk.inbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.TelegramUpdate;
import dev.tgdesk.domain.UpdateParser;
import dev.tgdesk.observability.Metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The webhook's HTTP contract with Telegram, independent of API Gateway: check the secret, bound the
 * size, parse, record, answer. 2xx only once the update is durably recorded and enqueued (or deliberately
 * ignored); 5xx when storage or the queue failed, so Telegram retries; 4xx for requests that are not
 * Telegram updates at all.
 */
public final class WebhookEndpoint {

    public static final String SECRET_HEADER = "x-telegram-bot-api-secret-token";
    /** Real updates are a few KB (text ≤ 4096 chars); anything this large is not from Telegram. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    public record Response(int status, String body) {
    }

    private final String botId;
    private final byte[] secretDigest;
    private final UpdateParser parser;
    private final UpdateIngest ingest;
    private final Metrics metrics;

    public WebhookEndpoint(String botId, String webhookSecret, ObjectMapper json, UpdateIngest ingest, Metrics metrics) {
        if (botId == null || !botId.matches("[0-9]+"))
            throw new IllegalArgumentException("BOT_ID must be the numeric id of the bot (the part of the token before ':')");
        if (webhookSecret == null || webhookSecret.isEmpty())
            throw new IllegalArgumentException("WEBHOOK_SECRET is not set: refusing to accept unauthenticated updates");
        this.botId = botId;
        this.secretDigest = sha256(webhookSecret.getBytes(StandardCharsets.UTF_8));
        this.parser = new UpdateParser(json);
        this.ingest = ingest;
        this.metrics = metrics;
    }

    /**
     * @param secretHeader the {@code X-Telegram-Bot-Api-Secret-Token} header value, or null
     * @param body         the raw request body
     */
    public Response handle(String secretHeader, byte[] body) {
        if (!secretMatches(secretHeader)) {
            metrics.count("WebhookUnauthorized");
            return new Response(401, error("secret token missing or wrong"));
        }
        if (body == null || body.length == 0) return new Response(400, error("empty body: expected a Telegram update"));
        if (body.length > MAX_BODY_BYTES) {
            metrics.count("WebhookTooLarge");
            return new Response(413, error("update larger than " + MAX_BODY_BYTES + " bytes"));
        }
        UpdateParser.Outcome outcome = parser.parse(body);
        if (outcome instanceof UpdateParser.Outcome.NotAnUpdate bad) {
            metrics.count("WebhookMalformed");
            return new Response(400, error(bad.error()));
        }
        TelegramUpdate update = ((UpdateParser.Outcome.Parsed) outcome).update();
        // the raw text is kept only for updates we don't act on; don't copy the body for the others
        String raw = update instanceof TelegramUpdate.Unsupported ? new String(body, StandardCharsets.UTF_8) : null;
        IngestResult result = ingest.accept(botId, update, raw);
        metrics.count("UpdatesReceived");
        return switch (result) {
            case IngestResult.Stored s -> ok("stored");
            case IngestResult.Duplicate d -> {
                metrics.count("UpdatesDuplicate");
                yield ok("duplicate");
            }
            case IngestResult.IgnoredBlocked b -> {
                metrics.count("UpdatesFromBlocked");
                yield ok("ignored");
            }
            case IngestResult.Unsupported u -> {
                metrics.count("UpdatesUnsupported");
                yield ok("unsupported");
            }
        };
    }

    /** Constant time: both sides are hashed to 32 bytes first, so neither length nor content leaks through timing. */
    private boolean secretMatches(String provided) {
        if (provided == null) return false;
        return MessageDigest.isEqual(secretDigest, sha256(provided.getBytes(StandardCharsets.UTF_8)));
    }

    private static Response ok(String outcome) {
        return new Response(200, "{\"ok\":true,\"outcome\":\"" + outcome + "\"}");
    }

    private static String error(String message) {
        return "{\"ok\":false,\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
