package dev.tgdesk.scenario;

import dev.tgdesk.domain.DialogKind;

/**
 * @param newDialog      this event opened the dialog (first message)
 * @param operatorActive an operator handles the dialog; the bot stays quiet
 */
public record DialogView(String dialogId, long chatId, DialogKind kind, boolean newDialog, boolean operatorActive) {
}
