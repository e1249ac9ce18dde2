package dev.tgdesk.inbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.CallbackQuery;
import dev.tgdesk.domain.ChatMemberChange;
import dev.tgdesk.domain.Json;
import dev.tgdesk.domain.Message;
import dev.tgdesk.domain.ServiceEvent;
import dev.tgdesk.domain.TelegramChat;
import dev.tgdesk.domain.TelegramUpdate;
import dev.tgdesk.domain.TelegramUser;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The inbox rules for one inbound update: who it is from, which chat and dialog it belongs to, what is
 * stored, and what goes on the queue. The update is stored in one atomic write (marked seen by its
 * update id, so a redelivery changes nothing) and enqueued only after that write succeeded.
 */
public final class UpdateIngest {

    static final int PREVIEW_LENGTH = 160;
    private static final int MAX_ATTEMPTS = 5;

    private final InboxStore store;
    private final InboundQueue queue;
    private final ObjectMapper json;
    private final Clock clock;
    private final Supplier<String> dialogIds;

    public UpdateIngest(InboxStore store, InboundQueue queue, ObjectMapper json, Clock clock, Supplier<String> dialogIds) {
        this.store = store;
        this.queue = queue;
        this.json = json;
        this.clock = clock;
        this.dialogIds = dialogIds;
    }

    public UpdateIngest(InboxStore store, InboundQueue queue, ObjectMapper json) {
        this(store, queue, json, Clock.systemUTC(), UpdateIngest::randomDialogId);
    }

