package dev.queueworker.core;

import dev.queueworker.core.internal.SlotPool;

/**
 * Handler slots shared by several {@link Worker}s in one process, for example one worker per client
 * of a daemon serving several clients. A worker built with {@link Worker.Builder#sharedSlots} runs a
 * task only while it holds one of these slots, and never more at once than its own
 * {@link WorkerOptions#concurrency()}.
 *
 * <p>Slots are handed out fairly and without waste: a free slot goes to the waiting worker that
 * holds the fewest slots per unit of its weight (among equals, the one that has waited longest), so
 * a worker with one task waiting gets the next free slot however many tasks another has queued; a
 * worker alone gets every free slot. Received messages waiting for a slot stay under lease renewal;
 * one waiting on a handler thread counts among its worker's running ones, bounded by its
 * concurrency.
 *
 * <pre>{@code
 * SharedSlots slots = SharedSlots.of(16);
 * Worker a = Worker.builder().queue(queueA).handler(h).sharedSlots(slots, 1).build().start();
 * Worker b = Worker.builder().queue(queueB).handler(h).sharedSlots(slots, 2).build().start();
 * }</pre>
 */
public final class SharedSlots {
    private final SlotPool pool;

    private SharedSlots(int total) {
        this.pool = new SlotPool(total);
    }

    /**
     * @param total the slots shared, at least 1
     * @throws IllegalArgumentException when {@code total} is below 1
     */
    public static SharedSlots of(int total) {
        return new SharedSlots(total);
    }

    /** The slots shared. */
    public int total() {
        return pool.total();
    }

    /** Slots held now by running tasks of every worker. */
    public int inUse() {
        return pool.inUse();
    }

    /** Received tasks waiting for a slot now, of every worker. */
    public int waiting() {
        return pool.waiting();
    }

    SlotPool pool() {
        return pool;
    }

    @Override
    public String toString() {
        return "SharedSlots[total=" + total() + ", inUse=" + inUse() + ", waiting=" + waiting() + "]";
    }
}
