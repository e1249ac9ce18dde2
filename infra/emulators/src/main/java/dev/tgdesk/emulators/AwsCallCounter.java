package dev.tgdesk.emulators;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts AWS SDK calls per "Service.Operation" (e.g. {@code DynamoDb.TransactWriteItems}): {@link #calls}
 * once per API call whatever the SDK retried, {@link #attempts} once per HTTP request sent (retries
 * included). Tests and benchmarks attach it to clients as an interceptor.
 */
public final class AwsCallCounter implements ExecutionInterceptor {

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        increment(calls, attributes);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        increment(attempts, attributes);
    }

    private static void increment(Map<String, AtomicInteger> counts, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        counts.computeIfAbsent(service + "." + operation, k -> new AtomicInteger()).incrementAndGet();
    }

    public int calls(String serviceDotOperation) {
        AtomicInteger n = calls.get(serviceDotOperation);
        return n == null ? 0 : n.get();
    }

    public int attempts(String serviceDotOperation) {
        AtomicInteger n = attempts.get(serviceDotOperation);
        return n == null ? 0 : n.get();
    }

    /** All calls to one service ({@code DynamoDb}, {@code Sqs}). */
    public int callsTo(String service) {
        return calls.entrySet().stream().filter(e -> e.getKey().startsWith(service + "."))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    public Map<String, Integer> snapshot() {
        Map<String, Integer> out = new TreeMap<>();
        calls.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public void reset() {
        calls.clear();
        attempts.clear();
    }
}
