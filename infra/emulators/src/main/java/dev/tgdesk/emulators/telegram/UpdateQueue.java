package dev.tgdesk.emulators.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One bot's pending updates and their delivery, like Telegram's: by webhook when one is set, else
 * to {@code getUpdates}.
 *
 * <p>Webhook delivery keeps each chat in order: only the oldest pending update of a chat is ever in
 * flight, and a failed one is retried (with a doubling delay) before any later update of that chat
 * is sent. Other chats proceed meanwhile, up to {@code max_connections} deliveries at once.
 */
final class UpdateQueue implements AutoCloseable {

    /** Update types Telegram leaves out unless they are asked for explicitly. */
    private static final Set<String> OPT_IN_TYPES = Set.of("chat_member", "message_reaction", "message_reaction_count");
    static final long FIRST_UPDATE_ID = 100_000_001L;

    record Webhook(URI url, String secretToken, int maxConnections) {
    }

    record Settings(Duration retryBaseDelay, Duration retryMaxDelay, Duration timeout) {
    }

    private static final class Pending {
        final long updateId;
        final Object chatKey;
        final ObjectNode json;
        int attempts;
        long notBefore;
        boolean inFlight;

        Pending(long updateId, Object chatKey, ObjectNode json) {
            this.updateId = updateId;
            this.chatKey = chatKey;
            this.json = json;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on every change: new update, delivery done, webhook changed, poll superseded, close. */
    private final Condition changed = lock.newCondition();
    private final List<Pending> pending = new ArrayList<>(); // ascending update_id
    private final ObjectMapper json;
    private final HttpClient http;
    private final Executor deliveries;
    private final Settings settings;
    private final Consumer<JsonNode> webhookReplies;
    private final Thread dispatcher;

    private long nextUpdateId = FIRST_UPDATE_ID;
    private List<String> allowedUpdates; // null: Telegram's default set
    private Webhook webhook;
    private long lastErrorDate;
    private String lastErrorMessage;
    private long pollGeneration;
    private int inFlight;
    private boolean closed;

    /**
     * @param webhookReplies receives a method call a webhook answered with ({@code {"method":…}})
     */
    UpdateQueue(String name, ObjectMapper json, HttpClient http, Executor deliveries, Settings settings,
            Consumer<JsonNode> webhookReplies) {
        this.json = json;
        this.http = http;
        this.deliveries = deliveries;
        this.settings = settings;
        this.webhookReplies = webhookReplies;
        this.dispatcher = new Thread(this::dispatchLoop, name);
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    // ---------------------------------------------------------------- producing

    /**
     * Numbers {@code update} (a single field such as {@code "message"}) and queues it unless the
     * bot's {@code allowed_updates} exclude its type.
     *
     * @return the update with {@code update_id} first, as Telegram serializes it
     */
    ObjectNode add(ObjectNode update) {
        lock.lock();
        try {
            ObjectNode numbered = json.createObjectNode().put("update_id", nextUpdateId++);
            numbered.setAll(update.deepCopy());
            if (isAllowed(typeOf(update))) {
                pending.add(new Pending(numbered.get("update_id").asLong(), chatKey(numbered), numbered));
                changed.signalAll();
            }
            return numbered.deepCopy();
        } finally {
            lock.unlock();
        }
    }

    private boolean isAllowed(String type) {
        return allowedUpdates == null ? !OPT_IN_TYPES.contains(type) : allowedUpdates.contains(type);
    }

    private static String typeOf(ObjectNode update) {
        Iterator<String> names = update.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("update_id")) {
                return name;
            }
        }
        throw new IllegalArgumentException("an update needs a payload field such as \"message\"");
    }

    /** The chat an update belongs to, for per-chat ordering; updates without one are independent. */
    private static Object chatKey(ObjectNode update) {
        JsonNode payload = update.get(typeOf(update));
        for (String path : List.of("/chat/id", "/message/chat/id", "/from/id", "/user/id")) {
            JsonNode id = payload.at(path);
            if (id.isIntegralNumber()) {
                return id.asLong();
            }
        }
        return new Object();
    }

