package dev.tgdesk.emulators.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Lambda event filtering ({@code FilterCriteria.Filters[].Pattern}, each a JSON string) for records in the shape
 * Lambda hands to the function. A record passes when ANY pattern matches. Pattern syntax is EventBridge's, as
 * Lambda documents it:
 *
 * <ul>
 * <li>Objects nest and AND their fields: {@code {"dynamodb":{"Keys":{"sk":{"S":["DIALOG"]}}}}}; a pattern object
 *     applied to an array of objects matches when any element matches.</li>
 * <li>Leaves are arrays of alternatives (OR): exact values ({@code "INSERT"}, {@code 100}, {@code true},
 *     {@code null}, {@code ""}), {@code {"prefix":"MSG#"}}, {@code {"suffix":…}}, {@code {"equals-ignore-case":…}},
 *     {@code {"anything-but":value | [values] | {"prefix"|"suffix"|"equals-ignore-case":…}}},
 *     {@code {"exists":true|false}}, {@code {"numeric":[">",0,"<=",5]}}. An event array matches when any element
 *     matches.</li>
 * <li>Values compare exactly: strings character by character, numbers by their JSON text (300 ≠ 300.0), so
 *     {@code numeric} only applies to JSON numbers — a DynamoDB {@code {"N":"5"}} is a string.</li>
 * <li>{@code exists} and the other rules look at leaves only: an object (e.g. an attribute value
 *     {@code {"S":"x"}}) is not a leaf, so test {@code {"attr":{"S":[{"exists":true}]}}}, not
 *     {@code {"attr":[{"exists":true}]}}. {@code anything-but} needs the field to be present.</li>
 * </ul>
 *
 * Anything else ({@code wildcard}, {@code cidr}, {@code $or}, …) is rejected with an {@link IllegalArgumentException}
 * naming it, as is a pattern that is not a JSON object, and more than 10 patterns (Lambda's quota ceiling).
 */
public final class FilterCriteria {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NUMERIC_OPERATORS = Set.of("=", "<", "<=", ">", ">=");

    private final List<JsonNode> patterns;

    private FilterCriteria(List<JsonNode> patterns) {
        this.patterns = patterns;
    }

    public static FilterCriteria of(String... patternJsons) {
        return of(List.of(patternJsons));
    }

    public static FilterCriteria of(List<String> patternJsons) {
        Objects.requireNonNull(patternJsons, "patternJsons");
        if (patternJsons.isEmpty()) throw new IllegalArgumentException("FilterCriteria needs at least one pattern");
        if (patternJsons.size() > 10) throw new IllegalArgumentException("at most 10 filter patterns: " + patternJsons.size());
        List<JsonNode> parsed = new ArrayList<>();
        for (String text : patternJsons) {
            JsonNode pattern;
            try {
                pattern = JSON.readTree(Objects.requireNonNull(text, "pattern"));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("filter pattern is not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (pattern == null || !pattern.isObject() || pattern.isEmpty()) {
                throw new IllegalArgumentException("filter pattern must be a non-empty JSON object: " + text);
            }
            validateObject(pattern);
            parsed.add(pattern);
        }
        return new FilterCriteria(List.copyOf(parsed));
    }

    /** True when any pattern matches the record (Lambda event shape, attribute values in DynamoDB JSON). */
    public boolean matches(JsonNode lambdaRecord) {
        for (JsonNode pattern : patterns) {
            if (matchesObject(pattern, lambdaRecord)) return true;
        }
        return false;
    }

    // --- validation ---

    private static void validateObject(JsonNode pattern) {
        for (Map.Entry<String, JsonNode> field : pattern.properties()) {
            if (field.getKey().startsWith("$")) throw unsupported(field.getKey());
            JsonNode value = field.getValue();
            if (value.isObject()) {
                if (value.isEmpty()) throw new IllegalArgumentException("empty pattern object at " + field.getKey());
                validateObject(value);
            } else if (value.isArray()) {
                if (value.isEmpty()) throw new IllegalArgumentException("empty match list at " + field.getKey());
                value.forEach(FilterCriteria::validateRule);
            } else {
                throw new IllegalArgumentException("pattern value at " + field.getKey()
                        + " must be an array of rules or a nested object, not " + value);
            }
        }
    }

    private static void validateRule(JsonNode rule) {
        if (rule.isValueNode()) return; // an exact value (string, number, boolean, null)
        if (!rule.isObject() || rule.size() != 1) throw new IllegalArgumentException("unsupported filter rule: " + rule);
        Map.Entry<String, JsonNode> op = rule.properties().iterator().next();
        JsonNode arg = op.getValue();
        switch (op.getKey()) {
            case "prefix", "suffix", "equals-ignore-case" -> {
                if (!arg.isTextual()) throw new IllegalArgumentException(op.getKey() + " needs a string: " + rule);
            }
            case "exists" -> {
                if (!arg.isBoolean()) throw new IllegalArgumentException("exists needs true or false: " + rule);
            }
            case "numeric" -> validateNumeric(arg, rule);
            case "anything-but" -> {
                if (arg.isObject()) {
                    if (arg.size() != 1) throw new IllegalArgumentException("unsupported anything-but rule: " + rule);
                    String inner = arg.fieldNames().next();
                    if (!Set.of("prefix", "suffix", "equals-ignore-case").contains(inner)) throw unsupported("anything-but/" + inner);
                    JsonNode innerArg = arg.get(inner);
                    boolean strings = innerArg.isTextual() || (inner.equals("equals-ignore-case") && innerArg.isArray()
                            && !innerArg.isEmpty() && allTextual(innerArg));
                    if (!strings) throw new IllegalArgumentException("anything-but/" + inner + " needs a string: " + rule);
                } else if (arg.isArray()) {
                    for (JsonNode v : arg) {
                        if (!v.isTextual() && !v.isNumber()) throw new IllegalArgumentException("anything-but lists strings or numbers: " + rule);
                    }
                } else if (!arg.isTextual() && !arg.isNumber()) {
                    throw new IllegalArgumentException("anything-but needs a string, a number or a list of them: " + rule);
                }
            }
            default -> throw unsupported(op.getKey());
        }
    }

    private static void validateNumeric(JsonNode arg, JsonNode rule) {
        if (!arg.isArray() || arg.isEmpty() || arg.size() % 2 != 0 || arg.size() > 4) {
            throw new IllegalArgumentException("numeric needs [op, number] or [op, number, op, number]: " + rule);
        }
        for (int i = 0; i < arg.size(); i += 2) {
            if (!NUMERIC_OPERATORS.contains(arg.get(i).asText()) || !arg.get(i).isTextual() || !arg.get(i + 1).isNumber()) {
                throw new IllegalArgumentException("numeric needs [op, number] pairs with op one of " + NUMERIC_OPERATORS + ": " + rule);
            }
        }
    }

    private static boolean allTextual(JsonNode array) {
        for (JsonNode v : array) {
            if (!v.isTextual()) return false;
        }
        return true;
    }

    private static IllegalArgumentException unsupported(String operator) {
        return new IllegalArgumentException("unsupported filter operator: " + operator);
    }

    // --- matching ---

    /** {@code node} may be null (field absent): then only rules like {@code exists:false} can match. */
    private static boolean matchesObject(JsonNode pattern, JsonNode node) {
        if (node != null && node.isArray()) {
            for (JsonNode element : node) {
                if (element.isObject() && matchesObject(pattern, element)) return true;
            }
            return false;
        }
        for (Map.Entry<String, JsonNode> field : pattern.properties()) {
            JsonNode child = node != null && node.isObject() ? node.get(field.getKey()) : null;
            boolean ok = field.getValue().isObject()
                    ? matchesObject(field.getValue(), child)
                    : matchesLeaf(field.getValue(), leafValues(child));
            if (!ok) return false;
        }
        return true;
    }

    /** The leaf values at a path: a scalar (null included), an array's scalar elements; none for objects or absence. */
    private static List<JsonNode> leafValues(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isObject()) return List.of();
        if (!node.isArray()) return List.of(node);
        List<JsonNode> values = new ArrayList<>();
        for (JsonNode element : node) {
            if (element.isValueNode()) values.add(element);
        }
        return values;
    }

    private static boolean matchesLeaf(JsonNode rules, List<JsonNode> values) {
        for (JsonNode rule : rules) {
            if (rule.isObject() && rule.has("exists")) {
                if (rule.get("exists").asBoolean() != values.isEmpty()) return true;
                continue;
            }
            for (JsonNode value : values) {
                if (matchesRule(rule, value)) return true;
            }
        }
        return false;
    }

    private static boolean matchesRule(JsonNode rule, JsonNode value) {
        if (rule.isValueNode()) return sameValue(rule, value);
        Map.Entry<String, JsonNode> op = rule.properties().iterator().next();
        JsonNode arg = op.getValue();
        return switch (op.getKey()) {
            case "prefix" -> value.isTextual() && value.asText().startsWith(arg.asText());
            case "suffix" -> value.isTextual() && value.asText().endsWith(arg.asText());
            case "equals-ignore-case" -> value.isTextual() && value.asText().equalsIgnoreCase(arg.asText());
            case "numeric" -> value.isNumber() && numeric(arg, value.decimalValue());
            case "anything-but" -> !anythingButExcludes(arg, value);
            default -> throw unsupported(op.getKey()); // validated in of()
        };
    }

    private static boolean anythingButExcludes(JsonNode arg, JsonNode value) {
        if (arg.isArray()) {
            for (JsonNode excluded : arg) {
                if (sameValue(excluded, value)) return true;
            }
            return false;
        }
        if (!arg.isObject()) return sameValue(arg, value);
        String op = arg.fieldNames().next();
        JsonNode operand = arg.get(op);
        if (!value.isTextual()) return false;
        String text = value.asText();
        return switch (op) {
            case "prefix" -> text.startsWith(operand.asText());
            case "suffix" -> text.endsWith(operand.asText());
            default -> { // equals-ignore-case: one string or a list of them
                for (JsonNode excluded : operand.isArray() ? operand : List.of(operand)) {
                    if (text.equalsIgnoreCase(excluded.asText())) yield true;
                }
                yield false;
            }
        };
    }

    private static boolean numeric(JsonNode arg, java.math.BigDecimal value) {
        for (int i = 0; i < arg.size(); i += 2) {
            int c = value.compareTo(arg.get(i + 1).decimalValue());
            boolean ok = switch (arg.get(i).asText()) {
                case "=" -> c == 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0; // ">="
            };
            if (!ok) return false;
        }
        return true;
    }

    /** Exact match: same JSON type and same text (numbers compare as written, like Lambda). */
    private static boolean sameValue(JsonNode expected, JsonNode value) {
        if (expected.isNull() || value.isNull()) return expected.isNull() && value.isNull();
        if (expected.isTextual() || value.isTextual()) return expected.isTextual() && value.isTextual() && expected.asText().equals(value.asText());
        if (expected.isBoolean() || value.isBoolean()) return expected.isBoolean() && value.isBoolean() && expected.asBoolean() == value.asBoolean();
        return expected.isNumber() && value.isNumber() && expected.asText().equals(value.asText());
    }

    @Override
    public String toString() {
        return "FilterCriteria" + patterns;
    }
}
