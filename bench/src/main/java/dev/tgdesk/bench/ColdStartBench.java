package dev.tgdesk.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.aws.CfnTemplate;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.telegram.FakeTelegram;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Cold start of every function: a fresh JVM loading the packaged function (its shaded jar) and answering its first
 * event, next to a fresh JVM on the same jar that only builds the same SDK clients with default settings (the
 * baseline: what any Java function on the AWS SDK pays before doing anything). Not a test; run with
 * {@code infra/bench-coldstart.sh}.
 *
 * <p>Starts moto + ElasticMQ and the fake Telegram once ({@link ColdStartEvents}), then for each round, in a shuffled
 * order of functions (and a random order inside each pair), runs a function child and its baseline child
 * ({@link ColdStartChild}) with the function's template environment resolved to the local stack and the JVM options
 * of the template's {@code Globals}. A run's time is taken here, from starting the process to reading its answer
 * line. Reports medians (and min–max) per function, the ratio of the medians, and each jar's size.
 *
 * <p>Arguments (optional): {@code rounds=7 warmup=1 functions=webhook,push} (all by default). Warm-up rounds are run
 * the same way and not counted (they fill the page cache and moto's lazily loaded services).
 */
public final class ColdStartBench {

    /**
     * A function: its Maven module, its logical id in {@code template.yaml}, and the SDK clients its handler builds
     * when constructed (read from each handler's {@code fromEnvironment} and what it calls) — the baseline builds
     * the same ones. Not counted as SDK clients: the {@code java.net.http} client the sender and the operator API build
     * for Telegram.
     */
    record Function(String module, String logicalId, List<String> clients) {
    }

    static final List<Function> FUNCTIONS = List.of(
            // WebhookHandler: AwsClients.dynamoDb(), AwsClients.sqs()
            new Function("webhook", "WebhookFunction", List.of("dynamodb", "sqs")),
            // ScenarioHandler.Wiring: DynamoDB, SQS, SchedulerClient
            new Function("scenario", "ScenarioFunction", List.of("dynamodb", "sqs", "scheduler")),
            // SenderHandler.Environment: DynamoDB, SQS, BotToken (Secrets Manager), S3FileStore (FILES_BUCKET is set)
            new Function("sender", "SenderFunction", List.of("dynamodb", "sqs", "secretsmanager", "s3")),
            // OperatorApiWiring: DynamoDB, SQS, S3; Secrets Manager twice (BotToken, TokenSigningSecret)
            new Function("operator-api", "OperatorApiFunction", List.of("dynamodb", "sqs", "s3", "secretsmanager", "secretsmanager")),
            // AutocloseHandler: DynamoDB, SQS
            new Function("autoclose", "AutocloseFunction", List.of("dynamodb", "sqs")),
            // WebSocketHandler: DynamoDB
            new Function("websocket", "WebSocketFunction", List.of("dynamodb")),
            // PushHandler: DynamoDB, API Gateway Management API, EventBridge (EVENT_BUS_NAME is set)
            new Function("push", "PushFunction", List.of("dynamodb", "apigatewaymanagementapi", "eventbridge")));

    /** Before every child: lets the previous child's exit and this process's event preparation settle. */
    static final long SETTLE_MS = 300;
    static final long CHILD_TIMEOUT_S = 60;

    /** One child run: spawn → answer line (measured here), the child's own split of its {@code main}, its CPU time. */
    record Sample(long totalMs, long initMs, long firstEventMs, long cpuMs, String answer) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) a.put(arg.substring(0, eq), arg.substring(eq + 1));
            else a.put("rounds", arg);
        }
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "7"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "1"));
        List<String> only = a.containsKey("functions") ? List.of(a.get("functions").split(",")) : null;
        List<Function> functions = FUNCTIONS.stream().filter(f -> only == null || only.contains(f.module())).toList();

        Path root = TemplateResources.locateTemplate().getParent();
        CfnTemplate template = CfnTemplate.load(root.resolve(TemplateResources.TEMPLATE_FILE));
        Path dir = Files.createDirectories(root.resolve("bench/target/coldstart"));
        Map<String, Path> jars = new LinkedHashMap<>();
        for (Function f : functions) jars.put(f.module(), jar(root, f.module()));

        Map<String, List<Sample>> measured = new LinkedHashMap<>();
        Map<String, List<Sample>> baselines = new LinkedHashMap<>();
        functions.forEach(f -> {
            measured.put(f.module(), new ArrayList<>());
            baselines.put(f.module(), new ArrayList<>());
        });
        int sent;
        String loadBefore = loadAverage();
        Random random = new Random();
        try (LocalAws aws = LocalAws.start(); FakeTelegram telegram = new FakeTelegram().start();
             ColdStartEvents events = new ColdStartEvents(aws, telegram, root, template, dir)) {
            Children children = new Children(events, jars, dir);
            for (int round = 1 - warmup; round <= rounds; round++) {
                List<Function> order = new ArrayList<>(functions);
                Collections.shuffle(order, random);
                StringBuilder progress = new StringBuilder(round <= 0 ? "warm-up:" : "round " + round + "/" + rounds + ":");
                for (Function f : order) {
                    boolean baselineFirst = random.nextBoolean();
                    Sample baseline = baselineFirst ? children.baseline(f) : null;
                    Sample function = children.function(f);
                    if (!baselineFirst) baseline = children.baseline(f);
                    progress.append(' ').append(f.module()).append(' ').append(function.totalMs()).append('/').append(baseline.totalMs()).append(" ms");
                    if (round > 0) {
                        measured.get(f.module()).add(function);
                        baselines.get(f.module()).add(baseline);
                    }
                }
                System.err.println(progress);
            }
            sent = events.sentMessages();
        }
        report(functions, jars, measured, baselines, rounds, warmup, sent, loadBefore + " → " + loadAverage());
        System.exit(0);
    }

    /** Starts the children: this JVM's {@code java}, the template's JVM options, the function's jar plus this module's classes. */
    record Children(ColdStartEvents events, Map<String, Path> jars, Path dir) {

        /** The function's handler answering a new first event. */
        Sample function(Function f) throws Exception {
            Path event = events.firstEvent(f.module());
            Sample s = spawn(command(f, events.handlerClass(f.logicalId()), event.toString()), events.environment(f.logicalId()),
                    dir.resolve(f.module() + ".log"));
            events.afterRun(f.module());
            if (!answered(s.answer())) {
                throw new IllegalStateException(f.module() + " answered " + s.answer() + "; see " + dir.resolve(f.module() + ".log"));
            }
            return s;
        }

        /** The same JVM, jar and environment, only building the function's SDK clients. */
        Sample baseline(Function f) throws Exception {
            return spawn(command(f, "--baseline", String.join(",", f.clients())), events.environment(f.logicalId()),
                    dir.resolve(f.module() + "-baseline.log"));
        }

        private List<String> command(Function f, String... arguments) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String benchClasses = Path.of(ColdStartChild.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(events.jvmOptions(f.logicalId()));
            command.addAll(List.of("-cp", jars.get(f.module()) + ":" + benchClasses, ColdStartChild.class.getName()));
            command.addAll(List.of(arguments));
            return command;
        }
    }

    /** The shaded jar a module's {@code package} builds: {@code functions/<m>/target/tgdesk-function-<m>-*-lambda.jar}. */
    static Path jar(Path root, String module) throws IOException {
        Path target = root.resolve("functions").resolve(module).resolve("target");
        String prefix = "tgdesk-function-" + module + "-";
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith("-lambda.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + prefix + "*-lambda.jar in " + target
                            + ": build the functions first (infra/bench-coldstart.sh does)"));
        }
    }

    /** Starts a child, waits for its answer line, then for its exit. The child's stderr goes to {@code log}. */
    static Sample spawn(List<String> command, Map<String, String> env, Path log) throws Exception {
        Thread.sleep(SETTLE_MS);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        long started = System.nanoTime();
        Process child = builder.start();
        CompletableFuture.delayedExecutor(CHILD_TIMEOUT_S, TimeUnit.SECONDS).execute(child::destroyForcibly);
        child.getOutputStream().close();
        Sample sample = null;
        try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
            for (String line; sample == null && (line = out.readLine()) != null; ) {
                if (!line.startsWith(ColdStartChild.MARKER)) continue; // the functions' metric lines
                long total = (System.nanoTime() - started) / 1_000_000;
                String[] parts = line.substring(ColdStartChild.MARKER.length()).split(" ", 4);
                sample = new Sample(total, Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                        parts.length > 3 ? parts[3] : "");
            }
        }
        child.waitFor();
        if (sample == null) {
            List<String> lines = Files.readAllLines(log);
            throw new IllegalStateException(String.join(" ", command) + " exited " + child.exitValue() + " without answering; "
                    + log + " ends:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        }
        return sample;
    }

    /** A first answer that did the work: HTTP 2xx, no failed batch item, no failed auto-close. */
    static boolean answered(String answer) {
        try {
            JsonNode node = Json.mapper().readTree(answer);
            if (node.has("statusCode")) return node.get("statusCode").asInt() / 100 == 2;
            if (node.has("batchItemFailures")) return node.get("batchItemFailures").isEmpty();
            return node.path("failed").asInt(1) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** What the table shows of an answer. */
    static String summary(String answer) {
        try {
            JsonNode node = Json.mapper().readTree(answer);
            if (node.has("statusCode")) return "HTTP " + node.get("statusCode").asInt();
            if (node.has("batchItemFailures")) return node.get("batchItemFailures").size() + " failed";
            if (node.has("closed")) return node.get("closed").asInt() + " closed";
            return answer;
        } catch (IOException e) {
            return answer;
        }
    }

    static void report(List<Function> functions, Map<String, Path> jars, Map<String, List<Sample>> measured,
                       Map<String, List<Sample>> baselines, int rounds, int warmup, int sent, String load) throws IOException {
        System.out.println();
        System.out.printf("Cold start, %d rounds (+%d warm-up), medians (min–max); %s, %d CPUs (%s), load average %s, Java %s,"
                        + " moto + ElasticMQ on this machine%n", rounds, warmup, LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                cpuModel(), load, System.getProperty("java.version"));
        System.out.println();
        System.out.println("| function | package | cold start: first answer | baseline: SDK clients only | ratio | CPU time: function / baseline (ratio)"
                + " | inside main: init + first event | baseline clients | answer |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---|---|");
        for (Function f : functions) {
            List<Sample> fn = measured.get(f.module());
            List<Sample> base = baselines.get(f.module());
            double fnMedian = median(fn.stream().map(Sample::totalMs).toList());
            double baseMedian = median(base.stream().map(Sample::totalMs).toList());
            double fnCpu = median(fn.stream().map(Sample::cpuMs).toList());
            double baseCpu = median(base.stream().map(Sample::cpuMs).toList());
            System.out.printf("| %s | %.1f MB | %.0f ms (%d–%d) | %.0f ms (%d–%d) | %.2f | %.0f / %.0f ms (%.2f) | %.0f + %.0f ms | %s | %s |%n",
                    f.module(), Files.size(jars.get(f.module())) / 1e6,
                    fnMedian, min(fn), max(fn), baseMedian, min(base), max(base), fnMedian / baseMedian, fnCpu, baseCpu, fnCpu / baseCpu,
                    median(fn.stream().map(Sample::initMs).toList()), median(fn.stream().map(Sample::firstEventMs).toList()),
                    String.join(", ", f.clients()), summary(fn.getLast().answer()));
        }
        System.out.println();
        System.out.println("package: the shaded jar (MB = 10^6 bytes). cold start / baseline: from starting the JVM process to its answer"
                + " line, measured by the parent; ratio = function median / baseline median. CPU time: the child process's user + system"
                + " time at its answer (all threads). inside main: the function child's own split (constructor; first handleRequest).");
        if (measured.containsKey("sender")) {
            System.out.printf("Messages the sender runs delivered to the fake Telegram: %d of %d runs.%n", sent, rounds + warmup);
        }
        System.out.println("Absolute times are this machine's, against local emulators; compare the ratios.");
    }

    static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) return Double.NaN;
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    static long min(List<Sample> samples) {
        return samples.stream().mapToLong(Sample::totalMs).min().orElse(-1);
    }

    static long max(List<Sample> samples) {
        return samples.stream().mapToLong(Sample::totalMs).max().orElse(-1);
    }

    /** The 1-minute load average (Linux), to tell how busy the machine was; "?" elsewhere. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("CPU");
        } catch (IOException | RuntimeException e) {
            return "CPU";
        }
    }
}
