package dev.tgdesk.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.emulators.aws.CfnTemplate;
import dev.tgdesk.emulators.aws.TemplateResources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production-readiness rules of template.yaml (docs/operations.md), for every resource, including ones added
 * later: log groups with retention, encryption at rest, alarms on every dead-letter queue and every function, every
 * alarm notifying the topic, SnapStart only behind an alias, no "*" resources in the functions' own policies.
 */
class StackOperationsTemplateTest {

    final CfnTemplate template = CfnTemplate.load(TemplateResources.locateTemplate());

    @Test
    void everyFunctionLogsToALogGroupWithRetention() {
        List<String> problems = new ArrayList<>();
        for (CfnTemplate.Resource fn : template.functions()) {
            Optional<String> configured = CfnTemplate.ref(fn.properties().path("LoggingConfig").path("LogGroup"));
            Optional<CfnTemplate.Resource> group = configured.flatMap(template::resource)
                    .or(() -> template.resources("AWS::Logs::LogGroup").stream()
                            .filter(g -> g.properties().path("LogGroupName").path("Fn::Sub").asText("")
                                    .equals("/aws/lambda/${" + fn.logicalId() + "}"))
                            .findFirst());
            if (group.isEmpty()) problems.add(fn.logicalId() + ": no log group of its own");
            else if (!group.get().properties().has("RetentionInDays")) problems.add(group.get().logicalId() + ": no retention");
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everythingThatStoresIsEncrypted() {
        List<String> problems = new ArrayList<>();
        for (var q : template.resources(CfnTemplate.SQS_QUEUE)) {
            if (!q.properties().path("SqsManagedSseEnabled").asBoolean(false) && !q.properties().has("KmsMasterKeyId")) {
                problems.add(q.logicalId());
            }
        }
        for (var t : template.resources(CfnTemplate.DYNAMODB_TABLE)) {
            if (!t.properties().path("SSESpecification").path("SSEEnabled").asBoolean(false)) problems.add(t.logicalId());
        }
        for (var b : template.resources("AWS::S3::Bucket")) {
            if (!b.properties().path("BucketEncryption").has("ServerSideEncryptionConfiguration")) problems.add(b.logicalId());
        }
        assertEquals(List.of(), problems, "not encrypted at rest");
    }

    @Test
    void everyDeadLetterQueueAndEveryFunctionHasAlarmsThatNotifyTheTopic() {
        List<JsonNode> alarms = template.resources("AWS::CloudWatch::Alarm").stream().map(CfnTemplate.Resource::properties).toList();
        List<String> problems = new ArrayList<>();
        for (JsonNode alarm : alarms) {
            boolean notifies = false;
            for (JsonNode action : alarm.path("AlarmActions")) notifies |= CfnTemplate.ref(action).orElse("").equals("AlarmTopic");
            if (!notifies) problems.add("an alarm does not notify AlarmTopic: " + alarm.path("AlarmDescription").asText());
        }
        Set<String> deadLetterQueues = new HashSet<>();
        for (var q : template.resources(CfnTemplate.SQS_QUEUE)) {
            CfnTemplate.getAtt(q.properties().path("RedrivePolicy").path("deadLetterTargetArn")).ifPresent(g -> deadLetterQueues.add(g.resource()));
        }
        for (CfnTemplate.Resource fn : template.functions()) {
            fn.properties().path("Events").properties().forEach(e -> CfnTemplate.getAtt(
                    e.getValue().path("Properties").path("DestinationConfig").path("OnFailure").path("Destination"))
                    .ifPresent(g -> deadLetterQueues.add(g.resource())));
        }
        assertTrue(deadLetterQueues.containsAll(Set.of("InboundDeadLetterQueue", "OutboundDeadLetterQueue", "TimerDeadLetterQueue",
                "PushFailureQueue")), deadLetterQueues.toString());
        for (String dlq : deadLetterQueues) {
            boolean watched = alarms.stream().anyMatch(a -> a.path("MetricName").asText().equals("ApproximateNumberOfMessagesVisible")
                    && dimensionIs(a, "QueueName", v -> CfnTemplate.getAtt(v).map(g -> g.resource().equals(dlq)).orElse(false)));
            if (!watched) problems.add(dlq + ": no depth alarm");
        }
        for (CfnTemplate.Resource fn : template.functions()) {
            for (String metric : List.of("Errors", "Throttles")) {
                boolean watched = alarms.stream().anyMatch(a -> a.path("Namespace").asText().equals("AWS/Lambda")
                        && a.path("MetricName").asText().equals(metric)
                        && dimensionIs(a, "FunctionName", v -> CfnTemplate.ref(v).orElse("").equals(fn.logicalId())));
                if (!watched) problems.add(fn.logicalId() + ": no " + metric + " alarm");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void metricAlarmsWatchTheNamespaceTheFunctionsWriteTo() {
        JsonNode namespace = template.root().path("Globals").path("Function").path("Environment").path("Variables").path("METRICS_NAMESPACE");
        assertEquals("tgdesk/${AWS::StackName}", namespace.path("Fn::Sub").asText());
        for (var alarm : template.resources("AWS::CloudWatch::Alarm")) {
            JsonNode ns = alarm.properties().path("Namespace");
            if (ns.isTextual() && ns.asText().startsWith("AWS/")) continue;
            assertEquals(namespace, ns, alarm.logicalId());
        }
    }

    @Test
    void snapStartOnlyBehindAnAlias() {
        for (CfnTemplate.Resource fn : template.functions()) {
            if (fn.properties().has("SnapStart")) {
                assertTrue(fn.properties().has("AutoPublishAlias"), fn.logicalId() + ": SnapStart applies to published versions only");
            }
        }
    }

    @Test
    void functionPoliciesNameTheirResources() {
        List<String> problems = new ArrayList<>();
        for (CfnTemplate.Resource fn : template.functions()) {
            for (JsonNode policy : fn.properties().path("Policies")) {
                for (JsonNode statement : policy.path("Statement")) {
                    for (JsonNode action : statement.path("Action").isArray() ? statement.path("Action") : List.of(statement.path("Action"))) {
                        if (action.asText().endsWith("*")) problems.add(fn.logicalId() + ": action " + action.asText());
                    }
                    JsonNode resources = statement.has("Resource") ? statement.path("Resource") : statement.path("NotResource");
                    for (JsonNode r : resources.isArray() ? resources : List.of(resources)) {
                        if (r.isTextual() && r.asText().equals("*")) problems.add(fn.logicalId() + ": Resource *");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    private static boolean dimensionIs(JsonNode alarm, String name, java.util.function.Predicate<JsonNode> value) {
        for (JsonNode d : alarm.path("Dimensions")) {
            if (d.path("Name").asText().equals(name) && value.test(d.path("Value"))) return true;
        }
        return false;
    }
}
