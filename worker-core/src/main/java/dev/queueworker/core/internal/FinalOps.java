package dev.queueworker.core.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where the final delete of a completed task runs. While deletes are quick (an in-memory queue) it
 * runs on the handler thread: a hand-off would cost more than the delete. Once one takes
 * {@link #QUICK_NANOS} or more (a network round trip), later ones run on threads of their own, so
 * the handler slot takes the next waiting message while the delete is in flight. The message still
 * counts as held, under lease renewal, until its delete is done, so the bound on held messages
 * (slots plus one batch) is unchanged; so is the number of requests.
 */
final class FinalOps {
    /** A final operation quicker than this runs on the handler thread. */
    static final long QUICK_NANOS = 1_000_000L;

    private final ThreadPoolExecutor threads;
    private volatile long lastNanos;

    /** @param maxThreads the most final operations in flight off the handler threads: the held-message bound */
    FinalOps(int maxThreads) {
        // No queue: a hand-off either finds a thread at once or the operation runs on the handler thread.
        this.threads = new ThreadPoolExecutor(0, maxThreads, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
                NamedThreads.daemon("queue-worker-settle"));
    }

    /** Runs {@code operation} on this thread, timing it. */
    void runHere(Runnable operation) {
        long begin = System.nanoTime();
        try {
            operation.run();
        } finally {
            lastNanos = System.nanoTime() - begin;
        }
    }

    /**
     * Hands {@code operation} to a thread of its own when final operations are slow.
     *
     * @return true when handed off; false when the caller should run it ({@link #runHere})
     */
    boolean handOff(Runnable operation) {
        if (lastNanos < QUICK_NANOS) {
            return false;
        }
        try {
            threads.execute(() -> runHere(operation));
            return true;
        } catch (RejectedExecutionException e) {
            return false; // every thread busy, or stopping
        }
    }

    /** Whether the last final operation was slow enough for the next one to be handed off. */
    boolean slow() {
        return lastNanos >= QUICK_NANOS;
    }

    void shutdownNow() {
        threads.shutdownNow();
    }
}
