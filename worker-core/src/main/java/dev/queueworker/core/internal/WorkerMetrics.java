package dev.queueworker.core.internal;

import dev.queueworker.api.WebhookDelivery;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The engine's Micrometer meters. Meters are looked up once and cached: this sits on the per-task
 * hot path.
 *
 * <ul>
 *   <li>{@code queueworker.tasks} (counter; tags {@code type}, {@code outcome} = completed, retried,
 *       poisoned, released, lease_lost)</li>
 *   <li>{@code queueworker.task.duration} (timer; tags {@code type}, {@code outcome})</li>
 *   <li>{@code queueworker.tasks.in_flight} (gauge)</li>
 *   <li>{@code queueworker.queue.depth}, {@code queueworker.poison.depth} (gauges, approximate)</li>
 *   <li>{@code queueworker.polls} (counter; tag {@code result} = messages, empty, error)</li>
 *   <li>{@code queueworker.webhooks} (counter; tag {@code outcome} = delivered, retry_later,
 *       rejected, refused, skipped)</li>
 *   <li>{@code queueworker.poisoned} (counter; tag {@code error_type})</li>
 * </ul>
 */
public final class WorkerMetrics {
    /** Outcomes of a task run, as the {@code outcome} tag spells them. */
    public enum Outcome {
        COMPLETED, RETRIED, POISONED, RELEASED, LEASE_LOST;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    private final MeterRegistry registry;
    private final Tags tags;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, TypeMeters> byType = new ConcurrentHashMap<>();
    private final Counter pollsWithMessages;
    private final Counter pollsEmpty;
    private final Counter pollsFailed;

    public WorkerMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /** With {@code tags} on every meter (a daemon serving several clients tags each one's meters with its client). */
    public WorkerMetrics(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        this.pollsWithMessages = Counter.builder("queueworker.polls").tag("result", "messages")
                .description("Receive calls that returned messages").tags(tags).register(registry);
        this.pollsEmpty = Counter.builder("queueworker.polls").tag("result", "empty")
                .description("Receive calls that returned nothing").tags(tags).register(registry);
        this.pollsFailed = Counter.builder("queueworker.polls").tag("result", "error")
                .description("Receive calls that failed").tags(tags).register(registry);
    }

    public void gauges(Supplier<Number> inFlight, Supplier<Number> depth, Supplier<Number> poisonDepth) {
        Gauge.builder("queueworker.tasks.in_flight", inFlight, s -> s.get().doubleValue())
                .description("Tasks running now").strongReference(true).tags(tags).register(registry);
        Gauge.builder("queueworker.queue.depth", depth, s -> s.get().doubleValue())
                .description("Approximate number of messages on the task queue").strongReference(true).tags(tags).register(registry);
        Gauge.builder("queueworker.poison.depth", poisonDepth, s -> s.get().doubleValue())
                .description("Approximate number of messages on the poison queue").strongReference(true).tags(tags).register(registry);
    }

    public void poll(int received) {
        (received > 0 ? pollsWithMessages : pollsEmpty).increment();
    }

    public void pollFailed() {
        pollsFailed.increment();
    }

    public void task(String type, Outcome outcome, Duration duration) {
        TypeMeters meters = byType.get(type);
        if (meters == null) {
            meters = byType.computeIfAbsent(type, TypeMeters::new);
        }
        meters.record(outcome, duration);
    }

    /** The meters of one task type, made on first use of each outcome. */
    private final class TypeMeters {
        private final String type;
        private final Counter[] counters = new Counter[Outcome.values().length];
        private final Timer[] timers = new Timer[Outcome.values().length];

        TypeMeters(String type) {
            this.type = type;
        }

        void record(Outcome outcome, Duration duration) {
            int i = outcome.ordinal();
            Counter counter = counters[i];
            if (counter == null) {
                counter = Counter.builder("queueworker.tasks").tag("type", type).tag("outcome", outcome.tag)
                        .description("Task runs by type and outcome").tags(tags).register(registry);
                counters[i] = counter; // registering twice returns the same meter, so a race is harmless
            }
            counter.increment();
            if (duration != null) {
                Timer timer = timers[i];
                if (timer == null) {
                    timer = Timer.builder("queueworker.task.duration").tag("type", type).tag("outcome", outcome.tag)
                            .description("How long task runs take").tags(tags).register(registry);
                    timers[i] = timer;
                }
                timer.record(duration);
            }
        }
    }

    public void webhook(WebhookDelivery.Outcome outcome) {
        String tag = outcome.name().toLowerCase(Locale.ROOT);
        counters.computeIfAbsent("webhook\n" + tag, k -> Counter.builder("queueworker.webhooks")
                .tag("outcome", tag).description("Webhook deliveries by outcome").tags(tags).register(registry)).increment();
    }

    public void poisoned(String errorType) {
        counters.computeIfAbsent("poison\n" + errorType, k -> Counter.builder("queueworker.poisoned")
                .tag("error_type", errorType).description("Messages moved to the poison queue").tags(tags).register(registry))
                .increment();
    }
}
