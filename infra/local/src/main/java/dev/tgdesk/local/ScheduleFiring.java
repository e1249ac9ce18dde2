package dev.tgdesk.local;

import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local stand-in for EventBridge Scheduler's delivery: moto stores one-off schedules through the real
 * Scheduler API but never fires them, so this looks at the group's schedules every second and, for each
 * {@code at(...)} schedule that is due, sends its target input to its SQS target (with the FIFO message
 * group) and deletes it when {@code ActionAfterCompletion} is DELETE — what the real scheduler does.
 */
final class ScheduleFiring implements AutoCloseable {

    private static final Pattern AT = Pattern.compile("at\\((\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})\\)");
    private static final System.Logger LOG = System.getLogger(ScheduleFiring.class.getName());

    private final SchedulerClient scheduler;
    private final SqsClient sqs;
    private final String group;
    private final Clock clock;
    private final Set<String> fired = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService timer;

    ScheduleFiring(SchedulerClient scheduler, SqsClient sqs, String group, Clock clock) {
        this.scheduler = scheduler;
        this.sqs = sqs;
        this.group = group;
        this.clock = clock;
    }

    /** Creates the schedule group when missing (the template declares it in a deployment). */
    ScheduleFiring ensureGroup() {
        try {
            scheduler.getScheduleGroup(b -> b.name(group));
        } catch (ResourceNotFoundException e) {
            scheduler.createScheduleGroup(b -> b.name(group));
        }
        return this;
    }

    synchronized ScheduleFiring start(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "local-scheduler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                fireDue();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "local scheduler round failed: {0}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Fires every due schedule of the group once; returns how many fired. */
    int fireDue() {
        int count = 0;
        String token = null;
        do {
            String next = token;
            var page = scheduler.listSchedules(b -> b.groupName(group).nextToken(next));
            for (ScheduleSummary summary : page.schedules()) {
                if (fire(summary.name())) count++;
            }
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
        return count;
    }

    private boolean fire(String name) {
        if (fired.contains(name)) return false;
        GetScheduleResponse s;
        try {
            s = scheduler.getSchedule(b -> b.groupName(group).name(name));
        } catch (ResourceNotFoundException gone) {
            return false;
        }
        Instant due = dueAt(s.scheduleExpression(), s.scheduleExpressionTimezone());
        if (due == null || due.isAfter(clock.instant())) return false;
        String arn = s.target().arn();
        String queueName = arn.substring(arn.lastIndexOf(':') + 1);
        String queueUrl = sqs.getQueueUrl(b -> b.queueName(queueName)).queueUrl();
        boolean fifo = queueName.endsWith(".fifo");
        String groupId = s.target().sqsParameters() == null ? null : s.target().sqsParameters().messageGroupId();
        sqs.sendMessage(b -> {
            b.queueUrl(queueUrl).messageBody(s.target().input());
            if (fifo) b.messageGroupId(groupId).messageDeduplicationId(name);
        });
        fired.add(name);
        if (s.actionAfterCompletion() == ActionAfterCompletion.DELETE) {
            scheduler.deleteSchedule(b -> b.groupName(group).name(name));
            fired.remove(name);
        }
        return true;
    }

    static Instant dueAt(String expression, String timezone) {
        if (expression == null) return null;
        Matcher m = AT.matcher(expression.strip());
        if (!m.matches()) return null; // rate()/cron() schedules are not ours to fire
        ZoneId zone = timezone == null || timezone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(timezone);
        return LocalDateTime.parse(m.group(1)).atZone(zone).toInstant();
    }

    @Override
    public synchronized void close() {
        if (timer != null) timer.shutdownNow();
    }
}
