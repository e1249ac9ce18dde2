package dev.tgdesk.scenario;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tgdesk.domain.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioDocumentTest {

    /** shared/ is the working directory of surefire; the repository root is one level up. */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path FIXTURES = Path.of("src/test/resources/scenarios");
    static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(read(ROOT.resolve("docs/scenario.schema.json")), InputFormat.JSON);

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Path> files(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    static Stream<Path> validDocuments() throws IOException {
        return Stream.concat(files(ROOT.resolve("scenarios")), files(FIXTURES.resolve("valid")));
    }

    static Stream<Path> invalidDocuments() throws IOException {
        return files(FIXTURES.resolve("invalid"));
    }

    @Test
    void everyShippedScenarioAndFixtureIsFound() throws IOException {
        assertTrue(validDocuments().anyMatch(p -> p.endsWith("customer-opinion.json")));
        assertTrue(invalidDocuments().count() >= 5);
    }

    @ParameterizedTest
    @MethodSource("validDocuments")
    void validDocumentsPassSchemaAndJava(Path file) {
        String json = read(file);
        List<Error> errors = SCHEMA.validate(json, InputFormat.JSON);
        assertTrue(errors.isEmpty(), file + ": " + errors);
        Scenario s = ScenarioDocument.parse(json);
        assertEquals(0, s.version());
        assertEquals(json, s.json());
    }

    @ParameterizedTest
    @MethodSource("invalidDocuments")
    void brokenDocumentsFailSchemaAndJava(Path file) {
        String json = read(file);
        assertFalse(SCHEMA.validate(json, InputFormat.JSON).isEmpty(), file + " passed the schema");
        var e = assertThrows(ScenarioInvalidException.class, () -> ScenarioDocument.parse(json), file.toString());
        assertFalse(e.errors().isEmpty());
        for (String error : e.errors()) assertTrue(error.startsWith("nodes[") || error.startsWith("triggers["), error);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "unknown-node-type.json|nodes[0] (id a).type: unknown node type \"sned\"",
            "bad-duration.json|nodes[0] (id a).duration: \"2 hours\" is not an ISO-8601 duration",
            "invite-target.json|nodes[0] (id a).target: \"https://t.me/+AbCdEf123\" is an invite link",
            "long-callback.json|nodes[0] (id a).buttons[0][0].data: is 76 bytes; Telegram allows 64",
            "unknown-field.json|nodes[0] (id a).txt: unknown field",
            "missing-input.json|nodes[0] (id a).input: required",
            "bad-trigger.json|triggers[0].keywords: required"})
    void brokenDocumentsSayWhereAndWhat(String file, String expected) {
        var e = assertThrows(ScenarioInvalidException.class, () -> ScenarioDocument.parse(read(FIXTURES.resolve("invalid/" + file))));
        assertTrue(e.errors().stream().anyMatch(m -> m.startsWith(expected)), e.errors().toString());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void crossReferenceProblemsAreAllReportedAtOnce() {
        String json = """
                {"id": "x", "variables": {"team": "@good_team"},
                 "triggers": [{"type": "start", "node": "nowhere"}],
                 "nodes": [
                   {"id": "a", "type": "message", "text": "hi"},
                   {"id": "a", "type": "message", "text": "again"},
                   {"id": "q", "type": "question", "text": "?", "input": "choice", "options": [{"value": "y", "text": "Y"}]},
                   {"id": "w", "type": "write_to_chat", "target": "{{undeclared}}", "text": "x"},
                   {"id": "j", "type": "jump", "to": "ghost"},
                   {"id": "c", "type": "close"}
                 ],
                 "edges": [
                   {"from": "a", "to": "missing"},
                   {"from": "ghost", "to": "a"},
                   {"from": "q", "port": "n", "to": "a"},
                   {"from": "c", "to": "a"},
                   {"from": "q", "to": "a"},
                   {"from": "q", "port": "next", "to": "w"}
                 ]}""";
        var e = assertThrows(ScenarioInvalidException.class, () -> ScenarioDocument.parse(json));
        List<String> expected = List.of(
                "nodes[1] (id a).id: duplicate node id \"a\"",
                "nodes[3] (id w).target: {{undeclared}} is not declared in \"variables\"",
                "triggers[0].node: no node with id \"nowhere\"",
                "edges[0].to: no node with id \"missing\"",
                "edges[1].from: no node with id \"ghost\"",
                "edges[2].port: port \"n\" is not an option value of choice question q",
                "edges[3].from: a close node has no outgoing edges",
                "edges[5]: edges[4] already leaves q at port \"next\"");
        for (String x : expected) assertTrue(e.errors().stream().anyMatch(m -> m.startsWith(x)), x + " not in " + e.errors());
        assertTrue(e.errors().stream().anyMatch(m -> m.startsWith("nodes[4] (id j).to: no node with id \"ghost\"")), e.errors().toString());
    }

    @Test
    void parseErrorsForValuesAndShapes() {
        String json = """
                {"id": "x", "default_language": "English", "variables": {"team": "t.me/+invite"},
                 "nodes": [
                   {"id": "w", "type": "write_to_chat", "target": "{{team}}", "text": "x"},
                   {"id": "d", "type": "delay", "duration": "P400D"},
                   {"id": "q", "type": "question", "text": "?", "input": "number", "min": 5, "max": 1, "options": []},
                   {"id": "long_node_id_for_callback_data_limit_xx", "type": "question", "text": "?", "input": "choice",
                    "options": [{"value": "a-rather-long-option-value-to-overflow", "text": "A"}]},
                   {"id": "s", "type": "message", "text": "cap", "media": {"kind": "sticker", "file_id": "F"}},
                   {"id": "m", "type": "message", "text": {"English": "hi"}},
                   {"id": "c", "type": "condition", "rules": [{"left": "x", "op": "matches", "right": "("}, {"left": "x", "op": "eq"}]},
                   {"id": "t", "type": "write_to_chat", "target": "t.me/team_chat/5", "thread_id": 6, "text": "x"}
                 ]}""";
        var e = assertThrows(ScenarioInvalidException.class, () -> ScenarioDocument.parse(json));
        List<String> expected = List.of(
                "default_language: \"English\" must be a 2–3 letter",
                "nodes[0] (id w).target: the default of variable team is not a usable chat",
                "nodes[1] (id d).duration: \"P400D\" must be between 1 second",
                "nodes[2] (id q).min: min 5 is greater than max 1",
                "nodes[2] (id q).options: applies only to input \"choice\"",
                "nodes[3] (id long_node_id_for_callback_data_limit_xx).options[0].value: button data",
                "nodes[4] (id s).text: a sticker cannot have a caption",
                "nodes[5] (id m).text.English: \"English\" is not a 2–3 letter",
                "nodes[6] (id c).rules[0].right: not a valid regular expression",
                "nodes[6] (id c).rules[1].right: required for op \"eq\"",
                "nodes[7] (id t).thread_id: 6 contradicts topic 5");
        for (String x : expected) assertTrue(e.errors().stream().anyMatch(m -> m.startsWith(x)), x + " not in " + e.errors());
    }

    @Test
    void notJsonAndNotAnObject() {
        var e = assertThrows(ScenarioInvalidException.class, () -> ScenarioDocument.parse("{\"id\": "));
        assertTrue(e.errors().getFirst().startsWith("not valid JSON"), e.errors().toString());
        e = assertThrows(ScenarioInvalidException.class, () -> ScenarioDocument.parse("[]"));
        assertEquals(List.of("the document must be a JSON object"), e.errors());
    }

    @Test
    void targetsAreNormalisedAndVersionAssigned() {
        Scenario s = ScenarioDocument.parse(read(FIXTURES.resolve("valid/flow.json")));
        var post2 = (Node.WriteToChat) s.node("post2");
        assertEquals("-1002111740617", post2.target());
        assertEquals(7L, post2.threadId());
        assertEquals("{{team_chat}}", ((Node.WriteToChat) s.node("post")).target());
        assertEquals("loop", s.triggers().stream().filter(t -> "loop_a".equals(t.node())).findFirst().orElseThrow().command());
        Scenario v7 = s.withVersion(7);
        assertEquals(7, v7.version());
        assertEquals(s.nodes(), v7.nodes());
        assertEquals(3, ScenarioDocument.parse("{\"id\": \"v\", \"version\": 3, \"nodes\": [{\"id\": \"a\", \"type\": \"close\"}]}").version());
    }

    @Test
    void scenarioRoundTripsThroughJson() throws Exception {
        Scenario s = ScenarioDocument.parse(read(ROOT.resolve("scenarios/customer-opinion.json"))).withVersion(2);
        String json = Json.mapper().writeValueAsString(s);
        Scenario back = Json.mapper().readValue(json, Scenario.class);
        assertEquals(s, back);
        assertNotNull(back.node("notify_team"));
    }
}
