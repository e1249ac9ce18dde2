package dev.tgdesk.domain;

/**
 * An inline-button press. {@code chat}/{@code messageId} are absent when the button was on an inline-mode
 * message (then only {@code inlineMessageId} identifies it).
 */
public record CallbackQuery(
        String id,
        TelegramUser from,
        TelegramChat chat,
        Long messageId,
        String inlineMessageId,
        String chatInstance,
        String data) {
}
