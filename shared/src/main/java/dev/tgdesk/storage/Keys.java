package dev.tgdesk.storage;

/**
 * The single table's key layout. Every partition key starts with the bot id, so one deployment can
 * serve several bots without migrating data.
 *
 * <pre>
 * pk                         sk              item
 * B#{bot}#CHAT#{chatId}      CHAT            chat: active dialog, entry sequence, bot membership
 * B#{bot}#USER#{userId}      PROFILE         contact: Telegram profile, blocked flags
 * B#{bot}#DLG#{dialogId}     DIALOG          dialog: status, last activity, preview (+ GSI keys)
 * B#{bot}#DLG#{dialogId}     MSG#{seq:012}   history entry (LSI ByTelegramId on tgid)
 * B#{bot}#UPD#{updateId}     UPDATE          "update seen" marker with its envelope (TTL 8 days)
 * B#{bot}#DLG#{dialogId}     RUN             scenario run state of the dialog (+ recent event ids, outbox)
 * B#{bot}#DLG#{dialogId}     LOG#{at:013}#{n:03}  scenario run log line (node, what happened, send failures)
 * B#{bot}#SCN#{scenarioId}   V#{version:06}  one stored scenario version (the JSON document)
 * B#{bot}#SCN#{scenarioId}   LATEST          highest version number of that scenario
 * B#{bot}#SCENARIOS          SCN#{scenarioId}  the scenario list: name, latest version, created/updated at
 * B#{bot}#BIND               PRIVATE | CHAT#{chatId}  which scenario version runs in private chats / a group
 * B#{bot}#PACE#{chatId}      PACE            recent send times to one chat (sender pacing)
 * B#{bot}#RATE               {epochSecond}   sends reserved in that second, across senders (TTL)
 * </pre>
 */
public final class Keys {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String CHAT_SK = "CHAT";
    public static final String PROFILE_SK = "PROFILE";
    public static final String DIALOG_SK = "DIALOG";
    public static final String UPDATE_SK = "UPDATE";
    public static final String RUN_SK = "RUN";
    public static final String PACE_SK = "PACE";
    public static final String LATEST_SK = "LATEST";
    public static final String BIND_PRIVATE_SK = "PRIVATE";

    public static final String BY_STATUS_INDEX = "ByStatus";
    public static final String BY_TEAM_INDEX = "ByTeam";
    public static final String BY_ASSIGNEE_INDEX = "ByAssignee";
    public static final String BY_CREATED_INDEX = "ByCreated";
    /** The assignee partition of dialogs with neither a manager nor a team: the unassigned pool. */
    public static final String UNASSIGNED = "none";
    public static final String BY_TELEGRAM_ID_INDEX = "ByTelegramId";

    private Keys() {
    }

    public static String chat(String botId, long chatId) {
        return "B#" + botId + "#CHAT#" + chatId;
    }

    public static String contact(String botId, long userId) {
        return "B#" + botId + "#USER#" + userId;
    }

    public static String dialog(String botId, String dialogId) {
        return "B#" + botId + "#DLG#" + dialogId;
    }

    public static String update(String botId, long updateId) {
        return "B#" + botId + "#UPD#" + updateId;
    }

    public static String scenario(String botId, String scenarioId) {
        return "B#" + botId + "#SCN#" + scenarioId;
    }

    public static String scenarioVersion(long version) {
        return String.format("V#%06d", version);
    }

    /** The partition listing every stored scenario of a bot (one item per scenario). */
    public static String scenarioList(String botId) {
        return "B#" + botId + "#SCENARIOS";
    }

    public static String scenarioListEntry(String scenarioId) {
        return "SCN#" + scenarioId;
    }

    public static String bindings(String botId) {
        return "B#" + botId + "#BIND";
    }

    public static String chatBinding(long chatId) {
        return "CHAT#" + chatId;
    }

    public static String pace(String botId, String chatId) {
        return "B#" + botId + "#PACE#" + chatId;
    }

    public static String rate(String botId) {
        return "B#" + botId + "#RATE";
    }

    public static String runLog(long atMillis, int n) {
        return String.format("LOG#%013d#%03d", atMillis, n);
    }

    public static String entry(long seq) {
        return "MSG#" + pad(seq);
    }

    public static long entrySeq(String sk) {
        return Long.parseLong(sk.substring("MSG#".length()));
    }

    public static String telegramId(long messageId) {
        return pad(messageId);
    }

    /** Dialogs of one bot, kind and status, sorted by last activity (index ByStatus). */
    public static String statusPartition(String botId, String kind, String status) {
        return "B#" + botId + "#" + kind + "#" + status;
    }

    /** Dialogs of one team, kind and status by last activity (index ByTeam; only dialogs with a team). */
    public static String teamPartition(String botId, String teamId, String kind, String status) {
        return "B#" + botId + "#T#" + teamId + "#" + kind + "#" + status;
    }

    /**
     * Dialogs of one manager, kind and status by last activity (index ByAssignee); {@link #UNASSIGNED} holds the
     * dialogs with neither manager nor team. A dialog with only a team is in no assignee partition.
     */
    public static String assigneePartition(String botId, String operatorId, String kind, String status) {
        return "B#" + botId + "#A#" + operatorId + "#" + kind + "#" + status;
    }

    public static String activitySort(long activityMillis, String dialogId) {
        return String.format("%013d#%s", activityMillis, dialogId);
    }

    private static String pad(long n) {
        return String.format("%012d", n);
    }
}
