package dev.queueworker.core.internal;

import dev.queueworker.core.WorkerOptions;

/**
 * How many messages a worker may hold, as three bounded quantities, each under lease renewal
 * ({@link LeaseKeeper}) and each kept by one part:
 *
 * <ul>
 *   <li><b>running</b> (on a handler thread) ≤ {@link #slots()}: the engine's handler pool has that
 *       many threads;
 *   <li><b>waiting</b> (received, or asked for by a receive in flight, and not yet on a handler
 *       thread) ≤ {@link #batch()} while every slot is busy, as running plus waiting ≤
 *       {@link #receiveCapacity()}: the {@link PollLoop} reserves capacity before each receive and
 *       gets it back when a message leaves its handler thread (a free handler thread takes a
 *       waiting message at once, so more than a batch waits only while a thread changes tasks);
 *   <li><b>settling</b> (the delete or visibility update of a finished run, off its handler thread)
 *       ≤ {@link #slots()}: {@link FinalOps}; when it is full the handler thread settles its run
 *       itself, so the run keeps its place among the running and the next receive waits.
 * </ul>
 *
 * <p>A finished run whose final operation is in flight no longer counts against receive capacity
 * (issue 23): the handler slot and its capacity go to the next message while the delete takes its
 * round trip. A worker therefore holds at most {@code 2 × slots + batch} messages.
 *
 * @param slots the handler slots ({@code concurrency})
 * @param batch what is received ahead of the slots: {@code min(maxMessages, 2 × concurrency)}, so
 *     that long tasks do not pile up here while other workers have free slots
 */
record HoldBound(int slots, int batch) {
    HoldBound {
        if (slots < 1 || batch < 1) {
            throw new IllegalArgumentException("slots and batch must be positive, were " + slots + " and " + batch);
        }
    }

    static HoldBound of(WorkerOptions options) {
        return new HoldBound(options.concurrency(), Math.min(options.maxMessages(), 2 * options.concurrency()));
    }

    /** The most messages running or waiting at once: slots plus one batch. */
    int receiveCapacity() {
        return slots + batch;
    }

    /** The most final operations in flight off the handler threads. */
    int settling() {
        return slots;
    }

    /** A new receive starts when half a batch of capacity is free. */
    int receiveThreshold() {
        return Math.max(1, batch / 2);
    }
}
