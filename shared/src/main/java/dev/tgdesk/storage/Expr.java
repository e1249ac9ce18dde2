package dev.tgdesk.storage;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an UpdateItem expression from SET / REMOVE / ADD clauses, with every attribute name aliased
 * (so reserved words such as {@code data}, {@code status} or {@code ttl} need no thought).
 */
final class Expr {
    private final List<String> sets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final List<String> adds = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();

    void set(String attribute, AttributeValue value) {
        sets.add(alias(attribute) + " = " + placeholder(attribute, value));
    }

    void setIfAbsent(String attribute, AttributeValue value) {
        String a = alias(attribute);
        sets.add(a + " = if_not_exists(" + a + ", " + placeholder(attribute, value) + ")");
    }

    void setOrRemove(String attribute, String value) {
        if (value == null) remove(attribute);
        else set(attribute, AttributeValue.fromS(value));
    }

    void remove(String attribute) {
        removes.add(alias(attribute));
    }

    void add(String attribute, AttributeValue value) {
        adds.add(alias(attribute) + " " + placeholder(attribute, value));
    }

    /** A SET clause written by hand; its names must be registered with {@link #name}. */
    void raw(String setClause) {
        sets.add(setClause);
    }

    void name(String alias, String attribute) {
        names.put(alias, attribute);
    }

    void value(String placeholder, AttributeValue value) {
        values.put(placeholder, value);
    }

    Update update(String table, Map<String, AttributeValue> key, String condition, String... extraNames) {
        for (int i = 0; i + 1 < extraNames.length; i += 2) names.put(extraNames[i], extraNames[i + 1]);
        StringBuilder expression = new StringBuilder();
        if (!sets.isEmpty()) expression.append("SET ").append(String.join(", ", sets));
        if (!removes.isEmpty()) expression.append(" REMOVE ").append(String.join(", ", removes));
        if (!adds.isEmpty()) expression.append(" ADD ").append(String.join(", ", adds));
        Update.Builder b = Update.builder().tableName(table).key(key)
                .updateExpression(expression.toString().strip())
                .expressionAttributeNames(names);
        if (!values.isEmpty()) b.expressionAttributeValues(values);
        if (condition != null) b.conditionExpression(condition);
        return b.build();
    }

    private String alias(String attribute) {
        String alias = "#" + attribute;
        names.put(alias, attribute);
        return alias;
    }

    private String placeholder(String attribute, AttributeValue value) {
        String p = ":" + attribute;
        values.put(p, value);
        return p;
    }
}
