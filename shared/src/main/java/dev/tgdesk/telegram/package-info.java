/**
 * A thin Telegram Bot API client on {@code java.net.http} and Jackson records.
 *
 * <p>{@link dev.tgdesk.telegram.TelegramClient} covers the methods the product uses so far plus a
 * generic {@code call(method, params, resultType)}. Errors are unchecked
 * {@link dev.tgdesk.telegram.TelegramException}s, classified by
 * {@link dev.tgdesk.telegram.TelegramErrorKind}. The bot token never appears in messages,
 * {@code toString()} or exception causes.
 */
package dev.tgdesk.telegram;
