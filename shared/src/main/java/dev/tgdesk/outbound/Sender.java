package dev.tgdesk.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.domain.Json;
import dev.tgdesk.observability.Metrics;
import dev.tgdesk.telegram.ChatId;
import dev.tgdesk.telegram.TelegramApiException;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.telegram.TelegramErrorKind;
import dev.tgdesk.telegram.TelegramException;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Carries out one {@link OutboundCommand} from the outbound queue: paces it under the flood limits, claims the
 * stored entry, calls the Bot API and records the result. It never sleeps longer than
 * {@link PacingPolicy#maxInProcessWait()}: a longer wait comes back as {@link Outcome.RetryLater}, which the
 * caller turns into the queue message's visibility.
 *
 * <p>Delivery guarantees: an entry is sent only after a conditional queued → sending claim, and recorded sent
 * right after Telegram's answer. A redelivered command for a sent or failed entry does nothing. An entry found
 * in {@code sending} belongs to a sender that stopped between the claim and the result: it may or may not have
 * been delivered, and it is failed as {@code UNCERTAIN} rather than risk a duplicate (docs/sender.md).
 */
public final class Sender {

    public sealed interface Outcome {
        /** The command is finished (whatever happened): delete it from the queue. */
        record Done(Result result) implements Outcome {
        }

        /** Leave it on the queue, visible again after {@code delay}. */
        record RetryLater(Duration delay, String reason) implements Outcome {
        }
    }

    public enum Result { SENT, FAILED, UNCERTAIN, SKIPPED, REDIRECTED, EDITED, ANSWERED }

    /** Time, and waiting for it (tests may fake both). */
    public interface Clock {
        long nowMillis();

        void sleepUntil(long epochMillis) throws InterruptedException;

        Clock SYSTEM = new Clock() {
            @Override
            public long nowMillis() {
                return System.currentTimeMillis();
            }

            @Override
            public void sleepUntil(long epochMillis) throws InterruptedException {
                long ms = epochMillis - System.currentTimeMillis();
                if (ms > 0) Thread.sleep(ms);
            }
        };
    }

    private final OutboundStore store;
    private final RateLedger ledger;
    private final TelegramClient telegram;
    private final PacingPolicy pacing;
    private final RetryPolicy retry;
    private final Metrics metrics;
    private final Clock clock;
    private final FileStore files;
    private final ObjectMapper json = Json.mapper();
    /** An upload takes longer than a text: up to 5 MB to Telegram. */
    static final Duration UPLOAD_TIMEOUT = Duration.ofSeconds(20);

    /** A reserved slot is at least this far ahead, so the reservation's own round trip cannot make it late. */
    static final long RESERVE_LEAD_MILLIS = 20;
    /**
     * A sender that wakes up this much after its slot (a busy container, a GC pause) takes a new slot instead:
     * a late send lands next to the following slots' sends and could make 31 in Telegram's sliding second.
     */
    static final long LATE_TOLERANCE_MILLIS = 5;

    /** Reserves a global send slot between {@code earliest} and {@code latest} and waits for it; -1 if none is free. */
    private long awaitSlot(String botId, long earliest, long latest) throws InterruptedException {
        for (int attempt = 0; attempt < 3; attempt++) {
            long now = clock.nowMillis();
            long slot = ledger.reserve(botId, pacing.globalBudgetPerSecond(), Math.max(earliest, now + RESERVE_LEAD_MILLIS), latest, now);
            if (slot < 0) return -1;
            clock.sleepUntil(slot);
            if (clock.nowMillis() - slot <= LATE_TOLERANCE_MILLIS) return slot;
            metrics.count("OutboundSlotMissed");
        }
        return -1;
    }

    public Sender(OutboundStore store, RateLedger ledger, TelegramClient telegram,
                  PacingPolicy pacing, RetryPolicy retry, Metrics metrics, Clock clock) {
        this(store, ledger, telegram, pacing, retry, metrics, clock, null);
    }

    /** @param files where operators' uploaded files wait (null: entries with an uploaded file fail as FILE_UNAVAILABLE) */
    public Sender(OutboundStore store, RateLedger ledger, TelegramClient telegram,
                  PacingPolicy pacing, RetryPolicy retry, Metrics metrics, Clock clock, FileStore files) {
        this.files = files;
        this.store = Objects.requireNonNull(store, "store");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.telegram = Objects.requireNonNull(telegram, "telegram");
        this.pacing = Objects.requireNonNull(pacing, "pacing");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param receiveCount how often the queue has handed out this command (1 the first time)
     */
    public Outcome process(OutboundCommand command, int receiveCount) {
        Outcome outcome = switch (command) {
            case OutboundCommand.Send s -> send(s, receiveCount, true);
            case OutboundCommand.Edit e -> edit(e, receiveCount);
            case OutboundCommand.AnswerCallback a -> answer(a, receiveCount);
        };
        switch (outcome) {
            case Outcome.Done d -> metrics.count("Outbound" + camel(d.result().name()));
            case Outcome.RetryLater r -> metrics.count("OutboundRetryLater");
        }
        return outcome;
    }

    // ================================================================ send

    private Outcome send(OutboundCommand.Send cmd, int receiveCount, boolean followMigration) {
        String botId = cmd.botId();
        boolean group = PacingPolicy.isGroup(cmd.chatId());
        long now = clock.nowMillis();
        List<Long> recent = ledger.recentSends(botId, cmd.chatId());
        long earliest = pacing.earliestSend(recent, group, now);
        long latest = now + pacing.maxInProcessWait().toMillis();
        if (earliest > latest) return later(earliest - now, "chat pacing");

        OutboundEntry entry;
        switch (store.claim(botId, cmd.dialogId(), cmd.seq(), clock.nowMillis())) {
            case OutboundStore.Claim.Claimed c -> entry = c.entry();
            case OutboundStore.Claim.Finished f -> {
                return new Outcome.Done(Result.SKIPPED);
            }
            case OutboundStore.Claim.Missing m -> {
                log("WARN", "entry to send not found", cmd.dialogId(), cmd.seq(), null);
                return new Outcome.Done(Result.SKIPPED);
            }
            case OutboundStore.Claim.InFlight f -> {
                store.markFailed(f.entry(), new OutboundEntry.Failure("UNCERTAIN", null,
                        "may or may not have been delivered: an earlier sender stopped while sending it"), clock.nowMillis());
                log("WARN", "entry found in sending: failed as uncertain", cmd.dialogId(), cmd.seq(), "UNCERTAIN");
                return new Outcome.Done(Result.UNCERTAIN);
            }
        }
        if (receiveCount > retry.maxReceives()) {
            fail(entry, new OutboundEntry.Failure("EXPIRED", null,
                    "not delivered after " + receiveCount + " deliveries from the queue"));
            return new Outcome.Done(Result.FAILED);
        }
        // The global slot is reserved last, right before the wait: nothing may run between the reservation and
        // the call, or late sends would bunch up against the next ones in Telegram's sliding second.
        now = clock.nowMillis();
        long slot;
        try {
            slot = awaitSlot(botId, earliest, now + pacing.maxInProcessWait().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            store.release(entry, entry.attempts(), null, clock.nowMillis());
            return later(1000, "interrupted");
        }
        if (slot < 0) {
            store.release(entry, entry.attempts(), null, clock.nowMillis());
            return later(1000, "bot pacing");
        }
        String target = entry.chatId();
        UploadedFile upload = UploadedFile.of(entry.call().params());
        byte[] content = null;
        if (upload != null) {
            content = files == null ? null : files.get(upload.key());
            if (content == null) {
                fail(entry, new OutboundEntry.Failure("FILE_UNAVAILABLE", null, "the uploaded file is not in the file store"));
                return new Outcome.Done(Result.FAILED);
            }
        }
        long messageId;
        String uploadedFileId = null;
        try {
            JsonNode result;
            if (upload != null) {
                ObjectNode params = withChat(entry.call().params(), target);
                params.remove(UploadedFile.PARAM);
                result = telegram.callMultipart(entry.call().method(), params, upload.field(), upload.fileName(),
                        upload.mimeType(), content, JsonNode.class, UPLOAD_TIMEOUT);
                JsonNode media = result.path(upload.field());
                if (media.isArray() && !media.isEmpty()) media = media.get(media.size() - 1); // photo sizes: the largest
                uploadedFileId = media.path("file_id").asText(null);
            } else {
                result = telegram.call(entry.call().method(), withChat(entry.call().params(), target), JsonNode.class);
            }
            messageId = result.path("message_id").asLong();
        } catch (TelegramException e) {
            recordPace(botId, target, recent, slot);
            return failed(entry, e, receiveCount, followMigration);
        }
        store.markSent(entry, messageId, clock.nowMillis());
        if (uploadedFileId != null) store.recordUploadedFile(entry, upload.field(), uploadedFileId, clock.nowMillis());
        recordPace(botId, target, recent, slot);
        return new Outcome.Done(Result.SENT);
    }

    /** Best effort: a lost pace record costs at worst one early message (and a 429 retry), never a send. */
    private void recordPace(String botId, String chatId, List<Long> recent, long sentAt) {
        try {
            ledger.recordSends(botId, chatId, pacing.withSend(recent, sentAt, PacingPolicy.isGroup(chatId)));
        } catch (RuntimeException e) {
            log("WARN", "pace not recorded: " + e.getClass().getSimpleName(), null, -1, null);
        }
    }

    private Outcome failed(OutboundEntry entry, TelegramException e, int receiveCount, boolean followMigration) {
        int attempts = entry.attempts() + 1;
        RetryPolicy.Decision decision = retry.decide(e, attempts);
        switch (decision) {
            case RetryPolicy.Decision.Retry r -> {
                if (r.error().errorCode() != null && r.error().errorCode() == 429) metrics.count("TelegramTooManyRequests");
                store.release(entry, r.counts() ? attempts : entry.attempts(), r.error(), clock.nowMillis());
                log("INFO", "send will be retried", entry.dialogId(), entry.seq(), r.error().kind());
                return new Outcome.RetryLater(r.after(), r.error().kind());
            }
            case RetryPolicy.Decision.Fail f -> {
                fail(entry, f.failure());
                if (e instanceof TelegramApiException api
                        && (api.kind() == TelegramErrorKind.BLOCKED_BY_USER || api.kind() == TelegramErrorKind.USER_DEACTIVATED)
                        && isPrivateChat(entry.chatId())) {
                    store.markContactUnreachable(entry.botId(), Long.parseLong(entry.chatId()), api.kind().name(), clock.nowMillis());
                }
                return new Outcome.Done(Result.FAILED);
            }
            case RetryPolicy.Decision.Migrate m -> {
                if (!followMigration) {
                    fail(entry, new OutboundEntry.Failure("CHAT_MIGRATED", 400, "the chat migrated twice in a row"));
                    return new Outcome.Done(Result.FAILED);
                }
                // The entry now targets the new chat; send it at once. Should that have to wait, this command comes
                // back and, finding the entry queued with the new chat id, sends it there (the entry decides the
                // target, not the command). Not re-enqueued under the new group: the command's deduplication id
                // is the entry's, and a queue deduplicating across groups would drop it.
                String newChat = Long.toString(m.newChatId());
                store.redirect(entry, newChat, clock.nowMillis());
                log("INFO", "chat migrated: entry redirected", entry.dialogId(), entry.seq(), "CHAT_MIGRATED");
                Outcome resent = send(new OutboundCommand.Send(entry.botId(), newChat, entry.dialogId(), entry.seq()), receiveCount, false);
                return resent instanceof Outcome.Done d && d.result() == Result.SENT ? new Outcome.Done(Result.REDIRECTED) : resent;
            }
        }
    }

    private void fail(OutboundEntry entry, OutboundEntry.Failure failure) {
        store.markFailed(entry, failure, clock.nowMillis());
        log("WARN", "send failed", entry.dialogId(), entry.seq(), failure.kind());
    }

    // ================================================================ edit

    private Outcome edit(OutboundCommand.Edit cmd, int receiveCount) {
        OutboundEntry entry = store.get(cmd.botId(), cmd.dialogId(), cmd.seq());
        if (entry == null || entry.status() != OutboundEntry.Status.SENT || entry.telegramMessageId() == null) {
            log("INFO", "edit of an entry that was not sent: skipped", cmd.dialogId(), cmd.seq(), null);
            return new Outcome.Done(Result.SKIPPED);
        }
        String target = entry.chatId();
        boolean group = PacingPolicy.isGroup(target);
        long now = clock.nowMillis();
        List<Long> recent = ledger.recentSends(cmd.botId(), target);
        long earliest = pacing.earliestSend(recent, group, now);
        long latest = now + pacing.maxInProcessWait().toMillis();
        if (earliest > latest) return later(earliest - now, "chat pacing");
        BotApiCall call = TelegramRequests.edit(cmd, entry.telegramMessageId());
        long slot;
        try {
            slot = awaitSlot(cmd.botId(), earliest, latest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return later(1000, "interrupted");
        }
        if (slot < 0) return later(1000, "bot pacing");
        try {
            telegram.call(call.method(), withChat(call.params(), target), JsonNode.class);
        } catch (TelegramApiException e) {
            boolean unchanged = e.errorCode() == 400 && e.description() != null && e.description().contains("message is not modified");
            if (!unchanged) return otherFailure(e, receiveCount, cmd.dialogId(), cmd.seq(), "edit");
        } catch (TelegramException e) {
            return otherFailure(e, receiveCount, cmd.dialogId(), cmd.seq(), "edit");
        } finally {
            recordPace(cmd.botId(), target, recent, slot);
        }
        store.recordEdit(entry, cmd.revision(), previewAfterEdit(entry, cmd), dataAfterEdit(entry, cmd), clock.nowMillis());
        return new Outcome.Done(Result.EDITED);
    }

    // ================================================================ answer callback

    private Outcome answer(OutboundCommand.AnswerCallback cmd, int receiveCount) {
        BotApiCall call = TelegramRequests.answerCallback(cmd);
        try {
            telegram.call(call.method(), call.params(), JsonNode.class);
            return new Outcome.Done(Result.ANSWERED);
        } catch (TelegramException e) {
            // a callback query expires within seconds: a few quick retries, then let it go
            return otherFailure(e, Math.max(receiveCount, retry.maxAttempts() - 2), null, -1, "answerCallbackQuery");
        }
    }

    /** Edits and callback answers have no entry status to keep: retry what may pass, log the rest. */
    private Outcome otherFailure(TelegramException e, int receiveCount, String dialogId, long seq, String what) {
        RetryPolicy.Decision decision = retry.decide(e, receiveCount);
        if (decision instanceof RetryPolicy.Decision.Retry r && receiveCount < retry.maxReceives()) {
            return new Outcome.RetryLater(r.after(), r.error().kind());
        }
        String kind = e instanceof TelegramApiException api ? api.kind().name() : "TRANSPORT";
        log("WARN", what + " failed", dialogId, seq, kind);
        return new Outcome.Done(Result.FAILED);
    }

    // ================================================================ helpers

    private Outcome later(long millis, String reason) {
        return new Outcome.RetryLater(Duration.ofMillis(Math.max(1000, millis)), reason);
    }

    private ObjectNode withChat(ObjectNode params, String chatId) {
        ObjectNode p = params.deepCopy();
        ChatId id = ChatId.of(chatId);
        if (id.id() != null) p.put("chat_id", id.id());
        else p.put("chat_id", id.username());
        return p;
    }

    private static boolean isPrivateChat(String chatId) {
        return !PacingPolicy.isGroup(chatId) && chatId.matches("\\d{1,19}");
    }

    private String previewAfterEdit(OutboundEntry entry, OutboundCommand.Edit edit) {
        if (edit.text() == null) return entry.preview();
        return TelegramRequests.preview(OutgoingMessage.text(entry.chatId(), edit.text()));
    }

    private String dataAfterEdit(OutboundEntry entry, OutboundCommand.Edit edit) {
        ObjectNode data;
        try {
            JsonNode stored = entry.dataJson() == null ? null : json.readTree(entry.dataJson());
            data = stored instanceof ObjectNode o ? o : json.createObjectNode();
        } catch (IOException e) {
            data = json.createObjectNode();
        }
        if (edit.text() != null) {
            data.put("text", edit.text());
            data.put("format", "plain");
        }
        ArrayNode rows = json.createArrayNode();
        if (edit.inlineButtons() != null) {
            for (List<OutgoingMessage.InlineButton> row : edit.inlineButtons()) {
                ArrayNode r = rows.addArray();
                for (OutgoingMessage.InlineButton b : row) {
                    ObjectNode button = r.addObject().put("text", b.text());
                    if (b.url() != null) button.put("url", b.url());
                    if (b.callbackData() != null) button.put("callback_data", b.callbackData());
                }
            }
        }
        if (rows.isEmpty()) data.remove("inline_buttons");
        else data.set("inline_buttons", rows);
        data.put("edit_revision", edit.revision());
        return Json.write(json, data);
    }

    private static String camel(String upper) {
        StringBuilder out = new StringBuilder();
        for (String word : upper.split("_")) {
            out.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return out.toString();
    }

    /** One JSON line: ids and error kinds only, never texts, tokens or chat ids. */
    private static void log(String level, String message, String dialogId, long seq, String kind) {
        StringBuilder line = new StringBuilder("{\"level\":\"").append(level).append("\",\"message\":\"").append(message).append('"');
        if (dialogId != null) line.append(",\"dialogId\":\"").append(dialogId).append("\",\"seq\":").append(seq);
        if (kind != null) line.append(",\"kind\":\"").append(kind).append('"');
        System.err.println(line.append('}'));
    }
}
