package dev.tgdesk.realtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.observability.Metrics;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.inbox.DialogRecord;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/**
 * What happens to one batch of table changes (the stream consumer's whole job):
 * <ol>
 * <li>operator account changes update the snapshots of their connections (a disabled operator, or one whose tokens
 *     were revoked, is disconnected);</li>
 * <li>{@link EventPlanner} turns the changes into events; the {@link EventJournal} numbers them per dialog (once,
 *     however often the batch is delivered);</li>
 * <li>every live connection gets, in as few frames as fit under 32 KB, the events of the dialogs its operator may see
 *     now ({@link Visibility}, the REST API's rule) — and a {@code dialog.hidden} notice for a dialog it could see
 *     before the batch but not after; a connection API Gateway reports gone (410) is deleted;</li>
 * <li>all events go to the customer's {@link EventBus}.</li>
 * </ol>
 * A push that fails otherwise is counted and skipped: the client notices the gap in {@code seq} and catches up over
 * REST. A journal or event-bus failure throws, so the batch is delivered again (which repeats pushes; clients ignore
 * a {@code seq} they have).
 */
public final class RealtimePublisher {

    /** Events are cut to this size so that one always fits a frame with the envelope. */
    static final int MAX_EVENT_BYTES = 24 * 1024;
    private static final byte[] FRAME_START = "{\"type\":\"events\",\"events\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FRAME_END = "]}".getBytes(StandardCharsets.UTF_8);

    public record Result(int events, int connections, int frames, int delivered, int gone, int failed) {
    }

    private final EventJournal journal;
    private final ConnectionStore connections;
    private final PushGateway push;
    private final EventBus bus;
    private final DialogDirectory dialogs;
    private final Visibility visibility;
    private final Metrics metrics;
    private final LongSupplier clock;
    private final ExecutorService pushes;
    private final ObjectMapper json = Json.mapper();

    /** @param pushes runs the posts to different connections side by side (null: one after another) */
    public RealtimePublisher(EventJournal journal, ConnectionStore connections, PushGateway push, EventBus bus,
                             DialogDirectory dialogs, Visibility visibility, Metrics metrics, LongSupplier clock,
                             ExecutorService pushes) {
        this.journal = journal;
        this.connections = connections;
        this.push = push;
        this.bus = bus;
        this.dialogs = dialogs;
        this.visibility = visibility;
        this.metrics = metrics;
        this.clock = clock;
        this.pushes = pushes;
    }

    public Result publish(String botId, List<Change> changes) {
        List<Change.OperatorChanged> accountChanges = new ArrayList<>();
        Set<Long> contacts = new HashSet<>();
        for (Change c : changes) {
            if (c instanceof Change.OperatorChanged o) accountChanges.add(o);
            if (c instanceof Change.ContactChanged cc && cc.after() != null) contacts.add(cc.after().userId());
        }
        Map<Long, String> contactDialogs = contacts.isEmpty() ? Map.of() : dialogs.privateDialogs(botId, contacts);
        List<EventDraft> drafts = EventPlanner.plan(changes, contactDialogs);

        List<Connection> live = accountChanges.isEmpty() && drafts.isEmpty() ? List.of()
                : connections.connections(botId, clock.getAsLong());
        live = applyAccountChanges(botId, live, accountChanges);
        if (drafts.isEmpty()) return new Result(0, live.size(), 0, 0, 0, 0);

        Map<String, List<EventDraft>> byDialog = new LinkedHashMap<>();
        for (EventDraft d : drafts) byDialog.computeIfAbsent(d.dialogId(), k -> new ArrayList<>()).add(d);
        List<DialogEvent> events = new ArrayList<>();
        for (List<DialogEvent> numbered : journal.append(botId, byDialog).values()) events.addAll(numbered);

        Result result = new Result(events.size(), live.size(), 0, 0, 0, 0);
        if (!live.isEmpty()) result = fanOut(botId, changes, events, live);
        bus.publish(botId, events);
        metrics.count("RealtimeEvents", events.size());
        return result;
    }

    // ---- who gets what ----

    private Result fanOut(String botId, List<Change> changes, List<DialogEvent> events, List<Connection> live) {
        Map<String, DialogRecord> before = new HashMap<>();
        Map<String, DialogRecord> now = new HashMap<>();
        for (Change c : changes) {
            if (c instanceof Change.DialogChanged d && d.after() != null) {
                before.putIfAbsent(d.after().dialogId(), d.before());
                now.put(d.after().dialogId(), d.after());
            }
        }
        Set<String> unknown = new HashSet<>();
        for (DialogEvent e : events) if (!now.containsKey(e.dialogId())) unknown.add(e.dialogId());
        if (!unknown.isEmpty()) now.putAll(dialogs.dialogs(botId, unknown));

        List<byte[]> encoded = events.stream().map(this::encode).toList();
        List<Future<int[]>> posts = new ArrayList<>();
        List<int[]> done = new ArrayList<>();
        for (Connection connection : live) {
            List<byte[]> mine = new ArrayList<>();
            Set<String> hidden = new HashSet<>();
            for (int i = 0; i < events.size(); i++) {
                DialogEvent e = events.get(i);
                DialogRecord d = now.get(e.dialogId());
                if (d != null && visibility.canSee(connection.caller(), d.team(), d.assignee())) {
                    mine.add(encoded.get(i));
                } else if (d != null && before.get(e.dialogId()) != null && hidden.add(e.dialogId())) {
                    DialogRecord was = before.get(e.dialogId());
                    if (visibility.canSee(connection.caller(), was.team(), was.assignee())) {
                        mine.add(encode(new DialogEvent(null, DialogEvent.DIALOG_HIDDEN, e.dialogId(), e.seq(), e.at(),
                                null, null, null, null, null)));
                    }
                }
            }
            if (mine.isEmpty()) continue;
            List<byte[]> frames = frames(mine);
            if (pushes == null) done.add(send(botId, connection, frames));
            else posts.add(pushes.submit(() -> send(botId, connection, frames)));
        }
        for (Future<int[]> f : posts) {
            try {
                done.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pushing", e);
            } catch (java.util.concurrent.ExecutionException e) {
                done.add(new int[]{0, 0, 0, 1});
            }
        }
        int frames = 0, delivered = 0, gone = 0, failed = 0;
        for (int[] r : done) {
            frames += r[0];
            delivered += r[1];
            gone += r[2];
            failed += r[3];
        }
        if (gone > 0) metrics.count("RealtimeConnectionsGone", gone);
        if (failed > 0) metrics.count("RealtimePushFailed", failed);
        metrics.count("RealtimeFrames", frames);
        return new Result(events.size(), live.size(), frames, delivered, gone, failed);
    }

    /** Posts the frames to one connection; stops at the first answer that it is gone. Returns {frames, delivered, gone, failed}. */
    private int[] send(String botId, Connection connection, List<byte[]> frames) {
        int delivered = 0, failed = 0;
        for (byte[] frame : frames) {
            switch (push.post(connection.connectionId(), frame)) {
                case DELIVERED -> delivered++;
                case FAILED -> failed++;
                case GONE -> {
                    connections.delete(botId, connection.connectionId());
                    return new int[]{frames.size(), delivered, 1, failed};
                }
            }
        }
        return new int[]{frames.size(), delivered, 0, failed};
    }

    private List<Connection> applyAccountChanges(String botId, List<Connection> live, List<Change.OperatorChanged> accountChanges) {
        if (accountChanges.isEmpty()) return live;
        Map<String, Change.OperatorAccess> latest = new HashMap<>();
        for (Change.OperatorChanged c : accountChanges) latest.put(c.operatorId(), c.after());
        List<Connection> kept = new ArrayList<>();
        for (Connection c : live) {
            if (!latest.containsKey(c.operatorId())) {
                kept.add(c);
                continue;
            }
            Change.OperatorAccess access = latest.get(c.operatorId());
            if (access == null || access.disabled() || access.tokenVersion() != c.tokenVersion()) {
                push.disconnect(c.connectionId());
                connections.delete(botId, c.connectionId());
                metrics.count("RealtimeConnectionsRevoked");
            } else if (!access.role().equals(c.role()) || !access.teamIds().equals(c.teamIds())) {
                Connection updated = c.withAccess(access);
                connections.update(updated);
                kept.add(updated);
            } else {
                kept.add(c);
            }
        }
        return kept;
    }

    // ---- the wire ----

    /** One event as JSON, cut (content first, then everything but the reference) to {@link #MAX_EVENT_BYTES}. */
    byte[] encode(DialogEvent event) {
        byte[] bytes = Json.write(json, event).getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_EVENT_BYTES) return bytes;
        bytes = Json.write(json, event.withoutContent()).getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_EVENT_BYTES) return bytes;
        return Json.write(json, event.reference()).getBytes(StandardCharsets.UTF_8);
    }

    /** Packs encoded events, in order, into {@code {"type":"events","events":[…]}} frames of at most 32 KB. */
    static List<byte[]> frames(List<byte[]> events) {
        List<byte[]> frames = new ArrayList<>();
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        int count = 0;
        for (byte[] e : events) {
            int size = FRAME_START.length + frame.size() + 1 + e.length + FRAME_END.length;
            if (count > 0 && size > PushGateway.MAX_FRAME_BYTES) {
                frames.add(close(frame));
                frame.reset();
                count = 0;
            }
            if (count > 0) frame.write(',');
            frame.writeBytes(e);
            count++;
        }
        if (count > 0) frames.add(close(frame));
        return frames;
    }

    private static byte[] close(ByteArrayOutputStream body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(FRAME_START.length + body.size() + FRAME_END.length);
        out.writeBytes(FRAME_START);
        out.writeBytes(body.toByteArray());
        out.writeBytes(FRAME_END);
        return out.toByteArray();
    }
}
