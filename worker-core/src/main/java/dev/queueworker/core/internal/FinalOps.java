package dev.queueworker.core.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Threads for the final delete of completed tasks when the queue is remote: the engine hands a delete
 * here when its receives take a network round trip ({@link PollLoop#quickReceives()} is false), so the
 * handler slot takes the next waiting message while the delete is in flight. On an in-memory queue
 * the delete stays on the handler thread: a hand-off would cost more than the delete. The message
 * still counts as held, under lease renewal, until its delete is done, so the bound on held messages
 * (slots plus one batch) is unchanged; so is the number of requests.
 */
final class FinalOps {
    private final ThreadPoolExecutor threads;

    /** @param maxThreads the most deletes in flight off the handler threads: the held-message bound */
    FinalOps(int maxThreads) {
        // No queue: a hand-off either finds a thread at once or the delete runs on the handler thread.
        this.threads = new ThreadPoolExecutor(0, maxThreads, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
                NamedThreads.daemon("queue-worker-settle"));
    }

    /**
     * Hands {@code operation} to a thread of its own.
     *
     * @return true when handed off; false when every thread is busy or the engine stops (the caller runs it)
     */
    boolean handOff(Runnable operation) {
        try {
            threads.execute(operation);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    void shutdownNow() {
        threads.shutdownNow();
    }
}
