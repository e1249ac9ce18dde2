package dev.tgdesk.storage;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import static dev.tgdesk.storage.Attrs.s;

/**
 * The index keys a dialog item carries, from its kind, status, team, manager and times — one place, so
 * the webhook, the operator API and auto-close keep the indexes consistent:
 *
 * <pre>
 * ByStatus   gsi1pk = B#{bot}#{kind}#{status}                 gsi1sk = {lastActivity:013}#{id}
 * ByTeam     gsi2pk = B#{bot}#T#{team}#{kind}#{status}        gsi2sk = same as gsi1sk   (only with a team)
 * ByAssignee gsi3pk = B#{bot}#A#{manager|none}#{kind}#{status} gsi3sk = same as gsi1sk  (manager, or neither)
 * ByCreated  gsi1pk                                             gsi4sk = {openedAt:013}#{id}
 * </pre>
 */
public final class DialogIndex {

    private DialogIndex() {
    }

    /** Attributes to SET; {@link #removed} lists the ones to REMOVE (a partition the dialog is no longer in). */
    public static Map<String, AttributeValue> keys(String botId, String dialogId, String kind, String status, String team,
                                                   String manager, long lastActivityMillis, long openedAtMillis) {
        Map<String, AttributeValue> keys = new LinkedHashMap<>();
        String activity = Keys.activitySort(lastActivityMillis, dialogId);
        keys.put("gsi1pk", s(Keys.statusPartition(botId, kind, status)));
        keys.put("gsi1sk", s(activity));
        if (team != null) {
            keys.put("gsi2pk", s(Keys.teamPartition(botId, team, kind, status)));
            keys.put("gsi2sk", s(activity));
        }
        if (manager != null || team == null) {
            keys.put("gsi3pk", s(Keys.assigneePartition(botId, manager == null ? Keys.UNASSIGNED : manager, kind, status)));
            keys.put("gsi3sk", s(activity));
        }
        keys.put("gsi4sk", s(Keys.activitySort(openedAtMillis, dialogId)));
        return keys;
    }

    public static List<String> removed(String team, String manager) {
        List<String> gone = new java.util.ArrayList<>();
        if (team == null) gone.addAll(List.of("gsi2pk", "gsi2sk"));
        if (manager == null && team != null) gone.addAll(List.of("gsi3pk", "gsi3sk"));
        return gone;
    }

}
