package dev.tgdesk.outbound;

/**
 * A message the bot sends, as stored in its dialog's history (pk {@code B#{bot}#DLG#{dialogId}}, sk
 * {@code MSG#{seq}}, attributes in {@code storage.OutboundItems}). It is written with status
 * {@link Status#QUEUED} in the same transaction as whatever decided to send it; the sender moves it on.
 *
 * @param chatId    Bot API chat_id the call goes to (number or {@code @username}); not always the dialog's
 *                  chat (a "Write to chat" node posts elsewhere and records the send in the dialog that ran it)
 * @param author    {@code scenario}, {@code operator} or {@code system}
 * @param authorRef who exactly: {@code scenarioId@version/nodeId}, or the operator id (never shown to the client)
 * @param call      the Bot API call without chat_id
 * @param dataJson  the content for display (text, media, buttons), like inbound entries' {@code data}
 */
public record OutboundEntry(
        String botId,
        String dialogId,
        long seq,
        String chatId,
        String author,
        String authorRef,
        BotApiCall call,
        String preview,
        String dataJson,
        long at,
        Status status,
        int attempts,
        Long telegramMessageId,
        Failure failure) {

    public enum Status {
        QUEUED, SENDING, SENT, FAILED;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Status fromKey(String key) {
            return valueOf(key.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * Why a send failed, for operators and the scenario run log. {@code kind} is the {@code
     * TelegramErrorKind} name (or {@code TRANSPORT}, {@code UNCERTAIN}, {@code EXPIRED}).
     */
    public record Failure(String kind, Integer errorCode, String description) {
    }

    public OutboundCommand.Send command() {
        return new OutboundCommand.Send(botId, chatId, dialogId, seq);
    }
}
