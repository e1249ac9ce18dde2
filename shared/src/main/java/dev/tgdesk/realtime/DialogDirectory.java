package dev.tgdesk.realtime;

import dev.tgdesk.operator.inbox.DialogRecord;

import java.util.Collection;
import java.util.Map;

/** Reads of the inbox data the publisher needs besides the stream (port). */
public interface DialogDirectory {

    /** The dialogs, by id (missing ones left out). */
    Map<String, DialogRecord> dialogs(String botId, Collection<String> dialogIds);

    /** The private dialog of each contact — the active one, else the last one — by user id. */
    Map<Long, String> privateDialogs(String botId, Collection<Long> userIds);
}
