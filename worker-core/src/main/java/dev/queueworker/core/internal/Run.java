package dev.queueworker.core.internal;

import dev.queueworker.api.CancellationReason;
import dev.queueworker.api.LeaseLostException;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.Receipt;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One received message, from its receive to its final queue operation: its newest receipt and
 * whether it is done or abandoned. The lease keeper renews it and the settling thread ends it, so
 * the lease state is guarded by this object's monitor.
 */
final class Run {
    /** How a final queue operation went. */
    enum Settled { DONE, ALREADY_ABANDONED, LEASE_LOST }

    /** How a renewal went. */
    enum Renewed { RENEWED, NOT_DUE, LEASE_LOST }

    final QueueMessage message;
    final RunContext context;
    private volatile Instant startedAt;
    private volatile TaskRef ref;
    // Guarded by this.
    private Receipt receipt;
    private boolean done;
    private CancellationReason abandoned;

    Run(QueueMessage message, Instant receivedAt, java.util.function.Function<Run, RunContext> context) {
        this.message = message;
        this.startedAt = receivedAt;
        this.receipt = message.receipt();
        this.context = context.apply(this);
    }

    /** When its handler started, or when it was received until then. */
    Instant startedAt() {
        return startedAt;
    }

    void started(Instant at) {
        startedAt = at;
    }

    /** What the message carries; null until it was decoded. */
    TaskRef ref() {
        return ref;
    }

    void ref(TaskRef ref) {
        this.ref = ref;
    }

    synchronized Receipt receipt() {
        return receipt;
    }

    synchronized CancellationReason abandonedReason() {
        return abandoned;
    }

    /** Marks an unfinished run abandoned; false when it is already done or abandoned. */
    synchronized boolean abandon(CancellationReason reason) {
        if (done || abandoned != null) {
            return false;
        }
        abandoned = reason;
        return true;
    }

    synchronized void markDone() {
        done = true;
    }

    /** Runs the final queue operation on the newest receipt, unless the run was abandoned. */
    synchronized Settled settle(Consumer<Receipt> operation) {
        if (abandoned != null) {
            return Settled.ALREADY_ABANDONED;
        }
        try {
            operation.accept(receipt);
            done = true;
            return Settled.DONE;
        } catch (LeaseLostException e) {
            abandoned = CancellationReason.LEASE_LOST;
            return Settled.LEASE_LOST;
        }
    }

    /**
     * Extends the lease by {@code visibility} when it has {@code threshold} or less left at {@code now}.
     * A transient failure is thrown and leaves the lease as it was, for the next sweep.
     */
    synchronized Renewed renewIfDue(QueueProvider queue, Instant now, Duration threshold, Duration visibility) {
        if (done || abandoned != null
                || Duration.between(now, receipt.nextVisibleAt()).compareTo(threshold) > 0) {
            return Renewed.NOT_DUE;
        }
        try {
            receipt = queue.extendVisibility(receipt, visibility);
            return Renewed.RENEWED;
        } catch (LeaseLostException e) {
            abandoned = CancellationReason.LEASE_LOST;
            return Renewed.LEASE_LOST;
        }
    }

    /** The task id once known, else the message id. */
    String label() {
        TaskRef r = ref;
        return r != null ? r.taskId() : "message " + message.messageId();
    }

    String typeTag() {
        TaskRef r = ref;
        return r != null ? r.typeTag() : "unknown";
    }
}
