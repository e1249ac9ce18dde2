package dev.tgdesk.bench;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * DynamoDB's published capacity rules applied to item images: what a read or write of these items costs in read
 * and write request units on an on-demand table, computed here because the local emulator (moto) does not report
 * real figures (it answers fixed placeholders: 1.0 per write call, 0.5 per GetItem, the number of keys for a
 * BatchGetItem, nothing for transactions).
 *
 * <ul>
 * <li><b>Item size</b>: the UTF-8 bytes of every attribute name plus its value: strings in UTF-8, numbers 1 byte per
 *     two significant digits + 1, binaries their length, booleans and nulls 1 byte, lists and maps 3 bytes plus their
 *     elements (map keys counted like attribute names), sets the sum of their elements
 *     (developer guide, "Item sizes and formats").</li>
 * <li><b>Writes</b>: 1 unit per started KB of the larger of the item's images before and after the write (a delete:
 *     the deleted item; a new item: its size); ×2 in {@code TransactWriteItems}, where a {@code ConditionCheck} is
 *     charged like a transactional write of the checked item.</li>
 * <li><b>Index writes</b> (each GSI and LSI, on the index entry = table keys + index keys + projected attributes):
 *     not in the index before or after: nothing; added: 1 per KB of the new entry; removed: 1 per KB of the old one;
 *     same index key, entry changed: 1 per KB of the larger entry; same entry: nothing; index key changed: the old
 *     entry's units (delete) + the new entry's (put). Index writes are not doubled in transactions.</li>
 * <li><b>Reads</b>: 4 KB per unit; a strongly consistent read 1 unit, eventually consistent ½, transactional 2. GetItem
 *     and each item of a BatchGetItem are rounded on their own (a missing item costs the minimum); a Query or Scan sums
 *     the sizes of every item it evaluated (before any filter, whatever the projection) and rounds once, minimum one
 *     unit. Sizes are always the whole stored item (or index entry), never the projection asked for.</li>
 * </ul>
 */
final class DynamoCapacity {

    static final int WRITE_UNIT_BYTES = 1024;
    static final int READ_UNIT_BYTES = 4096;

    /** A secondary index: its key attributes, projection type and (INCLUDE) non-key attributes. */
    record Index(String name, boolean global, List<String> keys, String projection, Set<String> nonKey) {
    }

    /** A table's primary key attributes and secondary indexes; {@code label} is its logical id in template.yaml. */
    record Schema(String label, String name, List<String> keys, List<Index> indexes) {

        Index index(String indexName) {
            for (Index i : indexes) if (i.name().equals(indexName)) return i;
            throw new IllegalArgumentException(name + " has no index " + indexName);
        }

        Map<String, AttributeValue> key(Map<String, AttributeValue> item) {
            Map<String, AttributeValue> key = new LinkedHashMap<>();
            for (String k : keys) key.put(k, item.get(k));
            return key;
        }
    }

    private DynamoCapacity() {
    }

    static Schema describe(DynamoDbClient dynamo, String label, String tableName) {
        TableDescription t = dynamo.describeTable(b -> b.tableName(tableName)).table();
        List<Index> indexes = new ArrayList<>();
        t.globalSecondaryIndexes().forEach(g -> indexes.add(index(g.indexName(), true, g.keySchema(), g.projection())));
        t.localSecondaryIndexes().forEach(l -> indexes.add(index(l.indexName(), false, l.keySchema(), l.projection())));
        return new Schema(label, tableName, keyNames(t.keySchema()), List.copyOf(indexes));
    }

    private static Index index(String name, boolean global, List<KeySchemaElement> keys, Projection p) {
        return new Index(name, global, keyNames(keys), p.projectionTypeAsString(), new TreeSet<>(p.nonKeyAttributes()));
    }

    private static List<String> keyNames(List<KeySchemaElement> keys) {
        List<String> out = new ArrayList<>();
        keys.stream().filter(k -> k.keyType() == KeyType.HASH).forEach(k -> out.add(k.attributeName()));
        keys.stream().filter(k -> k.keyType() == KeyType.RANGE).forEach(k -> out.add(k.attributeName()));
        return out;
    }

    // ------------------------------------------------------------------ sizes

    static long itemSize(Map<String, AttributeValue> item) {
        if (item == null) return 0;
        long size = 0;
        for (var e : item.entrySet()) size += utf8(e.getKey()) + valueSize(e.getValue());
        return size;
    }

