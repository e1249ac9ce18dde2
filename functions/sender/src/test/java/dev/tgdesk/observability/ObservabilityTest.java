package dev.tgdesk.observability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.domain.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EMF lines, log lines and the priming runner (shared/…/observability; tested here, next to their main user). */
class ObservabilityTest {

    @Test
    void emfLinesAreValidEmbeddedMetricFormat() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var metrics = new EmfMetrics("tgdesk", "sender", new PrintStream(out, true, StandardCharsets.UTF_8));
        metrics.count("OutboundSent");
        metrics.count("SendFailed", "Kind", "BLOCKED_BY_USER", 2);
        metrics.count("SendFailed", "Kind", "a \"quoted\" value\n", 1);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size());

        JsonNode plain = Json.mapper().readTree(lines.get(0));
        JsonNode directive = plain.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals("tgdesk", directive.path("Namespace").asText());
        assertEquals("[[\"Function\"]]", directive.path("Dimensions").toString());
        assertEquals("Count", directive.path("Metrics").get(0).path("Unit").asText());
        assertEquals("sender", plain.path("Function").asText());
        assertEquals(1, plain.path("OutboundSent").asLong());
        assertTrue(plain.path("_aws").path("Timestamp").asLong() > 0);

        JsonNode split = Json.mapper().readTree(lines.get(1));
        assertEquals("[[\"Function\"],[\"Function\",\"Kind\"]]", split.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString());
        assertEquals("BLOCKED_BY_USER", split.path("Kind").asText());
        assertEquals(2, split.path("SendFailed").asLong());

        // a value outside the safe set is never written as is (cardinality, and no text can leak into metrics)
        assertEquals("OTHER", Json.mapper().readTree(lines.get(2)).path("Kind").asText());
    }

    @Test
    void logLinesAreOneJsonObjectWithoutExceptionMessages() throws Exception {
        var e = new IllegalStateException("cannot record 'my card 4111' for Zed", new RuntimeException("user zed_secret"));
        String line = Log.line("ERROR", "update not recorded", e, "messageId", "m-1", "receiveCount", 3, "flag", true, "quote", "a\"b\n");
        JsonNode json = Json.mapper().readTree(line);
        assertEquals("ERROR", json.path("level").asText());
        assertEquals("update not recorded", json.path("message").asText());
        assertEquals("m-1", json.path("messageId").asText());
        assertEquals(3, json.path("receiveCount").asInt());
        assertTrue(json.path("flag").asBoolean());
        assertEquals("a\"b\n", json.path("quote").asText());
        assertEquals("IllegalStateException", json.path("error").asText());
        assertEquals("RuntimeException", json.path("cause").asText());
        assertTrue(json.path("at").get(0).asText().startsWith("ObservabilityTest.logLinesAreOneJsonObjectWithoutExceptionMessages:"),
                json.toString());
        assertFalse(line.contains("4111") || line.contains("Zed") || line.contains("zed_secret"), line);
        assertFalse(line.contains("\n"), "one line");
    }

    @Test
    void primingMutesMetricsReportsFailedStepsAndNeverThrows() throws Exception {
        ByteArrayOutputStream metricsOut = new ByteArrayOutputStream();
        var metrics = new EmfMetrics("tgdesk", "t", new PrintStream(metricsOut, true, StandardCharsets.UTF_8));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Boolean> activeInside = new java.util.ArrayList<>();
        Priming.Report report = Priming.of("t")
                .step("counts", () -> {
                    activeInside.add(Priming.active());
                    metrics.count("UpdatesReceived");
                })
                .step("throws", () -> {
                    throw new IllegalStateException("secret detail");
                })
                .step("expects", () -> Priming.expect(false, "a path"))
                .step("links", () -> {
                    throw new NoClassDefFoundError("x");
                })
                .step("after", () -> activeInside.add(Priming.active()))
                .run(new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(List.of(true, true), activeInside);
        assertFalse(Priming.active(), "muting ends with the run");
        assertEquals("", metricsOut.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("throws", "expects", "links"), report.failed());
        assertEquals(5, report.steps());
        assertFalse(report.ok());
        List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(4, lines.size(), String.join("\n", lines));
        for (String l : lines) Json.mapper().readTree(l);
        assertTrue(lines.get(0).contains("\"step\":\"throws\"") && lines.get(0).contains("\"error\":\"IllegalStateException\""), lines.get(0));
        assertFalse(log.toString().contains("secret detail"));
        JsonNode done = Json.mapper().readTree(lines.get(3));
        assertEquals("SnapStart priming done", done.path("message").asText());
        assertEquals(3, done.path("failed").asInt());

        metrics.count("UpdatesReceived");
        assertTrue(metricsOut.toString(StandardCharsets.UTF_8).contains("\"UpdatesReceived\":1"), "counts again after priming");
    }
}
