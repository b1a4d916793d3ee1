package dev.queueworker.runner.internal.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;

/**
 * The overview's figures over the last hour, in memory: per minute the outcomes (completed, retried,
 * poisoned), webhook deliveries and a latency histogram (log-scale buckets, so p50/p95 cost nothing to
 * record); every sample the depths of the queue and the poison queue. Bounded: 60 minutes, 720 samples.
 * Thread-safe; recording is a few array writes under a lock.
 */
final class LiveFigures {

    static final int MINUTES = 60;
    static final int SAMPLES = 720; // an hour at Console.DEPTH_MILLIS
    private static final int BUCKETS = 64;
    private static final double BASE_MS = 1.0;
    private static final double GROWTH = 1.35;

    private final Clock clock;
    private final Minute[] minutes = new Minute[MINUTES];
    private final long[] sampleTimes = new long[SAMPLES];
    private final long[] depths = new long[SAMPLES];
    private final long[] poisonDepths = new long[SAMPLES];
    private int sampleCount;
    private int sampleNext;

    LiveFigures(Clock clock) {
        this.clock = clock;
    }

    /** One kind of outcome counted per minute. */
    enum Outcome { COMPLETED, RETRIED, POISONED }

    synchronized void outcome(Outcome outcome, long durationMillis) {
        Minute m = current();
        switch (outcome) {
            case COMPLETED -> m.completed++;
            case RETRIED -> m.retried++;
            case POISONED -> m.poisoned++;
        }
        if (durationMillis >= 0) {
            m.latency[bucket(durationMillis)]++;
            m.latencyCount++;
        }
    }

    synchronized void webhook(boolean delivered) {
        Minute m = current();
        if (delivered) {
            m.webhooksDelivered++;
        } else {
            m.webhooksFailed++;
        }
    }

    synchronized void depth(long depth, long poisonDepth) {
        sampleTimes[sampleNext] = clock.millis() / 1000;
        depths[sampleNext] = depth;
        poisonDepths[sampleNext] = poisonDepth;
        sampleNext = (sampleNext + 1) % SAMPLES;
        sampleCount = Math.min(sampleCount + 1, SAMPLES);
    }

    /** The latest depths, or -1 before the first sample. */
    synchronized long[] latestDepths() {
        if (sampleCount == 0) {
            return new long[] {-1, -1};
        }
        int last = (sampleNext - 1 + SAMPLES) % SAMPLES;
        return new long[] {depths[last], poisonDepths[last]};
    }

    /**
     * The figures as columns for the charts: {@code depth: {t, queue, poison}} and {@code minutes: {t,
     * completed, retried, poisoned, p50, p95, errorRate, webhookRate}} (nulls where a minute saw nothing).
     */
    synchronized ObjectNode toJson() {
        ObjectNode root = HttpAnswers.JSON.createObjectNode();
        ObjectNode depth = root.putObject("depth");
        ArrayNode t = depth.putArray("t");
        ArrayNode q = depth.putArray("queue");
        ArrayNode p = depth.putArray("poison");
        long oldest = clock.millis() / 1000 - MINUTES * 60L;
        for (int i = 0; i < sampleCount; i++) {
            int at = (sampleNext - sampleCount + i + SAMPLES) % SAMPLES;
            if (sampleTimes[at] >= oldest) {
                t.add(sampleTimes[at]);
                q.add(depths[at]);
                p.add(poisonDepths[at]);
            }
        }
        ObjectNode per = root.putObject("minutes");
        ArrayNode mt = per.putArray("t");
        ArrayNode completed = per.putArray("completed");
        ArrayNode retried = per.putArray("retried");
        ArrayNode poisoned = per.putArray("poisoned");
        ArrayNode p50 = per.putArray("p50");
        ArrayNode p95 = per.putArray("p95");
        ArrayNode errorRate = per.putArray("errorRate");
        ArrayNode webhookRate = per.putArray("webhookRate");
        long nowMinute = clock.millis() / 60_000;
        for (long minute = nowMinute - MINUTES + 1; minute <= nowMinute; minute++) {
            Minute m = minutes[(int) (minute % MINUTES)];
            boolean seen = m != null && m.minute == minute;
            mt.add(minute * 60);
            completed.add(seen ? m.completed : 0);
            retried.add(seen ? m.retried : 0);
            poisoned.add(seen ? m.poisoned : 0);
            long attempts = seen ? m.completed + m.retried + m.poisoned : 0;
            if (seen && m.latencyCount > 0) {
                p50.add(percentile(m, 0.50));
                p95.add(percentile(m, 0.95));
            } else {
                p50.addNull();
                p95.addNull();
            }
            if (attempts > 0) {
                errorRate.add(Math.round(1000.0 * (m.retried + m.poisoned) / attempts) / 10.0);
            } else {
                errorRate.addNull();
            }
            long hooks = seen ? m.webhooksDelivered + m.webhooksFailed : 0;
            if (hooks > 0) {
                webhookRate.add(Math.round(1000.0 * m.webhooksDelivered / hooks) / 10.0);
            } else {
                webhookRate.addNull();
            }
        }
        return root;
    }

    private Minute current() {
        long minute = clock.millis() / 60_000;
        int slot = (int) (minute % MINUTES);
        Minute m = minutes[slot];
        if (m == null || m.minute != minute) {
            m = new Minute(minute);
            minutes[slot] = m;
        }
        return m;
    }

    static int bucket(long millis) {
        if (millis <= BASE_MS) {
            return 0;
        }
        int b = (int) Math.ceil(Math.log(millis / BASE_MS) / Math.log(GROWTH));
        return Math.min(b, BUCKETS - 1);
    }

    /** The upper bound of the bucket holding the given fraction of the minute's latencies, in ms. */
    private static long percentile(Minute m, double fraction) {
        long rank = (long) Math.ceil(fraction * m.latencyCount);
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += m.latency[b];
            if (seen >= rank) {
                return Math.round(BASE_MS * Math.pow(GROWTH, b));
            }
        }
        return Math.round(BASE_MS * Math.pow(GROWTH, BUCKETS - 1));
    }

    private static final class Minute {
        final long minute;
        final long[] latency = new long[BUCKETS];
        long latencyCount;
        long completed;
        long retried;
        long poisoned;
        long webhooksDelivered;
        long webhooksFailed;

        Minute(long minute) {
            this.minute = minute;
        }
    }
}
