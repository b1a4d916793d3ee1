package dev.queueworker.core.internal;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Jittered, capped exponential delays. Jitter only shortens a delay (never below 80 % of it for
 * retries, 90 % for polls), so retry delays still grow with every attempt and an idle worker never
 * waits longer than its polling interval.
 */
public final class Backoff {
    private Backoff() {
    }

    /**
     * The wait before attempt {@code attempt + 1} after attempt {@code attempt} failed:
     * {@code base * 2^(attempt-1)}, capped at {@code max}, times a jitter factor in [0.8, 1].
     */
    public static Duration retryDelay(int attempt, Duration base, Duration max, DoubleSupplier random) {
        return jittered(exponential(base, max, attempt - 1), 0.2, random);
    }

    /**
     * The wait after {@code emptyPolls} empty receives in a row (1 after the first):
     * {@code min * 2^(emptyPolls-1)}, capped at {@code max}, times a jitter factor in [0.9, 1].
     */
    public static Duration pollDelay(int emptyPolls, Duration min, Duration max, DoubleSupplier random) {
        return jittered(exponential(min, max, emptyPolls - 1), 0.1, random);
    }

    private static Duration exponential(Duration base, Duration max, int doublings) {
        long baseNanos = base.toNanos();
        long maxNanos = max.toNanos();
        int shift = Math.max(0, Math.min(doublings, 62));
        if (baseNanos == 0) {
            return Duration.ZERO;
        }
        if (shift >= Long.numberOfLeadingZeros(baseNanos) - 1 || (baseNanos << shift) > maxNanos) {
            return max;
        }
        return Duration.ofNanos(baseNanos << shift);
    }

    private static Duration jittered(Duration delay, double spread, DoubleSupplier random) {
        double factor = 1.0 - spread * random.getAsDouble();
        return Duration.ofNanos((long) (delay.toNanos() * factor));
    }
}
