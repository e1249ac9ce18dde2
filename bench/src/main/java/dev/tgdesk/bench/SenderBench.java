package dev.tgdesk.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.domain.Json;
import dev.tgdesk.emulators.AwsCallCounter;
import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.LocalResources;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.emulators.lambda.SqsEventSource;
import dev.tgdesk.emulators.telegram.BotStats;
import dev.tgdesk.emulators.telegram.FakeBot;
import dev.tgdesk.emulators.telegram.FakeTelegram;
import dev.tgdesk.emulators.telegram.FakeUser;
import dev.tgdesk.emulators.telegram.OutgoingMessage;
import dev.tgdesk.emulators.telegram.RateLimits;
import dev.tgdesk.outbound.BotApiCall;
import dev.tgdesk.outbound.OutboundCommand;
import dev.tgdesk.outbound.OutboundEntry;
import dev.tgdesk.outbound.PacingPolicy;
import dev.tgdesk.outbound.RetryPolicy;
import dev.tgdesk.outbound.Sender;
import dev.tgdesk.outbound.TelegramRequests;
import dev.tgdesk.queue.SqsOutboundQueue;
import dev.tgdesk.sender.SenderHandler;
import dev.tgdesk.storage.DynamoOutboundStore;
import dev.tgdesk.storage.DynamoRateLedger;
import dev.tgdesk.storage.OutboundItems;
import dev.tgdesk.telegram.TelegramClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Throughput of the sender under Telegram's limits: 300 private chats (users who started the bot), two messages
 * each, through the template's outbound FIFO queue and the local SQS event source into the real handler, against
 * the fake Bot API enforcing 1/s per chat (burst 3), 20/min per group and 30/s per bot with a realistic round trip.
 *
 * <p>Prints achieved sends/s against the 30/s limit, 429 answers, the highest per-chat and global rates in any
 * one-second window, and AWS calls per send. Arguments (all optional): {@code chats=300 perChat=2 concurrency=5
 * latencyMs=80}.
 */
