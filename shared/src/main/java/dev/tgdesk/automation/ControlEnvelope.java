package dev.tgdesk.automation;

/**
 * A non-Telegram event for a dialog's scenario, carried on the inbound FIFO queue in the chat's group so it
 * is serialised with the chat's updates: a {@code timer} (a delay node's wait is over) or a {@code resume}
 * (an operator gave the dialog back to the bot).
 *
 * @param token timer token the run waits for; for resume, a unique id of the give-back
 * @param at    when the timer is due, or when the dialog was given back (epoch ms)
 */
public record ControlEnvelope(int v, String kind, String botId, long chatId, String dialogId, Long userId, String token, long at) {

    public static final String TIMER = "timer";
    public static final String RESUME = "resume";

    public static ControlEnvelope timer(String botId, long chatId, String dialogId, Long userId, String token, long fireAt) {
        return new ControlEnvelope(1, TIMER, botId, chatId, dialogId, userId, token, fireAt);
    }

    public static ControlEnvelope resume(String botId, long chatId, String dialogId, Long userId, String token, long at) {
        return new ControlEnvelope(1, RESUME, botId, chatId, dialogId, userId, token, at);
    }

    public String messageGroupId() {
        return Long.toString(chatId);
    }

    /** FIFO dedup: the same timer fired twice (SQS delay + a retry, or the scheduler's at-least-once) counts once. */
    public String deduplicationId() {
        String id = kind + "-" + dialogId + "-" + token;
        // FIFO dedup ids are at most 128 characters
        return id.length() <= 128 ? id : kind + "-" + Integer.toHexString(id.hashCode()) + "-" + id.substring(id.length() - 100);
    }

    /** The event id the run remembers, so a repeated delivery does not run a step twice. */
    public String eventId() {
        return (TIMER.equals(kind) ? "t:" : "r:") + token;
    }
}
