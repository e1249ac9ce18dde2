package dev.tgdesk.functions.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.automation.ControlEnvelope;
import dev.tgdesk.automation.TimerScheduler;
import dev.tgdesk.domain.Json;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * Durable delays. Up to 15 minutes: a message on the standard timer queue with SQS DelaySeconds (FIFO
 * queues have no per-message delay), which the scenario function hands on to the inbound FIFO queue
 * when it arrives. Longer: a one-off EventBridge Scheduler schedule {@code at(...)} whose target is the
 * inbound FIFO queue itself (group = chat), deleted by the scheduler after it fires. Both survive
 * restarts and deployments; neither keeps a function waiting.
 */
public final class AwsTimerScheduler implements TimerScheduler {

    /** SQS's maximum DelaySeconds. */
    static final long MAX_SQS_DELAY_SECONDS = 900;
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private final SqsClient sqs;
    private final SchedulerClient scheduler;
    private final ObjectMapper json;
    private final Clock clock;
    private final Targets targets;

    /** Where timers go: queue URLs/ARN, the role the scheduler assumes to send, and the schedule group. */
    public record Targets(String inboundQueueUrl, String inboundQueueArn, String timerQueueUrl, String schedulerRoleArn,
                          String scheduleGroup) {
    }

    public AwsTimerScheduler(SqsClient sqs, SchedulerClient scheduler, Targets targets, ObjectMapper json, Clock clock) {
        this.sqs = sqs;
        this.scheduler = scheduler;
        this.targets = targets;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void schedule(ControlEnvelope timer) {
        String body = Json.write(json, timer);
        long delaySeconds = Math.max(0, (timer.at() - clock.millis() + 999) / 1000);
        if (delaySeconds <= MAX_SQS_DELAY_SECONDS) {
            sqs.sendMessage(b -> b.queueUrl(targets.timerQueueUrl()).messageBody(body).delaySeconds((int) delaySeconds));
            return;
        }
        Instant at = Instant.ofEpochMilli(timer.at()).truncatedTo(ChronoUnit.SECONDS);
        try {
            scheduler.createSchedule(b -> b.name(scheduleName(timer))
                    .groupName(targets.scheduleGroup())
                    .scheduleExpression("at(" + AT.format(at) + ")")
                    .scheduleExpressionTimezone("UTC")
                    .flexibleTimeWindow(w -> w.mode(FlexibleTimeWindowMode.OFF))
                    .actionAfterCompletion(ActionAfterCompletion.DELETE)
                    .target(t -> t.arn(targets.inboundQueueArn())
                            .roleArn(targets.schedulerRoleArn())
                            .input(body)
                            .sqsParameters(p -> p.messageGroupId(timer.messageGroupId()))
                            .retryPolicy(r -> r.maximumEventAgeInSeconds(86_400).maximumRetryAttempts(185))));
        } catch (ConflictException alreadyScheduled) {
            // the same timer was scheduled by an earlier attempt of this turn
        }
    }

    @Override
    public void deliver(ControlEnvelope envelope) {
        String body = Json.write(json, envelope);
        sqs.sendMessage(b -> b.queueUrl(targets.inboundQueueUrl()).messageBody(body)
                .messageGroupId(envelope.messageGroupId())
                .messageDeduplicationId(envelope.deduplicationId()));
    }

    /** Schedule names are ≤ 64 of [0-9A-Za-z-_.]: a digest of the timer's identity. */
    static String scheduleName(ControlEnvelope timer) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(timer.deduplicationId().getBytes(StandardCharsets.UTF_8));
            return "tgdesk-timer-" + HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
