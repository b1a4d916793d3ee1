package dev.queueworker.core.internal;

import dev.queueworker.api.QueueProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@code queueworker.queue.depth} and {@code queueworker.poison.depth} gauges. Each asks the
 * provider at most every ten seconds, however often it is scraped: for Azure each ask is a billed
 * call. A failed ask reads as NaN.
 */
final class QueueDepthGauges {
    static final Duration TTL = Duration.ofSeconds(10);

    private final Cached depth;
    private final Cached poisonDepth;

    QueueDepthGauges(QueueProvider queue, Clock clock) {
        this.depth = new Cached(queue::approximateDepth, clock);
        this.poisonDepth = new Cached(queue::approximatePoisonDepth, clock);
    }

    /** Registers both gauges, and {@code inFlight}, with the engine's meters. */
    void register(WorkerMetrics metrics, Supplier<Number> inFlight) {
        metrics.gauges(inFlight, depth::get, poisonDepth::get);
    }

    Number depth() {
        return depth.get();
    }

    Number poisonDepth() {
        return poisonDepth.get();
    }

    /** One value, read again once it is older than {@link #TTL}. */
    private static final class Cached {
        private final LongSupplier source;
        private final Clock clock;
        private long value = -1;
        private Instant readAt = Instant.MIN;

        Cached(LongSupplier source, Clock clock) {
            this.source = source;
            this.clock = clock;
        }

        synchronized Number get() {
            Instant now = clock.instant();
            if (value < 0 || readAt.plus(TTL).isBefore(now)) {
                try {
                    value = source.getAsLong();
                    readAt = now;
                } catch (RuntimeException e) {
                    return Double.NaN;
                }
            }
            return value;
        }
    }
}
