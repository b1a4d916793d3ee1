package dev.queueworker.core.internal;

import dev.queueworker.core.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Scheduler} on real time: two daemon timer threads, one worker's own. */
public final class SystemScheduler implements Scheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SystemScheduler.class);

    private final Clock clock;
    private final ScheduledThreadPoolExecutor executor;

    public SystemScheduler(Clock clock, String threadPrefix) {
        this.clock = clock;
        // Two threads: a slow receive during an outage must not hold up lease renewals.
        this.executor = new ScheduledThreadPoolExecutor(2, NamedThreads.daemon(threadPrefix));
        this.executor.setRemoveOnCancelPolicy(true);
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.error("A scheduled engine task failed", e);
            }
        };
        ScheduledFuture<?> future;
        try {
            future = executor.schedule(guarded, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The worker stopped meanwhile (a drain can finish while shutdown is still scheduling).
            return () -> { };
        }
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
