package dev.tgdesk.operator.actions;

import dev.tgdesk.operator.ContactFieldDefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.automation.ControlEnvelope;
import dev.tgdesk.domain.Json;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.actions.ActionsStore.ClientMarker;
import dev.tgdesk.operator.actions.ActionsStore.Commit;
import dev.tgdesk.operator.actions.ActionsStore.Contact;
import dev.tgdesk.operator.actions.ActionsStore.ContactChange;
import dev.tgdesk.operator.actions.ActionsStore.Context;
import dev.tgdesk.operator.actions.ActionsStore.DialogChange;
import dev.tgdesk.operator.actions.ActionsStore.DialogState;
import dev.tgdesk.operator.actions.ActionsStore.InternalEntry;
import dev.tgdesk.operator.actions.ActionsStore.StoredEntry;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.outbound.BotApiCall;
import dev.tgdesk.outbound.FileStore;
import dev.tgdesk.outbound.OutboundCommand;
import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.outbound.OutboundQueue;
import dev.tgdesk.outbound.OutgoingMessage;
import dev.tgdesk.outbound.TelegramRequests;
import dev.tgdesk.outbound.UploadedFile;
import dev.tgdesk.telegram.TelegramApiException;
import dev.tgdesk.telegram.TelegramClient;
import dev.tgdesk.telegram.TelegramException;
import dev.tgdesk.telegram.TelegramFile;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What operators do to one dialog: write as the bot, send files, leave notes, take over and give back, assign,
 * edit the contact's fields, block, and read the contact panel and the dialog's files. Every action first checks
 * {@link Visibility} (not visible = 404, like an unknown dialog); every change is one {@link ActionsStore#commit}
 * (re-decided on a conflict, up to 5 times), and queue messages go out after it.
 */
public final class DialogActions {

    /** Longest operator text we accept; Telegram takes 4096 per message, so this is at most 4 messages and a bit. */
    public static final int MAX_TEXT = 16_000;
    /** Largest upload and download through the API: Lambda's 6 MB payload limit, after base64. */
    public static final int MAX_FILE_BYTES = 5 * 1024 * 1024;
    public static final int MAX_CAPTION = 1024;
    static final int MAX_ATTEMPTS = 5;
    static final Set<String> PHOTO_TYPES = Set.of("image/jpeg", "image/png", "image/webp");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9-]{8,64}");
    private static final Pattern FILE_NAME_BAD = Pattern.compile("[\\\\/\\p{Cntrl}\"]");
    private static final Set<String> BOT_GONE = Set.of("left", "kicked");

    private final ActionsStore store;
    private final OutboundQueue outbound;
    private final ControlQueue control;
    private final FileStore files;
    private final TelegramClient telegram;
    private final ContactFieldCatalog fields;
    private final TeamDirectory directory;
    private final Visibility visibility;
    private final Clock clock;
    private final ObjectMapper json = Json.mapper();
    private final SecureRandom random = new SecureRandom();

    public DialogActions(ActionsStore store, OutboundQueue outbound, ControlQueue control, FileStore files,
                         TelegramClient telegram, ContactFieldCatalog fields, TeamDirectory directory,
                         Visibility visibility, Clock clock) {
        this.store = store;
        this.outbound = outbound;
        this.control = control;
        this.files = files;
        this.telegram = telegram;
        this.fields = fields;
        this.directory = directory;
        this.visibility = visibility;
        this.clock = clock;
    }

    // ================================================================ results

    public record Sent(List<Long> seqs, boolean repeated) {
    }

    public record FileSent(List<Long> seqs, String kind, String fileName, String mimeType, long size) {
    }

    public record Appended(long seq) {
    }

    public record Handling(String handler, String manager, String team, Long seq) {
    }

    public record Assignment(String manager, String team, Long seq) {
    }

    public record FieldValue(String name, String label, String type, List<String> options, String value) {
    }

    public record ContactPanel(String dialogId, String kind, Long userId, String firstName, String lastName,
                               String username, String languageCode, boolean blocked, boolean botBlocked,
                               List<FieldValue> fields, Map<String, String> otherFields, String manager, String team) {
    }

    public record FileInfo(long seq, int index, String direction, long at, String kind, String fileName,
                           String mimeType, Long size) {
    }

    public record Download(String contentType, String fileName, byte[] bytes) {
    }

    /** A button under an operator's message: exactly one of {@code url} and {@code data}. */
    public record Button(String text, String url, String data) {
    }

    // ================================================================ send as the bot

    public Sent sendMessage(Caller caller, String dialogId, String text, List<List<Button>> buttons, String clientId) {
        if (text == null || text.isBlank()) throw ApiException.badRequest("text", "write something");
        if (text.length() > MAX_TEXT) throw ApiException.badRequest("text", "at most " + MAX_TEXT + " characters");
        List<List<OutgoingMessage.InlineButton>> inline = buttons(buttons);
        if (clientId != null && !CLIENT_ID.matcher(clientId).matches()) {
            throw ApiException.badRequest("client_id", "8–64 letters, digits or dashes (a UUID)");
        }
        return withRetries(caller, dialogId, clientId, (state) -> {
            ClientMarker marker = state.context.marker();
            if (marker != null) {
                // a repeated POST: its first attempt may have stopped before the queue; the pointers are deduplicated
                outbound.enqueue(marker.seqs().stream().<OutboundCommand>map(seq ->
                        new OutboundCommand.Send(caller.botId(), marker.chatId(), dialogId, seq)).toList());
                return new Decision<>(null, new Sent(marker.seqs(), true));
            }
            refuseSend(state.dialog, state.context);
            OutgoingMessage m = new OutgoingMessage(Long.toString(state.dialog.chatId()), null, text,
                    OutgoingMessage.Format.PLAIN, null, inline, null, false);
            List<OutboundEntry> sends = entries(caller, state, TelegramRequests.calls(m), TelegramRequests.preview(m),
                    TelegramRequests.displayJson(m));
            Commit commit = new Commit(caller.botId(), state.dialog, state.context.chatVersion(), now(), sends, List.of(),
                    DialogChange.NONE, null, clientId);
            return new Decision<>(commit, new Sent(sends.stream().map(OutboundEntry::seq).toList(), false));
        }, sent -> {
        }, commit -> enqueue(commit.sends()));
    }

    public FileSent sendFile(Caller caller, String dialogId, String fileName, String contentType, byte[] content, String caption) {
        if (fileName == null || fileName.isBlank()) throw ApiException.badRequest("name", "give the file's name");
        String name = FILE_NAME_BAD.matcher(fileName.strip()).replaceAll("_");
        if (name.length() > 200) name = name.substring(name.length() - 200);
        if (content == null || content.length == 0) throw ApiException.badRequest("body", "the file is empty");
        if (content.length > MAX_FILE_BYTES) {
            throw ApiException.tooLarge("files up to " + MAX_FILE_BYTES / (1024 * 1024) + " MB can be sent from the inbox");
        }
        if (caption != null && caption.length() > MAX_CAPTION) throw ApiException.badRequest("caption", "at most " + MAX_CAPTION + " characters");
        String mime = contentType == null || contentType.isBlank() ? "application/octet-stream"
                : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        boolean photo = PHOTO_TYPES.contains(mime);
        OutgoingMessage.MediaKind kind = photo ? OutgoingMessage.MediaKind.PHOTO : OutgoingMessage.MediaKind.DOCUMENT;
        // visible before anything is stored: a hidden dialog leaves no file behind
        DialogState visible = visibleDialog(caller, dialogId);
        refuseSend(visible, store.context(caller.botId(), visible, null));
        String key = "dialogs/" + dialogId + "/" + randomId() + extension(name);
        files.put(key, mime, content);
        UploadedFile upload = new UploadedFile(TelegramRequests.mediaField(kind), key, name, mime, content.length);
        String finalName = name;
        return withRetries(caller, dialogId, null, state -> {
            refuseSend(state.dialog, state.context);
            String text = caption == null || caption.isBlank() ? null : caption;
            OutgoingMessage m = new OutgoingMessage(Long.toString(state.dialog.chatId()), null, text, OutgoingMessage.Format.PLAIN,
                    new OutgoingMessage.Media(kind, "upload"), List.of(), null, false);
            List<BotApiCall> calls = TelegramRequests.calls(m);
            ObjectNode first = calls.get(0).params();
            first.remove(upload.field());
            first.set(UploadedFile.PARAM, upload.toJson());
            ObjectNode data = json.createObjectNode();
            if (text != null) data.put("text", text).put("format", "plain");
            data.putObject("media").put("kind", upload.field()).put("file_name", finalName).put("mime_type", mime)
                    .put("file_size", content.length);
            String preview = TelegramRequests.preview(m);
            List<OutboundEntry> sends = entries(caller, state, calls, preview, Json.write(json, data));
            Commit commit = new Commit(caller.botId(), state.dialog, state.context.chatVersion(), now(), sends, List.of(),
                    DialogChange.NONE, null, null);
            return new Decision<>(commit, new FileSent(sends.stream().map(OutboundEntry::seq).toList(), upload.field(),
                    finalName, mime, content.length));
        }, r -> {
        }, commit -> enqueue(commit.sends()));
    }

    private void refuseSend(DialogState dialog, Context context) {
        if (!dialog.open()) throw ApiException.conflict("the dialog is closed");
        Contact contact = context.contact();
        if (contact != null && contact.blocked()) throw ApiException.conflict("the contact is blocked by operators");
        if (contact != null && contact.botBlocked()) throw ApiException.conflict("the contact blocked the bot");
        if (context.botStatus() != null && BOT_GONE.contains(context.botStatus())) {
            throw ApiException.conflict("the bot is no longer in this chat");
        }
    }

    private List<OutboundEntry> entries(Caller caller, State state, List<BotApiCall> calls, String preview, String display) {
        List<OutboundEntry> sends = new ArrayList<>();
        long seq = state.context.chatSeq();
        long now = now();
        long first = seq + 1;
        for (int i = 0; i < calls.size(); i++) {
            seq++;
            sends.add(new OutboundEntry(caller.botId(), state.dialog.dialogId(), seq, Long.toString(state.dialog.chatId()),
                    "operator", caller.operatorId(), calls.get(i), preview, i == 0 ? display : "{\"continues\":" + first + "}",
                    now, OutboundEntry.Status.QUEUED, 0, null, null));
        }
        return sends;
    }

    private void enqueue(List<OutboundEntry> sends) {
        if (!sends.isEmpty()) outbound.enqueue(sends.stream().<OutboundCommand>map(OutboundEntry::command).toList());
    }

    private static List<List<OutgoingMessage.InlineButton>> buttons(List<List<Button>> rows) {
        if (rows == null || rows.isEmpty()) return List.of();
        if (rows.size() > 10) throw ApiException.badRequest("buttons", "at most 10 rows of buttons");
        List<List<OutgoingMessage.InlineButton>> out = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            List<Button> row = rows.get(r);
            if (row == null || row.isEmpty() || row.size() > 8) throw ApiException.badRequest("buttons[" + r + "]", "1–8 buttons per row");
            List<OutgoingMessage.InlineButton> converted = new ArrayList<>();
            for (int c = 0; c < row.size(); c++) {
                Button b = row.get(c);
                String at = "buttons[" + r + "][" + c + "]";
                if (b == null || b.text() == null || b.text().isBlank() || b.text().length() > 64) {
                    throw ApiException.badRequest(at + ".text", "a button needs a text of 1–64 characters");
                }
                if ((b.url() == null) == (b.data() == null)) throw ApiException.badRequest(at, "give exactly one of url and data");
                if (b.url() != null) {
                    if (!b.url().matches("(?i)(https?|tg)://\\S{1,2000}")) throw ApiException.badRequest(at + ".url", "an http(s) or tg:// link");
                    converted.add(OutgoingMessage.InlineButton.link(b.text(), b.url()));
                } else {
                    int bytes = b.data().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                    if (bytes < 1 || bytes > 64) throw ApiException.badRequest(at + ".data", "1–64 bytes");
                    converted.add(OutgoingMessage.InlineButton.callback(b.text(), b.data()));
                }
            }
            out.add(converted);
        }
        return out;
    }

    // ================================================================ notes, takeover, give-back, assignment

    public Appended addNote(Caller caller, String dialogId, String text) {
        if (text == null || text.isBlank()) throw ApiException.badRequest("text", "write something");
        if (text.length() > MAX_TEXT) throw ApiException.badRequest("text", "at most " + MAX_TEXT + " characters");
        return withRetries(caller, dialogId, null, state -> {
            long seq = state.context.chatSeq() + 1;
            ObjectNode data = json.createObjectNode().put("text", text);
            data.putObject("by").put("id", caller.operatorId()).put("name", caller.name());
            InternalEntry note = new InternalEntry(seq, "note", "operator", caller.operatorId(), preview(text), Json.write(json, data));
            return new Decision<>(commitOf(caller, state, List.of(note), DialogChange.NONE, null), new Appended(seq));
        }, r -> {
        }, c -> {
        });
    }

    public Handling takeover(Caller caller, String dialogId) {
        return withRetries(caller, dialogId, null, state -> {
            DialogState d = state.dialog;
            if (!d.open()) throw ApiException.conflict("the dialog is closed");
            boolean assign = d.assignee() == null;
            if ("operator".equals(d.handler()) && !assign) return new Decision<>(null, new Handling("operator", d.assignee(), d.team(), null));
            String manager = assign ? caller.operatorId() : d.assignee();
            long seq = state.context.chatSeq() + 1;
            InternalEntry event = event(caller, seq, "takeover", "took over the dialog", Map.of("manager", manager));
            Commit commit = commitOf(caller, state, List.of(event), new DialogChange("operator", assign, d.team(), manager), null);
            return new Decision<>(commit, new Handling("operator", manager, d.team(), seq));
        }, r -> {
        }, c -> {
        });
    }

    public Handling giveBack(Caller caller, String dialogId) {
        ControlEnvelope[] resume = new ControlEnvelope[1];
        Handling result = withRetries(caller, dialogId, null, state -> {
            DialogState d = state.dialog;
            if (!d.open()) throw ApiException.conflict("the dialog is closed");
            if (!"operator".equals(d.handler())) throw ApiException.conflict("the bot already handles this dialog");
            long seq = state.context.chatSeq() + 1;
            InternalEntry event = event(caller, seq, "giveback", "gave the dialog back to the bot", Map.of());
            Commit commit = commitOf(caller, state, List.of(event), new DialogChange("bot", false, null, null), null);
            resume[0] = ControlEnvelope.resume(caller.botId(), d.chatId(), d.dialogId(), d.contactUserId(), "giveback-" + seq, now());
            return new Decision<>(commit, new Handling("bot", d.assignee(), d.team(), seq));
        }, r -> {
        }, c -> control.publish(resume[0]));
        return result;
    }

    /**
     * Sets the manager and/or the team ({@code setX} false: unchanged; a null value: none). Admins assign anything
     * that exists; agents only themselves and their own teams (403 otherwise), or clear either.
     */
    public Assignment assign(Caller caller, String dialogId, boolean setManager, String manager, boolean setTeam, String team) {
        if (!setManager && !setTeam) throw ApiException.badRequest("manager", "give manager and/or team");
        if (setManager && manager != null && !caller.isAdmin() && !manager.equals(caller.operatorId())) {
            throw ApiException.forbidden("agents may assign dialogs only to themselves");
        }
        if (setTeam && team != null && !caller.isAdmin() && !caller.teamIds().contains(team)) {
            throw ApiException.forbidden("agents may assign dialogs only to their own teams");
        }
        if (setManager && manager != null && !directory.operatorExists(caller.botId(), manager)) {
            throw ApiException.badRequest("manager", "no such operator");
        }
        if (setTeam && team != null && !directory.teamExists(caller.botId(), team)) {
            throw ApiException.badRequest("team", "no such team");
        }
        return withRetries(caller, dialogId, null, state -> {
            DialogState d = state.dialog;
            String newManager = setManager ? manager : d.assignee();
            String newTeam = setTeam ? team : d.team();
            if (java.util.Objects.equals(newManager, d.assignee()) && java.util.Objects.equals(newTeam, d.team())) {
                return new Decision<>(null, new Assignment(newManager, newTeam, null));
            }
            long seq = state.context.chatSeq() + 1;
            Map<String, String> details = new LinkedHashMap<>();
            if (newManager != null) details.put("manager", newManager);
            if (newTeam != null) details.put("team", newTeam);
            InternalEntry event = event(caller, seq, "assign", "changed the assignment", details);
            Commit commit = commitOf(caller, state, List.of(event), new DialogChange(null, true, newTeam, newManager), null);
            return new Decision<>(commit, new Assignment(newManager, newTeam, seq));
        }, r -> {
        }, c -> {
        });
    }

    // ================================================================ contact

    public ContactPanel contact(Caller caller, String dialogId) {
        DialogState d = visibleDialog(caller, dialogId);
        Contact c = d.contactUserId() == null ? null : store.context(caller.botId(), d, null).contact();
        List<FieldValue> values = new ArrayList<>();
        Map<String, String> other = new LinkedHashMap<>(c == null ? Map.of() : c.fields());
        for (ContactFieldDefinition def : fields.contactFields(caller.botId())) {
            values.add(new FieldValue(def.name(), def.label(), def.type().wire(), def.options(), other.remove(def.name())));
        }
        if (c == null) {
            return new ContactPanel(d.dialogId(), d.kind(), d.contactUserId(), null, null, null, null, false, false, values,
                    Map.of(), d.assignee(), d.team());
        }
        return new ContactPanel(d.dialogId(), d.kind(), c.userId(), c.firstName(), c.lastName(), c.username(), c.languageCode(),
                c.blocked(), c.botBlocked(), values, other, d.assignee(), d.team());
    }

    /** @param values field name → new value (null or "" clears it) */
    public ContactPanel setFields(Caller caller, String dialogId, Map<String, String> values) {
        DialogState d = visibleDialog(caller, dialogId);
        if (values == null || values.isEmpty()) throw ApiException.badRequest("fields", "give at least one field");
        Long userId = requireContact(d);
        Map<String, ContactFieldDefinition> defs = new LinkedHashMap<>();
        for (ContactFieldDefinition def : fields.contactFields(caller.botId())) defs.put(def.name(), def);
        Map<String, String> normalised = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            ContactFieldDefinition def = defs.get(name);
            if (def == null) throw ApiException.badRequest(name, "no such contact field");
            if (value == null || value.isEmpty()) {
                normalised.put(name, null);
                return;
            }
            try {
                normalised.put(name, fields.validate(def, value));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(name, e.getMessage() == null ? "not a valid value" : e.getMessage());
            }
        });
        store.setContactFields(caller.botId(), userId, normalised, now());
        return contact(caller, dialogId);
    }

    public ContactPanel block(Caller caller, String dialogId, boolean blocked) {
        DialogState visible = visibleDialog(caller, dialogId);
        long userId = requireContact(visible);
        withRetries(caller, dialogId, null, state -> {
            if (state.context.contact() == null) throw ApiException.conflict("the contact is not stored yet");
            if (state.context.contact().blocked() == blocked) return new Decision<>(null, Boolean.TRUE);
            long seq = state.context.chatSeq() + 1;
            InternalEntry event = event(caller, seq, blocked ? "block" : "unblock",
                    blocked ? "blocked the contact" : "unblocked the contact", Map.of());
            return new Decision<>(commitOf(caller, state, List.of(event), DialogChange.NONE,
                    new ContactChange(userId, blocked, caller.operatorId())), Boolean.TRUE);
        }, r -> {
        }, c -> {
        });
        return contact(caller, dialogId);
    }

    private static long requireContact(DialogState d) {
        if (d.contactUserId() == null) throw ApiException.conflict("only private dialogs have a contact");
        return d.contactUserId();
    }

    // ================================================================ files

    public List<FileInfo> files(Caller caller, String dialogId) {
        visibleDialog(caller, dialogId);
        List<FileInfo> out = new ArrayList<>();
        for (StoredEntry e : store.fileEntries(caller.botId(), dialogId)) {
            List<JsonNode> media = media(e);
            for (int i = 0; i < media.size(); i++) {
                JsonNode m = media.get(i);
                String kind = m.path("kind").asText("file").toLowerCase(Locale.ROOT);
                Long size = e.uploadSize() != null ? e.uploadSize() : m.hasNonNull("file_size") ? m.get("file_size").asLong() : null;
                out.add(new FileInfo(e.seq(), i, e.direction(), e.at(), kind,
                        e.uploadName() != null ? e.uploadName() : m.path("file_name").asText(defaultName(kind, e.seq(), m)),
                        e.uploadMime() != null ? e.uploadMime() : m.path("mime_type").asText(defaultMime(kind)), size));
            }
        }
        return out;
    }

    public Download download(Caller caller, String dialogId, long seq, int index) {
        visibleDialog(caller, dialogId);
        StoredEntry e = store.entry(caller.botId(), dialogId, seq);
        List<JsonNode> media = e == null ? List.of() : media(e);
        if (index < 0 || index >= media.size()) throw ApiException.notFound("file");
        JsonNode m = media.get(index);
        String kind = m.path("kind").asText("file").toLowerCase(Locale.ROOT);
        if (e.uploadKey() != null) {
            byte[] bytes = files.get(e.uploadKey());
            if (bytes == null) throw ApiException.notFound("file");
            return new Download(e.uploadMime(), e.uploadName(), bytes);
        }
        String name = m.path("file_name").asText(defaultName(kind, seq, m));
        String mime = m.path("mime_type").asText(defaultMime(kind));
        if (m.path("file_size").asLong(0) > MAX_FILE_BYTES) throw tooLargeToDownload();
        String fileId = m.path("file_id").asText(null);
        if (fileId == null) throw ApiException.notFound("file");
        try {
            TelegramFile file = telegram.getFile(fileId);
            if (file.fileSize() != null && file.fileSize() > MAX_FILE_BYTES) throw tooLargeToDownload();
            if (file.filePath() == null) throw new ApiException(502, "upstream", "Telegram did not give the file", null);
            return new Download(mime, name, telegram.downloadFile(file.filePath(), MAX_FILE_BYTES));
        } catch (TelegramApiException ex) {
            if (ex.description() != null && ex.description().contains("file is too big")) throw tooLargeToDownload();
            throw new ApiException(502, "upstream", "Telegram did not give the file (" + ex.errorCode() + ")", null);
        } catch (TelegramException ex) {
            if (ex.getMessage() != null && ex.getMessage().contains("larger than")) throw tooLargeToDownload();
            throw new ApiException(502, "upstream", "Telegram did not give the file; try again", null);
        }
    }

    private static ApiException tooLargeToDownload() {
        return ApiException.tooLarge("files over " + MAX_FILE_BYTES / (1024 * 1024) + " MB cannot be downloaded through the API");
    }

    /** The media of an entry's data: inbound entries have a list, outgoing ones one object. */
    private List<JsonNode> media(StoredEntry e) {
        if (e.dataJson() == null) return List.of();
        JsonNode data;
        try {
            data = json.readTree(e.dataJson());
        } catch (IOException unreadable) {
            return List.of();
        }
        JsonNode media = data.path("media");
        List<JsonNode> list = new ArrayList<>();
        if (media.isArray()) media.forEach(list::add);
        else if (media.isObject()) list.add(media);
        return list;
    }

    private static String defaultName(String kind, long seq, JsonNode m) {
        return kind + "_" + seq + (kind.equals("photo") ? ".jpg" : "");
    }

    private static String defaultMime(String kind) {
        return switch (kind) {
            case "photo" -> "image/jpeg";
            case "voice" -> "audio/ogg";
            case "video", "video_note", "animation" -> "video/mp4";
            case "sticker" -> "image/webp";
            default -> "application/octet-stream";
        };
    }

    // ================================================================ plumbing

    private record State(DialogState dialog, Context context) {
    }

    /** What an action decided: the commit (null: nothing to write) and the answer. */
    private record Decision<R>(Commit commit, R result) {
    }

    @FunctionalInterface
    private interface Decide<R> {
        Decision<R> decide(State state);
    }

    /**
     * Reads, decides, commits; on a conflict (the chat or dialog changed meanwhile) reads and decides again.
     * {@code afterCommit} runs only when something was written, {@code noWrite} when the decision wrote nothing.
     */
    private <R> R withRetries(Caller caller, String dialogId, String clientId, Decide<R> decide,
                              java.util.function.Consumer<R> noWrite, java.util.function.Consumer<Commit> afterCommit) {
        for (int attempt = 1; ; attempt++) {
            DialogState dialog = visibleDialog(caller, dialogId);
            State state = new State(dialog, store.context(caller.botId(), dialog, clientId));
            Decision<R> decision = decide.decide(state);
            if (decision.commit() == null) {
                noWrite.accept(decision.result());
                return decision.result();
            }
            if (store.commit(decision.commit()) == ActionsStore.Outcome.COMMITTED) {
                afterCommit.accept(decision.commit());
                return decision.result();
            }
            if (attempt >= MAX_ATTEMPTS) throw ApiException.conflict("the dialog keeps changing; try again");
        }
    }

    private DialogState visibleDialog(Caller caller, String dialogId) {
        DialogState d = dialogId == null || dialogId.isBlank() ? null : store.dialog(caller.botId(), dialogId);
        if (d == null || !visibility.canSee(caller, d.team(), d.assignee())) throw ApiException.notFound("dialog");
        return d;
    }

    private Commit commitOf(Caller caller, State state, List<InternalEntry> entries, DialogChange change, ContactChange contact) {
        return new Commit(caller.botId(), state.dialog, state.context.chatVersion(), now(), List.of(), entries, change, contact, null);
    }

    private InternalEntry event(Caller caller, long seq, String action, String text, Map<String, String> details) {
        ObjectNode data = json.createObjectNode().put("event", action);
        data.putObject("by").put("id", caller.operatorId()).put("name", caller.name());
        details.forEach(data::put);
        String who = caller.name() == null ? "An operator" : caller.name();
        return new InternalEntry(seq, "event", "operator", caller.operatorId(), preview(who + " " + text), Json.write(json, data));
    }

    private static String preview(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= TelegramRequests.PREVIEW_LENGTH ? flat : flat.substring(0, TelegramRequests.PREVIEW_LENGTH - 1) + "…";
    }

    private String randomId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
        return ext.matches("\\.[a-z0-9]{1,8}") ? ext : "";
    }

    private long now() {
        return clock.millis();
    }
}
