package dev.tgdesk.operatorapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.operator.Visibility;
import dev.tgdesk.operator.api.Router;
import dev.tgdesk.telegram.TelegramClient;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpClient;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/openapi.yaml describes exactly the routes the operator API serves, with their parameters and 401s. */
class OpenApiDocumentTest {

    static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

    @Test
    void theDocumentMatchesTheRouter() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(
                TemplateResources.locateTemplate().resolveSibling("docs").resolve("openapi.yaml").toFile());
        assertTrue(doc.path("openapi").asText().startsWith("3."), "an OpenAPI 3 document");

        Router router = router();
        Set<String> served = new TreeSet<>();
        for (Router.Route r : router.routes()) served.add(r.method() + " " + r.pattern());
        Set<String> documented = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (!METHODS.contains(op.getKey())) return;
            String key = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
            documented.add(key);
            Set<String> declared = new TreeSet<>();
            for (JsonNode p : path.getValue().path("parameters")) if ("path".equals(p.path("in").asText())) declared.add(p.path("name").asText());
            for (JsonNode p : op.getValue().path("parameters")) if ("path".equals(p.path("in").asText())) declared.add(p.path("name").asText());
            Matcher m = Pattern.compile("\\{([A-Za-z]+)}").matcher(path.getKey());
            while (m.find()) if (!declared.contains(m.group(1))) problems.add(key + ": path parameter " + m.group(1) + " not declared");
            if (!op.getValue().has("responses")) problems.add(key + ": no responses");
            boolean isPublic = op.getValue().has("security") && op.getValue().get("security").isEmpty();
            if (!isPublic && !op.getValue().path("responses").has("401")) problems.add(key + ": no 401 response");
        }));
        nulls(doc, "", problems); // a comma inside an unquoted flow-mapping value silently makes a key with no value
        assertEquals(served, documented, "routes served vs documented");
        assertEquals(List.of(), problems);
        for (Router.Route r : router.routes()) {
            if (r.access() == Router.Access.PUBLIC) {
                JsonNode op = doc.path("paths").path(r.pattern()).path(r.method().toLowerCase(Locale.ROOT));
                assertTrue(op.has("security") && op.get("security").isEmpty(), r + " is public: the document must say security: []");
            }
        }
    }

    private static void nulls(JsonNode node, String at, List<String> problems) {
        if (node.isNull()) problems.add(at + ": no value (quote YAML values that contain commas)");
        node.fields().forEachRemaining(f -> nulls(f.getValue(), at + "/" + f.getKey(), problems));
        for (int i = 0; node.isArray() && i < node.size(); i++) nulls(node.get(i), at + "/" + i, problems);
    }

    static Router router() {
        LocalAws aws = LocalAws.shared();
        return OperatorApiWiring.router(new OperatorApiWiring.Deps(aws.dynamoDb(), aws.sqs(),
                aws.configure(S3Client.builder(), "S3").forcePathStyle(true).build(), "unused", "1", "http://unused", "http://unused",
                "unused", new TelegramClient(HttpClient.newHttpClient(), dev.tgdesk.domain.Json.mapper(), URI.create("http://127.0.0.1:9"),
                "1:unused-token-for-the-document-test_0123456789"), new byte[32], Duration.ofHours(1),
                new Visibility(true), Clock.systemUTC(), "unused", null));
    }

}