public final class SenderBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchArgs.parse(args);
        int chats = Integer.parseInt(a.getOrDefault("chats", "300"));
        int perChat = Integer.parseInt(a.getOrDefault("perChat", "2"));
        int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "5"));
        Duration latency = Duration.ofMillis(Long.parseLong(a.getOrDefault("latencyMs", "80")));
        int total = chats * perChat;

        LocalAws aws = LocalAws.shared();
        LocalResources resources = TemplateResources.create(aws, "bench-" + System.currentTimeMillis() % 100000 + "-");
        String table = resources.tableName("DataTable");
        String queueUrl = resources.queueUrl("OutboundQueue");
        AwsCallCounter calls = new AwsCallCounter();
        DynamoDbClient setupDynamo = aws.dynamoDb();
        SqsClient setupSqs = aws.sqs();

        try (FakeTelegram telegram = new FakeTelegram(FakeTelegram.Options.defaults()
                .withRateLimits(RateLimits.TELEGRAM).withLatency(latency)).start()) {
            FakeBot bot = telegram.addBot(FakeTelegram.DEFAULT_TOKEN, FakeTelegram.DEFAULT_BOT_USERNAME);
            String botId = Long.toString(bot.id());
            List<FakeUser> users = new ArrayList<>();
            for (int i = 0; i < chats; i++) {
                FakeUser u = telegram.addUser("User" + i, null);
                bot.markStarted(u);
                users.add(u);
            }

            // what the scenario glue does: entries (status queued), then Send pointers, chat by chat
            ObjectMapper json = Json.mapper();
            List<OutboundCommand> commands = new ArrayList<>();
            try (ExecutorService writers = Executors.newFixedThreadPool(16)) {
                List<java.util.concurrent.Future<?>> writes = new ArrayList<>();
                for (int c = 0; c < chats; c++) {
                    String chatId = Long.toString(users.get(c).id());
                    String dialogId = "bench-" + c;
                    for (int k = 1; k <= perChat; k++) {
                        var m = dev.tgdesk.outbound.OutgoingMessage.text(chatId, "Notice " + k + " for chat " + c);
                        BotApiCall call = TelegramRequests.calls(m).get(0);
                        OutboundEntry e = new OutboundEntry(botId, dialogId, k, chatId, "scenario", "bench@1/n" + k, call,
                                TelegramRequests.preview(m), TelegramRequests.displayJson(m), System.currentTimeMillis(),
                                OutboundEntry.Status.QUEUED, 0, null, null);
                        writes.add(writers.submit(() -> setupDynamo.putItem(p -> p.tableName(table).item(OutboundItems.item(e)))));
                        commands.add(e.command());
                    }
                }
                for (var w : writes) w.get();
            }
            // interleave chats the way many independent scenario runs would enqueue: round-robin by message number
            List<OutboundCommand> interleaved = new ArrayList<>();
            for (int k = 0; k < perChat; k++) {
                for (int c = 0; c < chats; c++) interleaved.add(commands.get(c * perChat + k));
            }
            new SqsOutboundQueue(setupSqs, queueUrl, json).enqueue(interleaved);

            DynamoDbClient dynamo = aws.dynamoDb(calls);
            SqsClient sqs = aws.sqs(calls);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // one handler (its own Sender, ledger cache and Telegram client) per concurrent execution environment
            java.util.function.Supplier<SenderHandler> handlers = () -> new SenderHandler(
                    new Sender(new DynamoOutboundStore(dynamo, table), new DynamoRateLedger(dynamo, table),
                            new TelegramClient(http, new ObjectMapper(), telegram.baseUrl(), bot.token()),
                            PacingPolicy.telegram(), RetryPolicy.defaults(), dev.tgdesk.observability.Metrics.NONE, Sender.Clock.SYSTEM),
                    sqs, queueUrl, botId, dev.tgdesk.observability.Metrics.NONE);

            long started = System.nanoTime();
            try (SqsEventSource source = new SqsEventSource(setupSqs, queueUrl, handlers,
                    SqsEventSource.Options.defaults("SenderFunction").withBatchSize(10).withMaximumConcurrency(concurrency)
                            .withWaitTime(Duration.ofSeconds(1))).start()) {
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (bot.sentMessages().size() < total && System.nanoTime() < deadline) Thread.sleep(100);
                double wall = (System.nanoTime() - started) / 1e9;
                List<OutgoingMessage> sent = bot.sentMessages();
                BotStats stats = bot.stats();
                long first = sent.stream().mapToLong(m -> m.sentAt().toEpochMilli()).min().orElse(0);
                long last = sent.stream().mapToLong(m -> m.sentAt().toEpochMilli()).max().orElse(0);
                double span = Math.max(1, last - first) / 1000.0;
                double rate = (sent.size() - 1) / span;
                Map<Long, Long> perChatCount = new HashMap<>();
                sent.forEach(m -> perChatCount.merge(m.chatId(), 1L, Long::sum));
                long duplicates = perChatCount.values().stream().mapToLong(n -> Math.max(0, n - perChat)).sum();
                Map<String, Integer> aws0 = calls.snapshot();
                int awsCalls = aws0.values().stream().mapToInt(Integer::intValue).sum();

                System.out.println();
                System.out.println("== SenderBench: " + chats + " private chats × " + perChat + " messages = " + total
                        + ", MaximumConcurrency " + concurrency + ", batch 10, Bot API round trip " + latency.toMillis() + " ms");
                System.out.printf("sent                 %d of %d (duplicates: %d) in %.1f s wall%n", sent.size(), total, duplicates, wall);
                System.out.printf("throughput           %.1f sends/s first→last send = %.0f %% of Telegram's 30/s%n", rate, rate / 30 * 100);
                System.out.printf("429 answers          %d%n", stats.tooManyRequests());
                System.out.printf("max per chat         %d sends in any 1 s window%n", stats.maxPerChatPerSecond());
                System.out.printf("max per bot          %d sends in any 1 s window (limit 30)%n", stats.maxGlobalPerSecond());
                System.out.printf("AWS calls per send   %.2f (%d calls by the handler)%n", awsCalls / (double) Math.max(1, sent.size()), awsCalls);
                aws0.forEach((op, n) -> System.out.printf("    %-40s %6d  (%.2f per send)%n", op, n, n / (double) Math.max(1, sent.size())));
                System.out.printf("event source         %d invocations, %d records, %d returned to the queue%n",
                        source.invocations(), source.records(), source.failures());
            }
        }
        System.exit(0);
    }
}
