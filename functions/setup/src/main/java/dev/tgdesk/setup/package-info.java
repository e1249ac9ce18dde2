/**
 * functions/setup: the CloudFormation custom resource {@code Custom::TelegramWebhook} — registers the stack's webhook
 * with Telegram (secret token, allowed updates) on Create/Update, removes it on Delete when it is still ours, and
 * always answers CloudFormation.
 */
package dev.tgdesk.setup;
