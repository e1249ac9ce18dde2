/** The bot's standing with Telegram, for admins: the webhook status endpoint ({@code GET /api/admin/telegram}). */
package dev.tgdesk.operator.telegram;
