package dev.tgdesk.storage;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.List;

/** One TransactWriteItems whose only expected failure is a condition (or a concurrent transaction). */
final class Transactions {

    private Transactions() {
    }

    /**
     * @return true when written; false when a condition failed or another transaction held an item (read again
     * and decide again); any other cancellation reason is rethrown
     */
    static boolean write(DynamoDbClient dynamo, List<TransactWriteItem> writes) {
        try {
            dynamo.transactWriteItems(b -> b.transactItems(writes));
            return true;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            for (CancellationReason r : reasons) {
                String code = r.code();
                if (code != null && !code.equals("None") && !code.equals("ConditionalCheckFailed") && !code.equals("TransactionConflict")) throw e;
            }
            return false;
        }
    }
}
