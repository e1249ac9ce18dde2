package dev.tgdesk.setup;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.aws.BotToken;
import dev.tgdesk.telegram.TelegramApiException;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.telegram.TelegramException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The Lambda behind {@code Custom::TelegramWebhook} (template.yaml {@code TelegramWebhook}): registers the stack's
 * webhook with Telegram after {@code sam deploy}.
 *
 * <ul>
 *   <li><b>Create, Update</b> → {@code setWebhook(Url, secret_token, allowed_updates, max_connections,
 *       drop_pending_updates=false)}; SUCCESS with PhysicalResourceId {@code telegram-webhook-<bot id>}, or FAILED
 *       with Telegram's description (e.g. "Bad Request: bad webhook: …") and the resource's previous id.</li>
 *   <li><b>Delete</b> → {@code getWebhookInfo}; {@code deleteWebhook} (pending updates kept) only when the webhook is
 *       still this bot's and points at this resource's {@code Url}. Always SUCCESS — the Reason says what was done —
 *       because a webhook left behind is harmless, and a FAILED delete would wedge the stack.</li>
 * </ul>
 *
 * <p>CloudFormation is always answered (a PUT to {@code ResponseURL}), also after exceptions, and before the Lambda
 * times out: the work gets the invocation's remaining time minus {@link #RESPONSE_RESERVE}, then the answer is sent
 * whatever state the work is in. Neither the secret token nor the bot token ever reaches a log line or an answer.
 *
 * <p>Environment: {@code BOT_TOKEN_SECRET_ARN} (or {@code TELEGRAM_BOT_TOKEN} locally), optional
 * {@code TELEGRAM_API_URL} (a self-hosted Bot API server).
 */
public final class WebhookRegistrationHandler implements RequestStreamHandler {

    /** Kept back from the invocation's time for sending the answer. */
    static final Duration RESPONSE_RESERVE = Duration.ofSeconds(5);
    /** Without a Lambda context (tests, local runs) the work may take this long. */
    static final Duration DEFAULT_BUDGET = Duration.ofSeconds(55);

