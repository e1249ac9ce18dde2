package dev.tgdesk.storage;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** BatchGetItem on one table, the way every store needs it: chunks of 100 keys, unprocessed keys asked again. */
final class BatchReads {

    static final int MAX_KEYS = 100;

    private BatchReads() {
    }

    /** The items found, by {@link #id(String, String)}; keys without an item are simply absent. */
    static Map<String, Map<String, AttributeValue>> get(DynamoDbClient dynamo, String table,
                                                        List<Map<String, AttributeValue>> keys, boolean consistent) {
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        for (int from = 0; from < keys.size(); from += MAX_KEYS) {
            Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(keys.size(), from + MAX_KEYS))).consistentRead(consistent).build());
            // BatchGetItem may leave keys unprocessed under throttling: ask again for those.
            while (pending != null && !pending.isEmpty()) {
                Map<String, KeysAndAttributes> request = pending;
                BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(request));
                for (var item : response.responses().getOrDefault(table, List.of())) {
                    found.put(id(item.get(Keys.PK).s(), item.get(Keys.SK).s()), item);
                }
                pending = response.hasUnprocessedKeys() && !response.unprocessedKeys().isEmpty() ? response.unprocessedKeys() : null;
            }
        }
        return found;
    }

    static String id(String pk, String sk) {
        return pk + "|" + sk;
    }
}
