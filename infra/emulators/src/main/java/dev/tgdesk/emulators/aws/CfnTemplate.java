package dev.tgdesk.emulators.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A parsed CloudFormation/SAM template. Intrinsics are always in long form ({@code Ref},
 * {@code Fn::GetAtt}, ...) whether the file used short-form tags or not; see {@link CfnYaml}.
 */
public record CfnTemplate(JsonNode root) {

    public static final String DYNAMODB_TABLE = "AWS::DynamoDB::Table";
    public static final String SQS_QUEUE = "AWS::SQS::Queue";
    private static final List<String> FUNCTION_TYPES = List.of("AWS::Serverless::Function", "AWS::Lambda::Function");

    /** A resource's logical id, type and {@code Properties} (a missing node when absent). */
    public record Resource(String logicalId, String type, JsonNode properties) {
    }

    /** {@code Fn::GetAtt [resource, attribute]}. */
    public record GetAtt(String resource, String attribute) {
    }

    public static CfnTemplate load(Path path) {
        try {
            return parse(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + path, e);
        }
    }

    public static CfnTemplate parse(String yaml) {
        return new CfnTemplate(CfnYaml.read(yaml));
    }

    /** Resources of one type, in template order. */
    public List<Resource> resources(String type) {
        List<Resource> matching = new ArrayList<>();
        root.path("Resources").properties().forEach(entry -> {
            if (type.equals(entry.getValue().path("Type").asText())) {
                matching.add(toResource(entry.getKey(), entry.getValue()));
            }
        });
        return matching;
    }

    public Optional<Resource> resource(String logicalId) {
        JsonNode node = root.path("Resources").path(logicalId);
        return node.isObject() ? Optional.of(toResource(logicalId, node)) : Optional.empty();
    }

    /** Lambda and SAM functions, in template order. */
    public List<Resource> functions() {
        List<Resource> functions = new ArrayList<>();
        FUNCTION_TYPES.forEach(type -> functions.addAll(resources(type)));
        return functions;
    }

    /**
     * A function's environment variables as written (values may be intrinsics), SAM
     * {@code Globals.Function} ones first, overridden by the function's own.
     */
    public Map<String, JsonNode> functionEnvironment(Resource function) {
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        if (function.type().startsWith("AWS::Serverless::")) {
            root.path("Globals").path("Function").path("Environment").path("Variables").properties()
                    .forEach(e -> variables.put(e.getKey(), e.getValue()));
        }
        function.properties().path("Environment").path("Variables").properties()
                .forEach(e -> variables.put(e.getKey(), e.getValue()));
        return variables;
    }

    /** The logical id of {@code {"Ref": id}}. */
    public static Optional<String> ref(JsonNode node) {
        JsonNode ref = node.path("Ref");
        return node.isObject() && node.size() == 1 && ref.isTextual() ? Optional.of(ref.asText()) : Optional.empty();
    }

    /** {@code {"Fn::GetAtt": ["X", "Arn"]}}, also tolerating the string form {@code "X.Arn"} inside it. */
    public static Optional<GetAtt> getAtt(JsonNode node) {
        JsonNode value = node.path("Fn::GetAtt");
        if (!node.isObject() || node.size() != 1) {
            return Optional.empty();
        }
        if (value.isArray() && value.size() == 2 && value.get(0).isTextual() && value.get(1).isTextual()) {
            return Optional.of(new GetAtt(value.get(0).asText(), value.get(1).asText()));
        }
        if (value.isTextual() && value.asText().contains(".")) {
            String text = value.asText();
            int dot = text.indexOf('.');
            return Optional.of(new GetAtt(text.substring(0, dot), text.substring(dot + 1)));
        }
        return Optional.empty();
    }

    private static Resource toResource(String logicalId, JsonNode node) {
        return new Resource(logicalId, node.path("Type").asText(), node.path("Properties"));
    }
}