    /**
     * Records and enqueues the update. Throws (so the webhook answers 5xx and Telegram retries) only when
     * storage or the queue fails; a retry then finds either nothing written or the update marked seen.
     *
     * @param rawJson the update as received; needed (and kept) only for {@link TelegramUpdate.Unsupported}
     */
    public IngestResult accept(String botId, TelegramUpdate update, String rawJson) {
        long now = clock.millis();
        if (update instanceof TelegramUpdate.Unsupported u) {
            store.recordUnsupported(botId, u.updateId(), u.kind(), u.reason(), rawJson, now);
            return new IngestResult.Unsupported(u.kind(), u.reason());
        }
        TelegramChat chat = chatOf(update);
        TelegramUser sender = senderOf(update);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            InboxStore.Snapshot snapshot = store.load(botId, chat.id(), sender == null ? null : sender.id());
            if (snapshot.contact().map(ContactState::blocked).orElse(false)) return new IngestResult.IgnoredBlocked();
            IngestPlan plan = plan(botId, update, chat, sender, snapshot.chat(), snapshot.contact(), now);
            switch (store.commit(plan)) {
                case COMMITTED -> {
                    queue.publish(plan.envelope());
                    return new IngestResult.Stored(plan.envelope().dialogId(), plan.envelope().seq());
                }
                case DUPLICATE -> {
                    // The first delivery may have been stored but not enqueued (its answer was a 5xx):
                    // enqueue again; the FIFO dedup id drops it if the first enqueue did succeed.
                    store.recordedEnvelope(botId, update.updateId()).ifPresent(queue::publish);
                    return new IngestResult.Duplicate();
                }
                case CONTACT_BLOCKED -> {
                    return new IngestResult.IgnoredBlocked();
                }
                case CHAT_CHANGED -> {
                    // another writer touched this chat between our read and write: read again
                }
            }
        }
        throw new IllegalStateException("chat kept changing while update " + update.updateId() + " was stored");
    }

    // ---- planning (pure: decides what to write from what was read) ------------------------------------

    IngestPlan plan(String botId, TelegramUpdate update, TelegramChat chat, TelegramUser sender,
                    Optional<ChatState> current, Optional<ContactState> contact, long now) {
        Draft d = new Draft(botId, update, chat, current, now);
        switch (update) {
            case TelegramUpdate.MessageUpdate m when m.edited() -> planEdit(d, m.message());
            case TelegramUpdate.MessageUpdate m -> planMessage(d, m.message());
            case TelegramUpdate.CallbackUpdate c -> planCallback(d, c.query());
            case TelegramUpdate.MembershipUpdate mu -> planMembership(d, mu.change());
            case TelegramUpdate.Unsupported u -> throw new IllegalArgumentException("unsupported updates are not planned");
        }
        return d.build(contactWrite(sender, chat, contact, d.botBlocked));
    }

    /**
     * The contact is written only when something about it changed: most messages come from a known
     * contact with the same profile, and skipping that write saves two write units per message.
     */
    private static IngestPlan.ContactWrite contactWrite(TelegramUser sender, TelegramChat chat,
                                                        Optional<ContactState> stored, Boolean botBlocked) {
        if (sender == null || sender.isBot() && chat.type() != TelegramChat.ChatType.PRIVATE) return null;
        boolean unchanged = stored.isPresent() && stored.get().sameProfile(sender)
                && (botBlocked == null || botBlocked == stored.get().botBlocked());
        return unchanged ? null : new IngestPlan.ContactWrite(sender, botBlocked);
    }

    private void planMessage(Draft d, Message message) {
        ServiceEvent service = message.service();
        if (service != null && service.type() == ServiceEvent.Type.MIGRATED_TO && service.migrateToChatId() != null) {
            planMigration(d, d.chat.id(), service.migrateToChatId(), message);
            return;
        }
        if (service != null && service.type() == ServiceEvent.Type.MIGRATED_FROM && service.migrateFromChatId() != null
                && d.current.map(c -> !c.hasActiveDialog()).orElse(true)) {
            planMigration(d, service.migrateFromChatId(), d.chat.id(), message);
            return;
        }
        // Service messages (joins, leaves, title changes) are history, but do not open a dialog by themselves.
        boolean opens = service == null;
        d.append("message", message.from() == null ? null : message.from().id(), message.messageId(),
                message.preview(), toJson(message), opens);
    }

    private void planEdit(Draft d, Message message) {
        String dialogId = d.current.map(c -> c.activeDialogId() != null ? c.activeDialogId() : c.lastDialogId()).orElse(null);
        Optional<Long> seq = dialogId == null ? Optional.empty()
                : store.findByTelegramMessageId(d.botId, dialogId, message.messageId());
        if (seq.isPresent()) {
            d.edit = new IngestPlan.EditWrite(dialogId, seq.get(),
                    message.editDate() == null ? d.now / 1000 : message.editDate(), preview(message.preview()), toJson(message));
            d.envelopeDialog(dialogId, seq.get());
            if (dialogId.equals(d.current.get().activeDialogId())) d.touchActive(preview(message.preview()));
        } else {
            // We never stored the original (it predates the deployment): keep the edited version as an entry.
            d.append("message", message.from() == null ? null : message.from().id(), message.messageId(),
                    message.preview(), toJson(message), false);
        }
    }

    private void planCallback(Draft d, CallbackQuery query) {
        String label = query.data() == null ? "[button]" : "[button] " + query.data();
        d.append("callback", query.from().id(), null, label, toJson(query), true);
    }

    private void planMembership(Draft d, ChatMemberChange change) {
        if (d.chat.type() == TelegramChat.ChatType.PRIVATE) {
            d.botBlocked = !change.botIsPresent();
        }
        d.botStatus = change.newStatus();
        d.append("membership", change.from() == null ? null : change.from().id(), null,
                "[bot " + change.newStatus() + "]", toJson(change), false);
    }

    /**
     * Moves the active dialog of the old group to the new supergroup. Telegram announces a migration in
     * both chats (migrate_to_chat_id in the old, migrate_from_chat_id in the new), in either order: the
     * first announcement moves the dialog, the second only adds its entry to history.
     */
    private void planMigration(Draft d, long oldChatId, long newChatId, Message message) {
        boolean arrivedInOld = d.chat.id() == oldChatId;
        Optional<ChatState> oldChat = arrivedInOld ? d.current : store.chat(d.botId, oldChatId);
        Optional<ChatState> newChat = arrivedInOld ? store.chat(d.botId, newChatId) : d.current;
        String dialogId = oldChat.map(ChatState::activeDialogId).orElse(null);
        boolean movable = dialogId != null && oldChat.get().migratedToChatId() == null
                && !newChat.map(ChatState::hasActiveDialog).orElse(false);
        Long fromUserId = message.from() == null ? null : message.from().id();
        if (arrivedInOld) {
            d.migratedTo = newChatId;
            if (movable) d.dialogChatId = newChatId;
            d.append("message", fromUserId, message.messageId(), message.preview(), toJson(message), false);
            if (movable) {
                d.move = new IngestPlan.ChatMove(newChatId, newChat.map(ChatState::version).orElse(-1L), dialogId, d.seq, null);
                d.activeDialogId = null;
            }
        } else {
            if (movable) {
                d.move = new IngestPlan.ChatMove(oldChatId, oldChat.get().version(), null, null, newChatId);
                d.adoptDialog(dialogId, oldChat.get().seq());
            }
            d.append("message", fromUserId, message.messageId(), message.preview(), toJson(message), false);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** Accumulates one plan; the chat's sequence and dialog are decided here, in one place. */
    private final class Draft {
        final String botId;
        final TelegramUpdate update;
        final TelegramChat chat;
        final Optional<ChatState> current;
        final long now;
        String activeDialogId;
        String lastDialogId;
        long seq;
        IngestPlan.DialogWrite dialog;
        IngestPlan.EntryWrite entry;
        IngestPlan.EditWrite edit;
        IngestPlan.ChatMove move;
        Boolean botBlocked;
        String botStatus;
        Long migratedTo;
        String envelopeDialogId;
        Long envelopeSeq;
        long dialogChatId;

        Draft(String botId, TelegramUpdate update, TelegramChat chat, Optional<ChatState> current, long now) {
            this.botId = botId;
            this.update = update;
            this.chat = chat;
            this.current = current;
            this.now = now;
            this.activeDialogId = current.map(ChatState::activeDialogId).orElse(null);
            this.lastDialogId = current.map(ChatState::lastDialogId).orElse(null);
            this.seq = current.map(ChatState::seq).orElse(0L);
            this.dialogChatId = chat.id();
        }

        void adoptDialog(String dialogId, long oldSeq) {
            activeDialogId = dialogId;
            lastDialogId = dialogId;
            seq = Math.max(seq, oldSeq);
        }

        /** Appends an entry to the active dialog, opening one if {@code opens}; otherwise outside dialogs it is only recorded. */
        void append(String type, Long fromUserId, Long telegramMessageId, String preview, String dataJson, boolean opens) {
            boolean create = false;
            if (activeDialogId == null) {
                if (!opens) return;
                activeDialogId = dialogIds.get();
                lastDialogId = activeDialogId;
                create = true;
            }
            seq++;
            String shortPreview = preview(preview);
            entry = new IngestPlan.EntryWrite(activeDialogId, seq, type, fromUserId, telegramMessageId, shortPreview, dataJson);
            dialog = new IngestPlan.DialogWrite(activeDialogId, create, chat.dialogKind(), dialogChatId,
                    chat.type() == TelegramChat.ChatType.PRIVATE ? chat.id() : null, chat.displayName(), shortPreview, seq);
            envelopeDialog(activeDialogId, seq);
        }

        void touchActive(String shortPreview) {
            dialog = new IngestPlan.DialogWrite(activeDialogId, false, chat.dialogKind(), chat.id(),
                    chat.type() == TelegramChat.ChatType.PRIVATE ? chat.id() : null, chat.displayName(), shortPreview, seq);
        }

        void envelopeDialog(String dialogId, Long entrySeq) {
            envelopeDialogId = dialogId;
            envelopeSeq = entrySeq;
        }

        IngestPlan build(IngestPlan.ContactWrite contact) {
            IngestPlan.ChatWrite chatWrite = new IngestPlan.ChatWrite(chat, current.map(ChatState::version).orElse(-1L),
                    seq, activeDialogId, lastDialogId, botStatus, migratedTo);
            InboundEnvelope envelope = new InboundEnvelope(InboundEnvelope.VERSION, botId, update.updateId(), chat.id(),
                    envelopeDialogId, envelopeSeq, now, update);
            return new IngestPlan(botId, update.updateId(), now, envelope, chatWrite, contact, dialog, entry, edit, move);
        }
    }

    static TelegramChat chatOf(TelegramUpdate update) {
        return switch (update) {
            case TelegramUpdate.MessageUpdate m -> m.message().chat();
            case TelegramUpdate.MembershipUpdate mu -> mu.change().chat();
            case TelegramUpdate.CallbackUpdate c -> c.query().chat() != null ? c.query().chat()
                    // a button under an inline-mode message: attribute it to the user's private chat with the bot
                    : new TelegramChat(c.query().from().id(), TelegramChat.ChatType.PRIVATE, null, c.query().from().username(),
                    c.query().from().firstName(), c.query().from().lastName(), false);
            case TelegramUpdate.Unsupported u -> throw new IllegalArgumentException("no chat");
        };
    }

    static TelegramUser senderOf(TelegramUpdate update) {
        return switch (update) {
            case TelegramUpdate.MessageUpdate m -> m.message().from();
            case TelegramUpdate.MembershipUpdate mu -> mu.change().from();
            case TelegramUpdate.CallbackUpdate c -> c.query().from();
            case TelegramUpdate.Unsupported u -> null;
        };
    }

    static String preview(String text) {
        if (text == null) return "";
        String flat = text.replaceAll("\\s+", " ").strip();
        if (flat.length() <= PREVIEW_LENGTH) return flat;
        int cut = PREVIEW_LENGTH;
        if (Character.isHighSurrogate(flat.charAt(cut - 1))) cut--;
        return flat.substring(0, cut) + "…";
    }

    private String toJson(Object value) {
        return Json.write(json, value);
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE32 = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    /** Opaque, non-enumerable dialog ids: 20 characters of base32 (100 random bits). */
    public static String randomDialogId() {
        char[] out = new char[20];
        for (int i = 0; i < out.length; i++) out[i] = BASE32[RANDOM.nextInt(BASE32.length)];
        return new String(out);
    }
}
