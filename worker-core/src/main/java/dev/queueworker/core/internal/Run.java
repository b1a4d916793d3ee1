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
 * One received message, from its receive to its final queue operation: its newest receipt and its
 * {@link Lease} state. The lease keeper renews it and the settling thread ends it, so the lease
 * state is guarded by this object's monitor; the final operation itself runs outside the monitor
 * ({@link Lease#SETTLING}), so a renewal sweep never waits for a delete in flight.
 */
final class Run {
    /** How a final queue operation went. */
    enum Settled { DONE, ALREADY_ABANDONED, LEASE_LOST }

    /** How a renewal went. */
    enum Renewed { RENEWED, NOT_DUE, LEASE_LOST }

    /** Where the message's lease is. */
    enum Lease {
        /** Held and renewed by the lease keeper. */
        HELD,
        /**
         * Its final operation (delete, release, poison) is in flight on the newest receipt: not
         * renewed, which would change that receipt.
         */
        SETTLING,
        /** Settled or finished: nothing more to renew. */
        DONE,
        /** Left for another worker (lease lost, drain timed out): never settled here. */
        ABANDONED
    }

    final QueueMessage message;
    final RunContext context;
    private volatile Instant startedAt;
    private volatile TaskRef ref;
    // Guarded by this.
    private Receipt receipt;
    private Lease lease = Lease.HELD;
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

    synchronized Lease lease() {
        return lease;
    }

    synchronized CancellationReason abandonedReason() {
        return abandoned;
    }

    /** Marks a held run abandoned; false when it is settling, done or already abandoned. */
    synchronized boolean abandon(CancellationReason reason) {
        if (lease != Lease.HELD) {
            return false;
        }
        lease = Lease.ABANDONED;
        abandoned = reason;
        return true;
    }

    synchronized void markDone() {
        if (lease != Lease.ABANDONED) {
            lease = Lease.DONE;
        }
    }

    /**
     * Runs the final queue operation on the newest receipt, unless the run was abandoned. A
     * transient failure is thrown and leaves the run held.
     */
    Settled settle(Consumer<Receipt> operation) {
        Receipt current;
        synchronized (this) {
            if (lease == Lease.ABANDONED) {
                return Settled.ALREADY_ABANDONED;
            }
            lease = Lease.SETTLING;
            current = receipt;
        }
        boolean settled = false;
        try {
            operation.accept(current);
            settled = true;
            return Settled.DONE;
        } catch (LeaseLostException e) {
            synchronized (this) {
                lease = Lease.ABANDONED;
                abandoned = CancellationReason.LEASE_LOST;
            }
            return Settled.LEASE_LOST;
        } finally {
            synchronized (this) {
                if (lease == Lease.SETTLING) {
                    lease = settled ? Lease.DONE : Lease.HELD;
                }
            }
        }
    }

    /**
     * Extends the lease by {@code visibility} when it has {@code threshold} or less left at {@code now}.
     * A transient failure is thrown and leaves the lease as it was, for the next sweep.
     */
    synchronized Renewed renewIfDue(QueueProvider queue, Instant now, Duration threshold, Duration visibility) {
        if (lease != Lease.HELD || Duration.between(now, receipt.nextVisibleAt()).compareTo(threshold) > 0) {
            return Renewed.NOT_DUE;
        }
        try {
            receipt = queue.extendVisibility(receipt, visibility);
            return Renewed.RENEWED;
        } catch (LeaseLostException e) {
            lease = Lease.ABANDONED;
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
