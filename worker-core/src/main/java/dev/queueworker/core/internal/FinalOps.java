package dev.queueworker.core.internal;

import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * The settling of finished runs on a remote queue, bounded: the engine hands a run's final delete or
 * visibility update here when its receives take a network round trip ({@link PollLoop#quickReceives()}
 * is false), so the handler slot, and its share of receive capacity, take the next message while the
 * operation is in flight. At most {@link HoldBound#settling()} operations are in flight here; when
 * all are taken the handler thread runs its own (backpressure: the run keeps its slot and its
 * capacity, so the next receive waits), never a queue that grows. A settling run is still held,
 * under lease renewal until its operation starts, and a drain waits for it. On an in-memory queue
 * the operation stays on the handler thread: a hand-off would cost more than the operation.
 */
final class FinalOps {
    private final Semaphore room;
    private final ThreadPoolExecutor threads;
    private final BiConsumer<Run, Throwable> failed;
    private final Consumer<Run> finished;

    /**
     * @param limit the most operations in flight here: the settling bound
     * @param failed what the engine does when a handed-off operation throws
     * @param finished ends a run whose operation was handed off
     */
    FinalOps(int limit, BiConsumer<Run, Throwable> failed, Consumer<Run> finished) {
        this.room = new Semaphore(limit);
        // One thread per permit at most; the queue holds a hand-off only while a thread returns to it.
        this.threads = new ThreadPoolExecutor(limit, limit, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                NamedThreads.daemon("queue-worker-settle"));
        this.threads.allowCoreThreadTimeOut(true);
        this.failed = failed;
        this.finished = finished;
    }

    /**
     * Runs {@code operation} (the final queue operation of {@code run} and what follows it) on a
     * settling thread, with the calling thread's MDC (the task's id and type), then ends the run; on
     * this thread when the settling bound is reached or the engine stops.
     *
     * @return true when handed off: the run ends on the other thread
     */
    boolean settle(Run run, Runnable operation) {
        if (!room.tryAcquire()) {
            operation.run();
            return false;
        }
        Map<String, String> taskContext = MDC.getCopyOfContextMap();
        try {
            threads.execute(() -> {
                Map<String, String> own = MDC.getCopyOfContextMap();
                if (taskContext != null) {
                    MDC.setContextMap(taskContext);
                }
                try {
                    operation.run();
                } catch (RuntimeException | Error e) {
                    failed.accept(run, e);
                } finally {
                    if (own == null) {
                        MDC.clear();
                    } else {
                        MDC.setContextMap(own);
                    }
                    try {
                        finished.accept(run);
                    } finally {
                        room.release();
                    }
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            room.release();
            operation.run();
            return false;
        }
    }

    /** Operations in flight here now. */
    int inFlight() {
        return threads.getMaximumPoolSize() - room.availablePermits();
    }

    void shutdownNow() {
        threads.shutdownNow();
    }
}
