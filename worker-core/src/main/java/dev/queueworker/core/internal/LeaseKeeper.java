package dev.queueworker.core.internal;

import dev.queueworker.api.CancellationReason;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.core.Scheduler;
import dev.queueworker.core.WorkerListener;
import dev.queueworker.core.internal.WorkerMetrics.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import org.slf4j.Logger;

/**
 * Keeps every held message hidden: one sweep every sixth of the visibility timeout renews each lease
 * with half of it or less left, so a renewal that fails still leaves time for another. One sweep
 * for all messages costs less than a timer per message, which would sit on the per-task hot path.
 * A lease found lost cancels its run: another worker may hold the message now. A run whose final
 * operation is in flight ({@link Run.Lease#SETTLING}) is skipped, not waited for: that operation
 * uses the receipt a renewal would replace, and one slow delete must not hold up every renewal.
 */
final class LeaseKeeper {
    private static final Duration SHORTEST_SWEEP = Duration.ofMillis(100);

    private final QueueProvider queue;
    private final Collection<Run> held;
    private final Duration visibility;
    private final Scheduler scheduler;
    private final WorkerMetrics metrics;
    private final WorkerListener listener;
    private final QueueOutageLog outages;
    private final Logger log;
    private volatile Scheduler.Cancellable timer;
    private volatile boolean stopped;

    LeaseKeeper(QueueProvider queue, Collection<Run> held, Duration visibility, Scheduler scheduler,
            WorkerMetrics metrics, WorkerListener listener, QueueOutageLog outages, Logger log) {
        this.queue = queue;
        this.held = held;
        this.visibility = visibility;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.listener = listener;
        this.outages = outages;
        this.log = log;
    }

    /** How often the sweep runs: a sixth of the visibility timeout, at least 100 ms. */
    static Duration sweepInterval(Duration visibility) {
        Duration interval = visibility.dividedBy(6);
        return interval.compareTo(SHORTEST_SWEEP) < 0 ? SHORTEST_SWEEP : interval;
    }

    void start() {
        timer = scheduler.schedule(this::sweep, sweepInterval(visibility));
    }

    void stop() {
        stopped = true;
        Scheduler.Cancellable t = timer;
        if (t != null) {
            t.cancel();
        }
    }

    /** Renews every held lease that is due, then schedules the next sweep. */
    void sweep() {
        if (stopped) {
            return;
        }
        Instant now = scheduler.clock().instant();
        Duration half = visibility.dividedBy(2);
        for (Run run : held) {
            renew(run, now, half);
        }
        if (!stopped) {
            timer = scheduler.schedule(this::sweep, sweepInterval(visibility));
        }
    }

    private void renew(Run run, Instant now, Duration half) {
        Run.Renewed renewed;
        try {
            renewed = run.renewIfDue(queue, now, half, visibility);
        } catch (RuntimeException e) {
            // Transient: the next sweep tries again. A lease that lapsed meanwhile shows up as lost then.
            outages.failed("renewing the lease of task " + run.label(), e);
            return;
        }
        if (renewed == Run.Renewed.LEASE_LOST) {
            log.warn("Lease of task {} was lost (another worker may run it); cancelling it here", run.label());
            run.context.cancel(CancellationReason.LEASE_LOST);
            metrics.task(run.typeTag(), Outcome.LEASE_LOST, null);
            TaskRef ref = run.ref();
            listener.leaseLost(ref == null ? null : ref.task());
        }
    }
}
