package dev.tgdesk.telegram;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A thin, thread-safe client of the Telegram Bot API (or of a self-hosted Bot API server, or of the
 * fake one in {@code infra/emulators}).
 *
 * <p>Every call is {@code POST <base>/bot<token>/<method>} with a JSON body. The answer's envelope
 * is checked strictly ({@code ok} and, on success, {@code result} must be present); the result
 * itself is read leniently: unknown fields are ignored, absent optional fields become null.
 *
 * <p>Failures are unchecked {@link TelegramException}s: {@link TelegramApiException} when a server
 * answered with an error (including a proxy's HTML error page: then {@code errorCode} is the HTTP
 * status), {@link TelegramTransportException} when no usable answer arrived (network failure,
 * timeout, or a 2xx answer that is not the API's envelope).
 *
 * <p>The bot token is part of every request URL, so the URL never appears in exception messages
 * and any server-provided text is scrubbed of the token before it is put into one.
 */
public final class TelegramClient {

    /** Environment variable with the API base URL, for self-hosted Bot API servers or the fake. */
    public static final String API_URL_ENV = "TELEGRAM_API_URL";
    public static final URI DEFAULT_API_URL = URI.create("https://api.telegram.org");
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Added to getUpdates' own long-poll timeout so the server can answer before we give up. */
    public static final Duration LONG_POLL_GRACE = Duration.ofSeconds(10);

    private static final Pattern TOKEN = Pattern.compile("(\\d{1,19}):[A-Za-z0-9_-]+");
    private static final Pattern METHOD = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
    private static final Pattern RETRY_AFTER_TEXT = Pattern.compile("retry after (\\d{1,9})");
    private static final int EXCERPT_CHARS = 160;

    private final HttpClient http;
    private final ObjectMapper json;
    private final ObjectReader lenientReader;
    private final URI apiBaseUrl;
    private final String token;
    private final long botId;
    private final Duration requestTimeout;

    /**
     * @param apiBaseUrl e.g. {@code https://api.telegram.org}; may carry a path prefix
     * @param token      {@code <bot id>:<secret>} as issued by @BotFather
     */
    public TelegramClient(HttpClient http, ObjectMapper json, URI apiBaseUrl, String token) {
        this(http, json, apiBaseUrl, token, DEFAULT_REQUEST_TIMEOUT);
    }

    private TelegramClient(HttpClient http, ObjectMapper json, URI apiBaseUrl, String token,
            Duration requestTimeout) {
        this.http = Objects.requireNonNull(http, "http");
        this.json = Objects.requireNonNull(json, "json");
        this.apiBaseUrl = withoutTrailingSlash(Objects.requireNonNull(apiBaseUrl, "apiBaseUrl"));
        if (!("http".equals(apiBaseUrl.getScheme()) || "https".equals(apiBaseUrl.getScheme()))
                || apiBaseUrl.getHost() == null) {
            throw new IllegalArgumentException("apiBaseUrl must be an absolute http(s) URL: " + apiBaseUrl);
        }
        Objects.requireNonNull(token, "token");
        Matcher m = TOKEN.matcher(token);
        if (!m.matches()) {
            // Do not echo the value: it may be a real token with a typo.
            throw new IllegalArgumentException("bot token must look like <digits>:<letters, digits, _ or ->");
        }
        this.token = token;
        this.botId = Long.parseLong(m.group(1));
        this.requestTimeout = positive(requestTimeout);
        // The reader, not the caller's mapper, decides leniency: a strict shared mapper must not make
        // us fail on a field Telegram adds tomorrow.
        this.lenientReader = json.reader()
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .without(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .without(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .with(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    /**
     * A client for {@code $TELEGRAM_API_URL} (default {@code https://api.telegram.org}) with a new
     * {@link HttpClient} and {@link ObjectMapper}.
     */
    public static TelegramClient fromEnvironment(String token) {
        return fromEnvironment(token, System.getenv(API_URL_ENV));
    }

    /** {@link #fromEnvironment(String)} with the variable's value passed in (null or blank = default). */
    static TelegramClient fromEnvironment(String token, String apiUrl) {
        URI base;
        if (apiUrl == null || apiUrl.isBlank()) {
            base = DEFAULT_API_URL;
        } else {
            try {
                base = URI.create(apiUrl.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(API_URL_ENV + " is not a valid URL", e);
            }
            if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
                throw new IllegalArgumentException(API_URL_ENV + " must be an http(s) URL");
            }
        }
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                // Plain http is a local fake or a self-hosted server: skip the h2c upgrade dance.
                .version("http".equals(base.getScheme()) ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                .build();
        return new TelegramClient(http, new ObjectMapper(), base, token);
    }

    /** A copy whose calls time out after {@code requestTimeout} (getUpdates adds its own poll time). */
    public TelegramClient withRequestTimeout(Duration requestTimeout) {
        return new TelegramClient(http, json, apiBaseUrl, token, requestTimeout);
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** The bot's user id: the numeric part of the token (public information). */
    public long botId() {
        return botId;
    }

    public URI apiBaseUrl() {
        return apiBaseUrl;
    }

    // ---------------------------------------------------------------- methods

    public BotUser getMe() {
        return call("getMe", null, BotUser.class);
    }

    /** Returns the API's {@code result} (true on success). */
    public boolean setWebhook(SetWebhookRequest request) {
        return Boolean.TRUE.equals(call("setWebhook", request, Boolean.class));
    }

    public boolean deleteWebhook(boolean dropPendingUpdates) {
        ObjectNode params = json.createObjectNode().put("drop_pending_updates", dropPendingUpdates);
        return Boolean.TRUE.equals(call("deleteWebhook", params, Boolean.class));
    }

    public WebhookInfo getWebhookInfo() {
        return call("getWebhookInfo", null, WebhookInfo.class);
    }

    /**
     * Long-polls for updates and returns them raw (parsing is another class's job).
     *
     * @param offset         the first update id wanted; confirms every smaller id. 0 = unconfirmed start
     * @param limit          1–100
     * @param timeoutSeconds how long the server may wait for an update; the HTTP request waits
     *                       {@link #LONG_POLL_GRACE} longer
     * @param allowedUpdates update types to receive, or null to keep the previous setting
     */
    public List<JsonNode> getUpdates(long offset, int limit, int timeoutSeconds, List<String> allowedUpdates) {
        ObjectNode params = json.createObjectNode();
        if (offset != 0) {
            params.put("offset", offset);
        }
        params.put("limit", limit);
        params.put("timeout", timeoutSeconds);
        if (allowedUpdates != null) {
            allowedUpdates.forEach(params.putArray("allowed_updates")::add);
        }
        Duration timeout = Duration.ofSeconds(Math.max(0, timeoutSeconds)).plus(LONG_POLL_GRACE);
        JsonNode result = execute("getUpdates", params, timeout);
        if (!result.isArray()) {
            throw malformed("getUpdates", "result is not an array", null);
        }
        List<JsonNode> updates = new ArrayList<>(result.size());
        result.forEach(updates::add);
        return updates;
    }

    public SentMessage sendMessage(SendMessageRequest request) {
        return call("sendMessage", request, SentMessage.class);
    }

    public SentMessage sendMessage(long chatId, String text) {
        return sendMessage(SendMessageRequest.of(ChatId.of(chatId), text));
    }

    /** @param chatId {@code @username} of a public group or channel, or a numeric id as text */
    public SentMessage sendMessage(String chatId, String text) {
        return sendMessage(SendMessageRequest.of(ChatId.of(chatId), text));
    }

    // ---------------------------------------------------------------- files

    /**
     * {@code getFile}: where Telegram keeps a file (≤ 20 MB; larger ones fail with 400 "file is too big"). The
     * path is good for at least an hour; the download URL it makes carries the bot token, so it never leaves
     * the server: use {@link #downloadFile}.
     */
    public TelegramFile getFile(String fileId) {
        ObjectNode params = json.createObjectNode().put("file_id", fileId);
        return call("getFile", params, TelegramFile.class);
    }

    /**
     * Downloads {@code <base>/file/bot<token>/<filePath>}, refusing more than {@code maxBytes}.
     *
     * @throws TelegramApiException with the HTTP status when the file server refuses (e.g. 404 for an expired path)
     * @throws TelegramTransportException when nothing usable arrives, or the file is larger than {@code maxBytes}
     */
    public byte[] downloadFile(String filePath, long maxBytes) {
        if (filePath == null || filePath.isBlank() || filePath.contains("..")) {
            throw new IllegalArgumentException("not a Telegram file path");
        }
        URI uri = URI.create(apiBaseUrl + "/file/bot" + token + "/" + filePath.replace(" ", "%20"));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout.multipliedBy(3)).GET().build();
        HttpResponse<java.io.InputStream> response = send("getFile download", request, requestTimeout.multipliedBy(3),
                HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new TelegramApiException("getFile download", response.statusCode(),
                        "file server answered HTTP " + response.statusCode(), null, null);
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw malformed("getFile download", "the file is larger than " + maxBytes + " bytes", null);
            }
            return bytes;
        } catch (IOException e) {
            throw transport("getFile download", TelegramTransportException.Reason.IO,
                    "I/O error reading a file from " + hostOf() + " (" + describe(e) + ")", e);
        }
    }

    /**
     * Calls a sending method with a file uploaded as {@code multipart/form-data} ({@code sendDocument},
     * {@code sendPhoto}, …): {@code params} become text parts (structures as JSON text, as the Bot API accepts
     * them) and the file is the part named {@code fileField}. Uploads go up to 50 MB (photos 10 MB) on Telegram.
     */
    public <T> T callMultipart(String method, ObjectNode params, String fileField, String fileName, String contentType,
                               byte[] content, Class<T> resultType, Duration timeout) {
        String boundary = "tgdesk-" + java.util.UUID.randomUUID().toString().replace("-", "");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(content.length + 1024);
        if (params != null) {
            for (var field : (Iterable<java.util.Map.Entry<String, JsonNode>>) params.properties()::iterator) {
                if (field.getValue() == null || field.getValue().isNull()) continue;
                String value = field.getValue().isValueNode() ? field.getValue().asText() : field.getValue().toString();
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(field.getKey())
                        + "\"\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                body.writeBytes(value.getBytes(StandardCharsets.UTF_8));
                body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(fileField)
                + "\"; filename=\"" + quoted(fileName == null ? "file" : fileName) + "\"\r\nContent-Type: "
                + (contentType == null ? "application/octet-stream" : contentType.replaceAll("[\r\n]", ""))
                + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode result = execute(method, body.toByteArray(), "multipart/form-data; boundary=" + boundary, positive(timeout));
        try {
            return lenientReader.forType(resultType).readValue(result);
        } catch (IOException | IllegalArgumentException e) {
            throw malformed(method, "result is not a " + resultType.getSimpleName(), null);
        }
    }

    /** A form-data name or file name inside double quotes: quotes and line breaks replaced. */
    private static String quoted(String s) {
        return s.replaceAll("[\"\r\n]", "_");
    }

    // ---------------------------------------------------------------- generic calls

    /**
     * Calls any Bot API method.
     *
     * @param params     any Jackson-serializable value (a record, a map, an {@code ObjectNode}); null = no parameters
     * @param resultType what {@code result} is read as, e.g. {@code Boolean.class} or {@code JsonNode.class}
     */
    public <T> T call(String method, Object params, Class<T> resultType) {
        return call(method, params, json.constructType(resultType), requestTimeout);
    }

    /** {@link #call(String, Object, Class)} with its own timeout, e.g. for a slow upload. */
    public <T> T call(String method, Object params, Class<T> resultType, Duration timeout) {
        return call(method, params, json.constructType(resultType), timeout);
    }

    public <T> T call(String method, Object params, JavaType resultType) {
        return call(method, params, resultType, requestTimeout);
    }

    public <T> T call(String method, Object params, JavaType resultType, Duration timeout) {
        JsonNode result = execute(method, params, positive(timeout));
        try {
            return lenientReader.forType(resultType).readValue(result);
        } catch (IOException | IllegalArgumentException e) {
            String why = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw malformed(method, "result is not a " + resultType.toCanonical() + ": " + why, null);
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** Sends the request and returns the {@code result} node, or throws. */
    private JsonNode execute(String method, Object params, Duration timeout) {
        if (method == null || !METHOD.matcher(method).matches()) {
            throw new IllegalArgumentException("not a Bot API method name: " + method);
        }
        byte[] body;
        try {
            body = params == null ? "{}".getBytes(StandardCharsets.UTF_8) : json.writeValueAsBytes(params);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize parameters of " + method + ": " + e.getOriginalMessage(), e);
        }
        return execute(method, body, "application/json", timeout);
    }

    private JsonNode execute(String method, byte[] body, String contentType, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(endpoint(method))
                .timeout(timeout)
                .header("Content-Type", contentType)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> response = send(method, request, timeout, HttpResponse.BodyHandlers.ofByteArray());
        return resultOf(method, response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""), response.body());
    }

    private <B> HttpResponse<B> send(String method, HttpRequest request, Duration timeout, HttpResponse.BodyHandler<B> handler) {
        try {
            return http.send(request, handler);
        } catch (HttpConnectTimeoutException e) {
            throw transport(method, TelegramTransportException.Reason.CONNECT,
                    "could not connect to " + hostOf() + " within the connect timeout", e);
        } catch (HttpTimeoutException e) {
            throw transport(method, TelegramTransportException.Reason.TIMEOUT,
                    "no response from " + hostOf() + " within " + timeout, e);
        } catch (ConnectException e) {
            throw transport(method, TelegramTransportException.Reason.CONNECT,
                    "could not connect to " + hostOf() + " (" + describe(e) + ")", e);
        } catch (IOException e) {
            throw transport(method, TelegramTransportException.Reason.IO,
                    "I/O error talking to " + hostOf() + " (" + describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw transport(method, TelegramTransportException.Reason.INTERRUPTED, "interrupted", e);
        }
    }

    private JsonNode resultOf(String method, int status, String contentType, byte[] body) {
        boolean success = status >= 200 && status < 300;
        JsonNode root;
        try {
            root = body.length == 0 ? null : json.readTree(body);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject() || !root.path("ok").isBoolean()) {
            // Not the API's envelope: typically a proxy's HTML error page, or a wrong base URL.
            String what = "non-API response" + (contentType.isEmpty() ? "" : " (" + contentType + ")")
                    + excerpt(body);
            if (success) {
                throw malformed(method, "HTTP " + status + ", " + what, null);
            }
            throw new TelegramApiException(method, status, what, null, null);
        }
        if (root.get("ok").booleanValue()) {
            JsonNode result = root.get("result");
            if (result == null) {
                throw malformed(method, "\"ok\":true without \"result\"", null);
            }
            return result;
        }
        JsonNode code = root.get("error_code");
        int errorCode = code != null && code.canConvertToInt() ? code.asInt() : status;
        JsonNode description = root.get("description");
        JsonNode parameters = root.path("parameters");
        throw new TelegramApiException(method, errorCode,
                description == null || description.isNull() ? null : redact(description.asText()),
                retryAfter(parameters.get("retry_after"), description),
                parameters.path("migrate_to_chat_id").canConvertToLong()
                        ? parameters.get("migrate_to_chat_id").asLong() : null);
    }

    /** {@code parameters.retry_after}, else the number in "Too Many Requests: retry after N". */
    private static Integer retryAfter(JsonNode retryAfter, JsonNode description) {
        if (retryAfter != null && retryAfter.isNumber()) {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, retryAfter.asLong()));
        }
        if (retryAfter != null && retryAfter.isTextual() && retryAfter.asText().matches("\\d{1,9}")) {
            return Integer.parseInt(retryAfter.asText());
        }
        if (description != null) {
            Matcher m = RETRY_AFTER_TEXT.matcher(description.asText());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return null;
    }

    private URI endpoint(String method) {
        return URI.create(apiBaseUrl + "/bot" + token + "/" + method);
    }

    /** Host and port only: enough to diagnose, never a path or credentials. */
    private String hostOf() {
        return apiBaseUrl.getHost() + (apiBaseUrl.getPort() < 0 ? "" : ":" + apiBaseUrl.getPort());
    }

    private TelegramTransportException transport(String method, TelegramTransportException.Reason reason,
            String message, Throwable cause) {
        return new TelegramTransportException(method, reason,
                "Telegram " + method + " failed: " + redact(message), safeCause(cause));
    }

    private TelegramTransportException malformed(String method, String message, Throwable cause) {
        return transport(method, TelegramTransportException.Reason.MALFORMED_RESPONSE,
                "malformed response: " + message, cause);
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Chains the cause only if none of its messages mentions the token (stack traces get logged). */
    private Throwable safeCause(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!Objects.equals(redact(String.valueOf(t)), String.valueOf(t))) {
                return null;
            }
        }
        return cause;
    }

    /**
     * Removes the token, and its secret half on its own (it may appear with the colon URL-encoded).
     * A secret too short to be real is left alone so that messages stay readable in tests.
     */
    private String redact(String text) {
        if (text == null) {
            return null;
        }
        String secret = token.substring(token.indexOf(':') + 1);
        String redacted = text.replace(token, "<token>");
        return secret.length() >= 8 ? redacted.replace(secret, "<token>") : redacted;
    }

    /** A short, tag-free excerpt of an error page, e.g. ": 502 Bad Gateway nginx". */
    private String excerpt(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8)
                .replaceAll("(?s)<(script|style)\\b.*?</\\1>", " ")
                .replaceAll("<[^>]*>", " ")
                .replaceAll("\\s+", " ")
                .strip();
        if (text.isEmpty()) {
            return "";
        }
        if (text.length() > EXCERPT_CHARS) {
            text = text.substring(0, EXCERPT_CHARS) + "…";
        }
        return ": " + redact(text);
    }

    private static URI withoutTrailingSlash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }

    private static Duration positive(Duration d) {
        Objects.requireNonNull(d, "timeout");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "TelegramClient[api=" + apiBaseUrl.getScheme() + "://" + hostOf() + ", bot=" + botId + "]";
    }
}