    static long valueSize(AttributeValue v) {
        return switch (v.type()) {
            case S -> utf8(v.s());
            case N -> numberSize(v.n());
            case B -> v.b().asByteArrayUnsafe().length;
            case BOOL, NUL -> 1;
            case SS -> v.ss().stream().mapToLong(DynamoCapacity::utf8).sum();
            case NS -> v.ns().stream().mapToLong(DynamoCapacity::numberSize).sum();
            case BS -> v.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
            case L -> 3 + v.l().stream().mapToLong(DynamoCapacity::valueSize).sum();
            case M -> 3 + v.m().entrySet().stream().mapToLong(e -> utf8(e.getKey()) + valueSize(e.getValue())).sum();
            case UNKNOWN_TO_SDK_VERSION -> 0;
        };
    }

    /** 1 byte per two significant digits (leading and trailing zeros trimmed) + 1 byte. */
    static long numberSize(String n) {
        String s = n.strip();
        if (s.startsWith("-") || s.startsWith("+")) s = s.substring(1);
        int e = s.indexOf('e') >= 0 ? s.indexOf('e') : s.indexOf('E');
        if (e >= 0) s = s.substring(0, e);
        String digits = s.replace(".", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
        return (digits.length() + 1) / 2 + 1;
    }

    static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    // ------------------------------------------------------------------ units

    static double writeUnits(long bytes) {
        return Math.max(1, (bytes + WRITE_UNIT_BYTES - 1) / WRITE_UNIT_BYTES);
    }

    /** Strongly consistent units for {@code bytes} read as one unit of work (one item, or one Query's sum). */
    static double readUnits(long bytes) {
        return Math.max(1, (bytes + READ_UNIT_BYTES - 1) / READ_UNIT_BYTES);
    }

    /** The table's share of one write: the larger of the two images (null = absent), at least one unit. */
    static double tableWrite(Map<String, AttributeValue> before, Map<String, AttributeValue> after) {
        return writeUnits(Math.max(itemSize(before), itemSize(after)));
    }

    /** What the index stores for this item, or null when the item is not in the index (a sparse index). */
    static Map<String, AttributeValue> indexEntry(Schema table, Index index, Map<String, AttributeValue> item) {
        if (item == null) return null;
        for (String k : index.keys()) {
            AttributeValue v = item.get(k);
            if (v == null || !(v.type() == AttributeValue.Type.S || v.type() == AttributeValue.Type.N
                    || v.type() == AttributeValue.Type.B)) return null;
        }
        if (index.projection().equals("ALL")) return item;
        Map<String, AttributeValue> entry = new LinkedHashMap<>();
        for (String k : table.keys()) if (item.containsKey(k)) entry.put(k, item.get(k));
        for (String k : index.keys()) entry.put(k, item.get(k));
        if (index.projection().equals("INCLUDE")) {
            for (String k : index.nonKey()) if (item.containsKey(k)) entry.put(k, item.get(k));
        }
        return entry;
    }

    /** One index's write units for a change from {@code before} to {@code after} (either may be null). */
    static double indexWrite(Schema table, Index index, Map<String, AttributeValue> before, Map<String, AttributeValue> after) {
        Map<String, AttributeValue> old = indexEntry(table, index, before);
        Map<String, AttributeValue> neu = indexEntry(table, index, after);
        if (old == null && neu == null) return 0;
        if (old == null) return writeUnits(itemSize(neu));
        if (neu == null) return writeUnits(itemSize(old));
        boolean sameKey = index.keys().stream().allMatch(k -> old.get(k).equals(neu.get(k)));
        if (!sameKey) return writeUnits(itemSize(old)) + writeUnits(itemSize(neu));
        if (old.equals(neu)) return 0;
        return Math.max(writeUnits(itemSize(old)), writeUnits(itemSize(neu)));
    }

    /** Bytes DynamoDB bills as storage for this item: the item + 100 bytes, and each index entry + 100 bytes. */
    static long storedBytes(Schema table, Map<String, AttributeValue> item) {
        long bytes = itemSize(item) + 100;
        for (Index i : table.indexes()) {
            Map<String, AttributeValue> entry = indexEntry(table, i, item);
            if (entry != null) bytes += itemSize(entry) + 100;
        }
        return bytes;
    }
}