    private final Map<String, String> env;
    private final Supplier<SecretsManagerClient> secrets;
    private final CloudFormationResponder responder;
    private final ObjectMapper json = new ObjectMapper();
    private final PrintStream log;
    private final ExecutorService worker = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "webhook-registration");
        t.setDaemon(true);
        return t;
    });
    private volatile TelegramClient telegram; // built on first use, once per container (the token is read once)
    private volatile String botToken;

    public WebhookRegistrationHandler() {
        this(System.getenv(), () -> SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(3)).socketTimeout(Duration.ofSeconds(10)).build()).build(),
                CloudFormationResponder.defaultHttpClient(), System.err);
    }

    WebhookRegistrationHandler(Map<String, String> env, Supplier<SecretsManagerClient> secrets, HttpClient responses, PrintStream log) {
        this.env = Map.copyOf(env);
        this.secrets = secrets;
        this.responder = new CloudFormationResponder(responses, json);
        this.log = log;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        long start = System.nanoTime();
        long budget = context == null ? DEFAULT_BUDGET.toNanos() : TimeUnit.MILLISECONDS.toNanos(context.getRemainingTimeInMillis());
        long answerBy = start + budget - TimeUnit.MILLISECONDS.toNanos(500); // the PUT itself must end before the timeout
        long workBy = start + budget - RESPONSE_RESERVE.toNanos();
        String logStream = context == null ? null : context.getLogStreamName();

        CustomResourceRequest request;
        try {
            JsonNode event = json.readTree(input);
            request = CustomResourceRequest.from(event);
        } catch (IOException e) {
            log("ERROR", "not a CloudFormation custom resource request (not JSON); nothing to answer", Map.of());
            output.write("{}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (request.responseUrl() == null) {
            log("ERROR", "a request without ResponseURL: cannot answer CloudFormation", Map.of("request", request.toString()));
            output.write("{}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        log("INFO", "custom resource request", Map.of("request", request.toString()));

        CloudFormationResponder.Response response = respond(request, workBy, logStream);
        int status = responder.send(request, response, answerBy);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("status", response.status().name());
        fields.put("physicalResourceId", response.physicalResourceId());
        fields.put("reason", response.reason());
        fields.put("responseHttpStatus", Integer.toString(status));
        log(status >= 200 && status < 300 ? "INFO" : "ERROR",
                status >= 200 && status < 300 ? "answered CloudFormation" : "could not answer CloudFormation", fields);
        output.write(("{\"Status\":\"" + response.status() + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** Does the work on another thread and waits for it until {@code workBy}; never throws. */
    CloudFormationResponder.Response respond(CustomResourceRequest request, long workBy, String logStream) {
        List<String> secretsToHide = secretValues(request);
        boolean delete = CustomResourceRequest.DELETE.equals(request.requestType());
        Future<CloudFormationResponder.Response> work = worker.submit(() -> perform(request, workBy));
        try {
            return work.get(Math.max(0, workBy - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            work.cancel(true);
            String why = "no answer from Telegram or Secrets Manager in time";
            return delete ? success(request, "left the webhook as it is: " + why)
                    : failed(request, why + "; deploy again, or register the webhook by hand (README)", logStream, secretsToHide);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String why = describe(cause);
            log(delete ? "WARN" : "ERROR", "the webhook request failed", Map.of("error", hide(why, secretsToHide)));
            return delete ? success(request, hide("left the webhook as it is: " + why, secretsToHide))
                    : failed(request, why, logStream, secretsToHide);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            work.cancel(true);
            return delete ? success(request, "left the webhook as it is: interrupted") : failed(request, "interrupted", logStream, secretsToHide);
        }
    }

    private CloudFormationResponder.Response perform(CustomResourceRequest request, long workBy) {
        String type = request.requestType();
        if (CustomResourceRequest.CREATE.equals(type) || CustomResourceRequest.UPDATE.equals(type)) {
            WebhookSettings settings = WebhookSettings.from(request);
            WebhookRegistration registration = new WebhookRegistration(telegram());
            String done = registration.register(settings, workBy);
            Map<String, String> data = new LinkedHashMap<>();
            data.put("Url", settings.url());
            data.put("BotId", Long.toString(registration.botId()));
            data.put("AllowedUpdates", String.join(",", settings.allowedUpdates()));
            Map<String, String> fields = new LinkedHashMap<>(data);
            fields.put("maxConnections", Integer.toString(settings.maxConnections()));
            fields.put("secretToken", settings.secretToken() == null ? "none" : "set");
            log("INFO", done, fields);
            return new CloudFormationResponder.Response(CloudFormationResponder.Status.SUCCESS,
                    WebhookRegistration.physicalId(registration.botId()),
                    done + ": " + WebhookRegistration.hostOf(settings.url()) + ", allowed_updates " + settings.allowedUpdates(), data);
        }
        if (CustomResourceRequest.DELETE.equals(type)) {
            WebhookRegistration registration = new WebhookRegistration(telegram());
            WebhookRegistration.Removal removal = registration.unregister(WebhookSettings.urlOf(request.properties()),
                    request.physicalResourceId(), workBy);
            log("INFO", removal.what(), Map.of("physicalResourceId", String.valueOf(request.physicalResourceId())));
            return success(request, removal.what());
        }
        throw new IllegalArgumentException("unknown RequestType " + type);
    }

    private TelegramClient telegram() {
        TelegramClient client = telegram;
        if (client != null) return client;
        synchronized (this) {
            if (telegram == null) {
                String token = BotToken.fromEnvironment(env, secrets);
                URI api = apiUrl(env.get(TelegramClient.API_URL_ENV));
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                        .version("http".equals(api.getScheme()) ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2).build();
                telegram = new TelegramClient(http, new ObjectMapper(), api, token);
                botToken = token;
            }
            return telegram;
        }
    }

    private static URI apiUrl(String configured) {
        if (configured == null || configured.isBlank()) return TelegramClient.DEFAULT_API_URL;
        try {
            return URI.create(configured.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(TelegramClient.API_URL_ENV + " is not a valid URL");
        }
    }

    // ---------------------------------------------------------------- answers

    private static CloudFormationResponder.Response success(CustomResourceRequest request, String reason) {
        return new CloudFormationResponder.Response(CloudFormationResponder.Status.SUCCESS, existingOrFallbackId(request), reason, Map.of());
    }

    private CloudFormationResponder.Response failed(CustomResourceRequest request, String why, String logStream, List<String> hidden) {
        String reason = hide(why, hidden) + (logStream == null ? "" : " (log stream " + logStream + ")");
        return new CloudFormationResponder.Response(CloudFormationResponder.Status.FAILED, failedId(request), reason, Map.of());
    }

    /** Update/Delete: the id CloudFormation knows. */
    private static String existingOrFallbackId(CustomResourceRequest request) {
        if (request.physicalResourceId() != null && !request.physicalResourceId().isBlank()) return request.physicalResourceId();
        return (request.logicalResourceId() == null ? "TelegramWebhook" : request.logicalResourceId()) + "-unregistered";
    }

    /**
     * A failed Update keeps the existing id. A failed Create gets the id a success would have had when the bot is known
     * (so the rollback's Delete removes a webhook Telegram did set although we timed out), else a placeholder the
     * Delete recognises as not ours.
     */
    private String failedId(CustomResourceRequest request) {
        if (request.physicalResourceId() != null && !request.physicalResourceId().isBlank()) return request.physicalResourceId();
        TelegramClient client = telegram;
        if (client != null) return WebhookRegistration.physicalId(client.botId());
        return existingOrFallbackId(request);
    }

    /** What went wrong, in words an operator can act on; Telegram's own description when it refused. */
    static String describe(Throwable e) {
        if (e instanceof TelegramApiException api) {
            return "Telegram refused " + api.method() + ": " + api.errorCode()
                    + (api.description() == null ? "" : " " + api.description());
        }
        if (e instanceof TelegramException t) return t.getMessage();
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) return e.getMessage();
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** The secret tokens of the request (new and old): hidden wherever they might appear. */
    private static List<String> secretValues(CustomResourceRequest request) {
        List<String> values = new ArrayList<>();
        for (String v : new String[] {request.property("SecretToken"), request.oldProperty("SecretToken")}) {
            if (v != null && !v.isEmpty()) values.add(v);
        }
        return values;
    }

    /** {@code text} with the secret tokens and the bot token (whole, or its secret half) replaced by ***. */
    private String hide(String text, List<String> hidden) {
        if (text == null) return null;
        List<String> all = new ArrayList<>(hidden);
        String token = botToken;
        if (token != null) {
            all.add(token);
            if (token.indexOf(':') > 0) all.add(token.substring(token.indexOf(':') + 1));
        }
        String out = text;
        for (String s : all) if (s.length() >= 4) out = out.replace(s, "***");
        return out;
    }

    private void log(String level, String message, Map<String, String> fields) {
        ObjectNode line = json.createObjectNode().put("level", level).put("message", message);
        fields.forEach(line::put);
        log.println(line);
    }
}
