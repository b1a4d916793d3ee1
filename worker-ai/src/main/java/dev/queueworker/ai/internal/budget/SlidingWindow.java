package dev.queueworker.ai.internal.budget;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What was spent of one limit (requests or tokens) over the last window, as the API counts it: a
 * call's estimate is reserved when it is sent and holds room until it completes; then it counts its
 * actual amount until one window after its completion (later than the server's own count, so the
 * window never frees room before the server does). Spending seen only in the server's
 * {@code remaining} header (other workers of the fleet) is added as it is learned. Not thread-safe:
 * {@link ApiBudget} guards it.
 */
final class SlidingWindow {
    /** Returned by {@link #waitMillis} when only a call in flight can make room. */
    static final long UNTIL_A_CALL_COMPLETES = -1;

    /** One amount spent; {@code expiresAt} is {@link Long#MAX_VALUE} while its call is in flight. */
    static final class Spend {
        private long amount;
        private long expiresAt;

        private Spend(long amount, long expiresAt) {
            this.amount = amount;
            this.expiresAt = expiresAt;
        }
    }

    private final long windowMillis;
    private final List<Spend> spends = new ArrayList<>();

    SlidingWindow(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    /** Holds {@code amount} for a call being sent at {@code now}. */
    Spend reserve(long now, long amount) {
        used(now); // drops what expired, also when no limit is known and nothing else looks
        Spend spend = new Spend(amount, Long.MAX_VALUE);
        spends.add(spend);
        return spend;
    }

    /** The call completed at {@code now}, having spent {@code amount}. */
    void settle(Spend spend, long now, long amount) {
        spend.amount = amount;
        spend.expiresAt = now + windowMillis + 1; // a millisecond clock may read up to 1 ms early
    }

    /** Adds spending the server reported and this process did not make, gone at {@code expiresAt}. */
    void external(long amount, long expiresAt) {
        spends.add(new Spend(amount, expiresAt));
    }

    /** What counts at {@code now}. */
    long used(long now) {
        spends.removeIf(s -> s.expiresAt <= now);
        long sum = 0;
        for (Spend s : spends) {
            sum += s.amount;
        }
        return sum;
    }

    /** How many amounts are kept, expired ones not yet dropped included. */
    int entries() {
        return spends.size();
    }

    /**
     * How long until {@code need} fits under {@code limit}: 0 when it fits now, else the
     * milliseconds until enough completed spending expires, or {@link #UNTIL_A_CALL_COMPLETES}. A
     * need larger than the whole limit waits for an empty window.
     */
    long waitMillis(long now, long need, long limit) {
        long used = used(now);
        long fit = Math.min(need, limit);
        if (used + fit <= limit) {
            return 0;
        }
        List<Spend> expiring = new ArrayList<>(spends);
        expiring.sort(Comparator.comparingLong(s -> s.expiresAt));
        long left = used;
        for (Spend s : expiring) {
            if (s.expiresAt == Long.MAX_VALUE) {
                return UNTIL_A_CALL_COMPLETES;
            }
            left -= s.amount;
            if (left + fit <= limit) {
                return s.expiresAt - now;
            }
        }
        return 0;
    }
}
