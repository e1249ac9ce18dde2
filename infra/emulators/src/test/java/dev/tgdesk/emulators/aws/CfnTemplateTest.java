package dev.tgdesk.emulators.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.tgdesk.emulators.aws.CfnTemplate.GetAtt;
import dev.tgdesk.emulators.aws.CfnTemplate.Resource;

/** Parsing only: no emulators. */
class CfnTemplateTest {

    @Test
    void shortFormTagsBecomeLongFormIntrinsics() {
        CfnTemplate template = CfnTemplate.parse("""
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Environment:
                        Variables:
                          REF: !Ref DataTable
                          ATT: !GetAtt Queue.Arn
                          ATT_LIST: !GetAtt [Queue, QueueName]
                          SUB: !Sub /aws/lambda/${Fn}
                          BOT: !Select [0, !Split [':', !Ref Token]]
                          JOIN: !Join ['-', [a, !Ref B]]
                          PLAIN: 42
                          LONG_REF: { Ref: DataTable }
                          LONG_ATT: { "Fn::GetAtt": [Queue, Arn] }
                """);
        JsonNode vars = template.resource("Fn").orElseThrow().properties().path("Environment").path("Variables");

        assertEquals(Optional.of("DataTable"), CfnTemplate.ref(vars.path("REF")));
        assertEquals(Optional.of(new GetAtt("Queue", "Arn")), CfnTemplate.getAtt(vars.path("ATT")));
        assertEquals(Optional.of(new GetAtt("Queue", "QueueName")), CfnTemplate.getAtt(vars.path("ATT_LIST")));
        assertEquals("/aws/lambda/${Fn}", vars.path("SUB").path("Fn::Sub").asText());
        JsonNode select = vars.path("BOT").path("Fn::Select");
        assertEquals(0, select.get(0).asInt());
        assertEquals(":", select.get(1).path("Fn::Split").get(0).asText());
        assertEquals(Optional.of("Token"), CfnTemplate.ref(select.get(1).path("Fn::Split").get(1)));
        assertEquals(Optional.of("B"), CfnTemplate.ref(vars.path("JOIN").path("Fn::Join").get(1).get(1)));
        assertEquals(42, vars.path("PLAIN").asInt());
        assertEquals(Optional.of("DataTable"), CfnTemplate.ref(vars.path("LONG_REF")));
        assertEquals(Optional.of(new GetAtt("Queue", "Arn")), CfnTemplate.getAtt(vars.path("LONG_ATT")));
    }

    @Test
    void readsTheProjectTemplate() {
        Path path = TemplateResources.locateTemplate();
        CfnTemplate template = CfnTemplate.load(path);

        assertEquals(List.of("DataTable", "RealtimeTable"), ids(template.resources(CfnTemplate.DYNAMODB_TABLE)));
        assertTrue(ids(template.resources(CfnTemplate.SQS_QUEUE)).containsAll(List.of("InboundQueue", "InboundDeadLetterQueue")));
        JsonNode redrive = template.resource("InboundQueue").orElseThrow().properties().path("RedrivePolicy");
        assertEquals(Optional.of(new GetAtt("InboundDeadLetterQueue", "Arn")),
                CfnTemplate.getAtt(redrive.path("deadLetterTargetArn")));

        Resource webhook = template.resource("WebhookFunction").orElseThrow();
        var env = template.functionEnvironment(webhook);
        assertEquals(Optional.of("DataTable"), CfnTemplate.ref(env.get("TABLE_NAME")));
        assertEquals(Optional.of("InboundQueue"), CfnTemplate.ref(env.get("INBOUND_QUEUE_URL")));
        assertTrue(env.containsKey("JAVA_TOOL_OPTIONS"), "Globals.Function variables are merged in");
    }

    @Test
    void locatesTemplateFromASubdirectory() {
        Path template = TemplateResources.locateTemplate();
        Path fromDeeper = TemplateResources.locateTemplate(template.getParent().resolve("infra/emulators/src"));
        assertEquals(template, fromDeeper);
    }

    private static List<String> ids(List<Resource> resources) {
        return resources.stream().map(Resource::logicalId).toList();
    }
}