    // ---------------------------------------------------------------- getUpdates

    List<ObjectNode> getUpdates(long offset, int limit, int timeoutSeconds, List<String> allowed) {
        lock.lock();
        try {
            if (webhook != null) {
                throw ApiError.conflict(
                        "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
            }
            if (allowed != null) {
                allowedUpdates = allowed.isEmpty() ? null : List.copyOf(allowed);
            }
            confirm(offset);
            // A newer poll ends an older one with 409, as on Telegram when two instances poll.
            long generation = ++pollGeneration;
            changed.signalAll();
            long remaining = TimeUnit.SECONDS.toNanos(Math.max(0, timeoutSeconds));
            while (pending.isEmpty() && remaining > 0 && !closed && webhook == null) {
                remaining = changed.awaitNanos(remaining);
                if (pollGeneration != generation) {
                    throw ApiError.conflict(
                            "terminated by other getUpdates request; make sure that only one bot instance is running");
                }
            }
            List<ObjectNode> batch = new ArrayList<>();
            for (int i = 0; i < Math.min(limit, pending.size()); i++) {
                batch.add(pending.get(i).json.deepCopy());
            }
            return batch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    /** {@code offset > 0} forgets updates below it; {@code offset < 0} keeps only the last -offset. */
    private void confirm(long offset) {
        if (offset > 0) {
            pending.removeIf(p -> p.updateId < offset);
        } else if (offset < 0) {
            long keep = -offset;
            while (pending.size() > keep) {
                pending.remove(0);
            }
        }
    }

    // ---------------------------------------------------------------- webhook settings

    /** @return Telegram's description: "Webhook was set" or "Webhook is already set" */
    String setWebhook(Webhook hook, List<String> allowed, boolean dropPending) {
        lock.lock();
        try {
            List<String> newAllowed = allowed == null ? allowedUpdates : allowed.isEmpty() ? null : List.copyOf(allowed);
            boolean unchanged = hook.equals(webhook) && Objects.equals(newAllowed, allowedUpdates);
            if (webhook == null || !webhook.url().equals(hook.url())) {
                lastErrorDate = 0;
                lastErrorMessage = null;
                pending.forEach(p -> p.notBefore = 0); // a new URL gets the backlog at once
            }
            webhook = hook;
            allowedUpdates = newAllowed;
            if (dropPending) {
                pending.clear();
            }
            changed.signalAll();
            return unchanged ? "Webhook is already set" : "Webhook was set";
        } finally {
            lock.unlock();
        }
    }

    /** @return "Webhook was deleted" or "Webhook is already deleted" */
    String deleteWebhook(boolean dropPending) {
        lock.lock();
        try {
            boolean wasSet = webhook != null;
            webhook = null;
            if (dropPending) {
                pending.clear();
            }
            changed.signalAll();
            return wasSet ? "Webhook was deleted" : "Webhook is already deleted";
        } finally {
            lock.unlock();
        }
    }

    URI webhookUrl() {
        lock.lock();
        try {
            return webhook == null ? null : webhook.url();
        } finally {
            lock.unlock();
        }
    }

    ObjectNode webhookInfo() {
        lock.lock();
        try {
            ObjectNode info = json.createObjectNode()
                    .put("url", webhook == null ? "" : webhook.url().toString())
                    .put("has_custom_certificate", false)
                    .put("pending_update_count", pending.size());
            if (lastErrorDate > 0) {
                info.put("last_error_date", lastErrorDate).put("last_error_message", lastErrorMessage);
            }
            if (webhook != null) {
                info.put("max_connections", webhook.maxConnections());
            }
            if (allowedUpdates != null) {
                ArrayNode allowed = info.putArray("allowed_updates");
                allowedUpdates.forEach(allowed::add);
            }
            return info;
        } finally {
            lock.unlock();
        }
    }

    int pendingCount() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    List<ObjectNode> pendingUpdates() {
        lock.lock();
        try {
            return pending.stream().map(p -> p.json.deepCopy()).toList();
        } finally {
            lock.unlock();
        }
    }

    boolean awaitEmpty(Duration timeout) {
        lock.lock();
        try {
            long remaining = timeout.toNanos();
            while (!pending.isEmpty()) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- webhook delivery

    private void dispatchLoop() {
        lock.lock();
        try {
            while (!closed) {
                long waitNanos = startDueDeliveries();
                if (waitNanos == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.awaitNanos(waitNanos);
                }
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            lock.unlock();
        }
    }

    /** Starts every delivery that may start now; returns how long until the next retry is due. */
    private long startDueDeliveries() {
        if (webhook == null) {
            return Long.MAX_VALUE;
        }
        long now = System.nanoTime();
        long wait = Long.MAX_VALUE;
        Set<Object> chatsWithOlderPending = new HashSet<>();
        for (Pending p : pending) {
            if (!chatsWithOlderPending.add(p.chatKey) || p.inFlight) {
                continue;
            }
            if (p.notBefore > now) {
                wait = Math.min(wait, p.notBefore - now);
                continue;
            }
            if (inFlight >= webhook.maxConnections()) {
                break;
            }
            p.inFlight = true;
            inFlight++;
            Webhook target = webhook;
            try {
                deliveries.execute(() -> deliver(p, target));
            } catch (RejectedExecutionException e) {
                p.inFlight = false;
                inFlight--;
                return Long.MAX_VALUE; // shutting down
            }
        }
        return wait;
    }

    private void deliver(Pending update, Webhook target) {
        String error = null;
        JsonNode reply = null;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(target.url())
                    .timeout(settings.timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(update.json)));
            if (target.secretToken() != null) {
                request.header("X-Telegram-Bot-Api-Secret-Token", target.secretToken());
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                reply = methodCallIn(response);
            } else {
                error = ("Wrong response from the webhook: " + status + " " + reasonPhrase(status)).strip();
            }
        } catch (HttpTimeoutException e) {
            error = "Read timeout expired";
        } catch (ConnectException e) {
            error = "Connection refused";
        } catch (IOException e) {
            error = "Connection failed: " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "Delivery interrupted";
        }
        finishDelivery(update, error);
        if (reply != null) {
            webhookReplies.accept(reply);
        }
    }

    private void finishDelivery(Pending update, String error) {
        lock.lock();
        try {
            update.inFlight = false;
            inFlight--;
            if (error == null) {
                pending.remove(update);
            } else {
                update.attempts++;
                update.notBefore = System.nanoTime() + backoff(update.attempts).toNanos();
                lastErrorDate = Instant.now().getEpochSecond();
                lastErrorMessage = error;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Duration backoff(int attempts) {
        Duration delay = settings.retryBaseDelay().multipliedBy(1L << Math.min(attempts - 1, 20));
        return delay.compareTo(settings.retryMaxDelay()) > 0 ? settings.retryMaxDelay() : delay;
    }

    /** Telegram performs a method call sent back as the webhook's JSON response. */
    private JsonNode methodCallIn(HttpResponse<byte[]> response) {
        boolean isJson = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
        if (!isJson || response.body().length == 0) {
            return null;
        }
        try {
            JsonNode body = json.readTree(response.body());
            return body != null && body.path("method").isTextual() ? body : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String reasonPhrase(int status) {
        return Map.of(
                        400, "Bad Request", 401, "Unauthorized", 403, "Forbidden", 404, "Not Found",
                        429, "Too Many Requests", 500, "Internal Server Error", 502, "Bad Gateway",
                        503, "Service Unavailable", 504, "Gateway Timeout")
                .getOrDefault(status, "");
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        dispatcher.interrupt();
    }
}
