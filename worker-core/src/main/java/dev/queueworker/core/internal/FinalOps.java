package dev.queueworker.core.internal;

import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.MDC;

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
    private final BiConsumer<Run, Throwable> failed;
    private final Consumer<Run> finished;

    /**
     * @param maxThreads the most deletes in flight off the handler threads: the held-message bound
     * @param failed what the engine does when a handed-off delete throws
     * @param finished ends a run whose delete was handed off (its capacity is free again)
     */
    FinalOps(int maxThreads, BiConsumer<Run, Throwable> failed, Consumer<Run> finished) {
        // No queue: a hand-off either finds a thread at once or the delete runs on the handler thread.
        this.threads = new ThreadPoolExecutor(0, maxThreads, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
                NamedThreads.daemon("queue-worker-settle"));
        this.failed = failed;
        this.finished = finished;
    }

    /**
     * Runs {@code delete} (the delete of {@code run} and what follows it) on a thread of its own, with
     * the calling thread's MDC (the task's id and type), then ends the run; on this thread when every
     * thread is busy or the engine stops.
     *
     * @return true when handed off: the run ends on the other thread
     */
    boolean delete(Run run, Runnable delete) {
        Map<String, String> taskContext = MDC.getCopyOfContextMap();
        try {
            threads.execute(() -> {
                Map<String, String> own = MDC.getCopyOfContextMap();
                if (taskContext != null) {
                    MDC.setContextMap(taskContext);
                }
                try {
                    delete.run();
                } catch (RuntimeException | Error e) {
                    failed.accept(run, e);
                } finally {
                    if (own == null) {
                        MDC.clear();
                    } else {
                        MDC.setContextMap(own);
                    }
                    finished.accept(run);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            delete.run();
            return false;
        }
    }

    void shutdownNow() {
        threads.shutdownNow();
    }
}
