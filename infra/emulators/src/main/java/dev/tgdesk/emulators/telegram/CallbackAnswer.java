package dev.tgdesk.emulators.telegram;

import java.time.Instant;

/** A bot's {@code answerCallbackQuery}; {@code text} and {@code url} may be null. */
public record CallbackAnswer(long botId, String callbackQueryId, String text, boolean showAlert, String url,
        Instant answeredAt) {
}
