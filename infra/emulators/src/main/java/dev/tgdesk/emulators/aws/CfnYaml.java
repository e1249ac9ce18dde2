package dev.tgdesk.emulators.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

/**
 * Reads CloudFormation YAML into a Jackson tree with short-form intrinsics rewritten to their long
 * form: {@code !Ref X} → {@code {"Ref": "X"}}, {@code !GetAtt X.Arn} → {@code {"Fn::GetAtt": ["X", "Arn"]}},
 * {@code !Sub s} → {@code {"Fn::Sub": s}} and so on.
 *
 * <p>Jackson's plain tree mapping drops YAML tags (leaving e.g. the bare scalar {@code X.Arn}), so
 * this walks the parser itself and asks {@link YAMLParser#getTypeId()} for each value's tag.
 */
final class CfnYaml {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Short forms that become {@code Fn::<Name>}; {@code !Ref} and {@code !Condition} keep their name. */
    private static final Set<String> FUNCTIONS = Set.of(
            "And", "Base64", "Cidr", "Equals", "FindInMap", "ForEach", "GetAtt", "GetAZs", "If", "ImportValue",
            "Join", "Length", "Not", "Or", "Select", "Split", "Sub", "ToJsonString", "Transform");

    private CfnYaml() {
    }

    static JsonNode read(String yaml) {
        try (YAMLParser parser = YAML.createParser(yaml)) {
            if (parser.nextToken() == null) {
                return NODES.objectNode();
            }
            return readValue(parser);
        } catch (IOException e) {
            throw new UncheckedIOException("invalid YAML: " + e.getMessage(), e);
        }
    }

    private static JsonNode readValue(YAMLParser parser) throws IOException {
        String tag = parser.getTypeId(); // must be read before descending into a collection
        JsonToken token = parser.currentToken();
        JsonNode value = switch (token) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> readArray(parser);
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> numberNode(parser);
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IOException("unexpected YAML token " + token + " at " + parser.currentLocation());
        };
        return tag == null ? value : intrinsic(tag, value);
    }

    private static ObjectNode readObject(YAMLParser parser) throws IOException {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            object.set(name, readValue(parser));
        }
        return object;
    }

    private static ArrayNode readArray(YAMLParser parser) throws IOException {
        ArrayNode array = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            array.add(readValue(parser));
        }
        return array;
    }

    private static JsonNode numberNode(YAMLParser parser) throws IOException {
        return switch (parser.getNumberType()) {
            case INT -> NODES.numberNode(parser.getIntValue());
            case LONG -> NODES.numberNode(parser.getLongValue());
            case BIG_INTEGER -> NODES.numberNode(parser.getBigIntegerValue());
            default -> NODES.numberNode(parser.getDecimalValue());
        };
    }

    private static JsonNode intrinsic(String tag, JsonNode value) {
        if (tag.equals("Ref") || tag.equals("Condition")) {
            return NODES.objectNode().set(tag, value);
        }
        if (tag.equals("GetAtt") && value.isTextual()) {
            // The short form is one scalar "Resource.Attribute"; the long form is a two-element list.
            String text = value.asText();
            int dot = text.indexOf('.');
            ArrayNode parts = NODES.arrayNode();
            if (dot < 0) {
                parts.add(text);
            } else {
                parts.add(text.substring(0, dot)).add(text.substring(dot + 1));
            }
            return NODES.objectNode().set("Fn::GetAtt", parts);
        }
        if (FUNCTIONS.contains(tag)) {
            return NODES.objectNode().set("Fn::" + tag, value);
        }
        return value; // a YAML core tag such as !!str; the value is all we need
    }
}
