package dev.tgdesk.storage;

import dev.tgdesk.operator.inbox.DialogRecord;
import dev.tgdesk.realtime.DialogDirectory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.tgdesk.storage.Attrs.key;
import static dev.tgdesk.storage.Attrs.num;
import static dev.tgdesk.storage.Attrs.str;

/** Dialog and private-chat reads for the real-time side: one {@code BatchGetItem} each. */
public final class DynamoDialogDirectory implements DialogDirectory {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDialogDirectory(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Map<String, DialogRecord> dialogs(String botId, Collection<String> dialogIds) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String id : dialogIds) keys.add(key(Keys.dialog(botId, id), Keys.DIALOG_SK));
        Map<String, DialogRecord> out = new HashMap<>();
        for (var item : BatchReads.get(dynamo, table, keys, true).values()) {
            DialogRecord d = InboxItems.dialog(item, null);
            out.put(d.dialogId(), d);
        }
        return out;
    }

    @Override
    public Map<Long, String> privateDialogs(String botId, Collection<Long> userIds) {
        // a private chat's id is the user's id
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (long id : userIds) keys.add(key(Keys.chat(botId, id), Keys.CHAT_SK));
        Map<Long, String> out = new HashMap<>();
        for (var item : BatchReads.get(dynamo, table, keys, false).values()) {
            String dialog = str(item, "activeDialogId") != null ? str(item, "activeDialogId") : str(item, "lastDialogId");
            if (dialog != null) out.put(num(item, "chatId", 0), dialog);
        }
        return out;
    }
}
