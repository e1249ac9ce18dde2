package dev.tgdesk.operator.lifecycle;

import dev.tgdesk.scenario.RunState;

/**
 * Everything one close or reopen reads: the dialog, its chat (entry counter, optimistic-lock version, active
 * dialog), the contact's blocked flags (private dialogs) and the scenario run item. Parts other than the dialog
 * may be null when the item does not exist.
 */
public record CloseContext(DialogState dialog, Chat chat, Contact contact, Run run) {

    /** The chat item: {@code seq} entry counter, {@code version} optimistic lock. */
    public record Chat(long seq, long version, String activeDialogId, Long migratedToChatId) {
    }

    /** {@code blocked}: operators blocked the contact; {@code botBlocked}: the user blocked the bot. */
    public record Contact(boolean blocked, boolean botBlocked) {
    }

    /** The run item: its optimistic-lock {@code version} and state (null if the item has none). */
    public record Run(long version, RunState state) {
        public boolean ended() {
            return state == null || (state.isFinished() && state.waitFor() == null);
        }
    }
}
