package dev.tgdesk.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.inbox.InboundEnvelope;
import dev.tgdesk.storage.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** What a {@link LocalRuntime} stored, read straight from its emulators, and waiting for it. */
final class Stored implements AutoCloseable {

    static final ObjectMapper JSON = Json.mapper();

    final DynamoDbClient dynamoDb;
    final SqsClient sqs;
    final String table;
    final String queueUrl;
    final String botId;

    Stored(LocalRuntime local) {
        this.dynamoDb = local.aws().dynamoDb();
        this.sqs = local.aws().sqs();
        this.table = local.tableName();
        this.queueUrl = local.queueUrl();
        this.botId = local.botId();
    }

    Map<String, AttributeValue> item(String pk, String sk) {
        var item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(Keys.PK, AttributeValue.fromS(pk), Keys.SK, AttributeValue.fromS(sk)))).item();
        return item == null ? Map.of() : item;
    }

    Map<String, AttributeValue> chat(long chatId) {
        return item(Keys.chat(botId, chatId), Keys.CHAT_SK);
    }

    /** The chat's active dialog id, or null while the chat (or its dialog) is not stored. */
    String activeDialogId(long chatId) {
        AttributeValue id = chat(chatId).get("activeDialogId");
        return id == null ? null : id.s();
    }

    Map<String, AttributeValue> dialog(String dialogId) {
        return item(Keys.dialog(botId, dialogId), Keys.DIALOG_SK);
    }

    Map<String, AttributeValue> updateMarker(long updateId) {
        return item(Keys.update(botId, updateId), Keys.UPDATE_SK);
    }

    /** History entries of a dialog, oldest first. */
    List<Map<String, AttributeValue>> entries(String dialogId) {
        return dynamoDb.query(q -> q.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :m)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.dialog(botId, dialogId)),
                        ":m", AttributeValue.fromS("MSG#")))).items();
    }

    /** The history of a private chat (its active dialog), empty while nothing is stored. */
    List<Map<String, AttributeValue>> history(long chatId) {
        String dialogId = activeDialogId(chatId);
        return dialogId == null ? List.of() : entries(dialogId);
    }

    /** The texts of the chat's history entries, oldest first. */
    List<String> texts(long chatId) {
        return history(chatId).stream().map(e -> {
            try {
                return JSON.readTree(e.get("data").s()).path("text").asText(null);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }).toList();
    }

    List<Map<String, AttributeValue>> awaitHistory(long chatId, int size) {
        await("chat " + chatId + " has " + size + " history entries", Duration.ofSeconds(30),
                () -> history(chatId).size() >= size, () -> "history: " + texts(chatId));
        return history(chatId);
    }

    void purgeQueue() {
        sqs.purgeQueue(b -> b.queueUrl(queueUrl));
    }

    /**
     * Receives (and deletes) every envelope in the queue until {@code expected} of the chat's have arrived,
     * then checks once more for extras; returns the chat's, in queue order.
     */
    List<InboundEnvelope> drainEnvelopes(long chatId, int expected) {
        String group = Long.toString(chatId);
        List<InboundEnvelope> out = new ArrayList<>();
        int emptyPolls = 0;
        while (emptyPolls < (out.size() >= expected ? 1 : 10)) {
            boolean enough = out.size() >= expected;
            var batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(enough ? 0 : 1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (batch.isEmpty()) {
                emptyPolls++;
                continue;
            }
            for (Message m : batch) {
                sqs.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                if (group.equals(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))) {
                    try {
                        out.add(JSON.readValue(m.body(), InboundEnvelope.class));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        dynamoDb.close();
        sqs.close();
    }

    // ---------------------------------------------------------------- helpers

    static com.fasterxml.jackson.databind.JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(what, timeout, condition, () -> "");
    }

    static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting until " + what + "; " + state.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting until " + what);
            }
        }
    }

    /** The repository root: the directory holding {@code template.yaml}. */
    static Path repoRoot() {
        return TemplateResources.locateTemplate().getParent();
    }

    /** A table/queue name prefix no other test class or run uses. */
    static String uniquePrefix(String name) {
        return "lrt-" + name + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-";
    }
}
