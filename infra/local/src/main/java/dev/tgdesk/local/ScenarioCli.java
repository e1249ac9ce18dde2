package dev.tgdesk.local;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.scenario.Scenario;
import dev.tgdesk.storage.DynamoScenarioCatalog;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code infra/scenario.sh}: checks scenario files against the published JSON Schema and the engine's own
 * validator, and uploads them into a deployment's table as a new version, optionally attaching it to
 * private chats or to one group. Uses the AWS SDK's default credentials, region and endpoint
 * ({@code AWS_ENDPOINT_URL} for emulators).
 *
 * <pre>
 * infra/scenario.sh validate scenarios/*.json
 * infra/scenario.sh upload scenarios/customer-opinion.json --table &lt;DataTableName&gt; --bot-id &lt;id&gt; [--activate] [--chat -100…]
 * </pre>
 */
public final class ScenarioCli {

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2) {
            err.println("usage: scenario.sh validate <file>...\n"
                    + "       scenario.sh upload <file> --table <DataTableName> --bot-id <bot id> [--activate] [--chat <group chat id>]");
            return 2;
        }
        String command = args[0];
        List<Path> files = new ArrayList<>();
        String table = null, botId = null;
        Long chat = null;
        boolean activate = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--table" -> table = args[++i];
                case "--bot-id" -> botId = args[++i];
                case "--activate" -> activate = true;
                case "--chat" -> {
                    chat = Long.parseLong(args[++i]);
                    activate = true;
                }
                default -> files.add(Path.of(args[i]));
            }
        }
        List<Scenario> valid = new ArrayList<>();
        boolean ok = true;
        for (Path file : files) {
            List<String> problems = problems(file);
            if (problems.isEmpty()) {
                valid.add(ScenarioFiles.parse(file));
                out.println(file + ": ok");
            } else {
                ok = false;
                err.println(file + ": invalid");
                problems.forEach(p -> err.println("  " + p));
            }
        }
        if (!ok) return 1;
        if (command.equals("validate")) return 0;
        if (!command.equals("upload")) {
            err.println("unknown command " + command + " (validate | upload)");
            return 2;
        }
        if (table == null || botId == null) {
            err.println("upload needs --table <DataTableName> (stack output) and --bot-id <the number before ':' in the token>");
            return 2;
        }
        try (var dynamo = AwsClients.dynamoDb()) {
            var catalog = new DynamoScenarioCatalog(dynamo, table);
            for (Scenario scenario : valid) {
                var stored = catalog.store(botId, scenario, System.currentTimeMillis());
                out.println(scenario.id() + ": version " + stored.version() + (stored.created() ? " stored" : " (unchanged, already stored)"));
                if (activate) {
                    catalog.activate(botId, scenario.id(), stored.version(), chat, System.currentTimeMillis());
                    out.println(scenario.id() + "@" + stored.version() + " now runs in " + (chat == null ? "private chats" : "chat " + chat));
                }
            }
        }
        return 0;
    }

    /** Schema errors first (they name the JSON location), then the engine validator's; empty when valid. */
    static List<String> problems(Path file) {
        List<String> problems = new ArrayList<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of("cannot read: " + e.getMessage());
        }
        try {
            for (var error : schema().validate(text, InputFormat.JSON)) problems.add("schema: " + error.getMessage());
        } catch (RuntimeException e) {
            problems.add("not JSON: " + e.getMessage());
            return problems;
        }
        try {
            ScenarioFiles.parse(file);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    private static Schema schema() {
        Path schemaFile = TemplateResources.locateTemplate().resolveSibling("docs").resolve("scenario.schema.json");
        try {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(Files.readString(schemaFile, StandardCharsets.UTF_8), InputFormat.JSON);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + schemaFile, e);
        }
    }
}
