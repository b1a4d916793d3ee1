package dev.queueworker.core.internal;

import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.core.Scheduler;
import dev.queueworker.core.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Decides when to receive and how many messages to ask for, so that handler slots rarely wait for a
 * receive and the worker never holds more than it may.
 *
 * <p><b>Capacity</b> ({@link HoldBound}). The loop keeps the worker's receive bound: messages
 * running or waiting for a slot (received, or asked for by a receive in flight) are at most
 * {@code slots + batch}, where {@code batch} is {@code min(maxMessages, 2 × concurrency)}; with
 * every slot busy, at most one batch waits. Each receive reserves what it asks for; each message
 * that leaves its handler slot gives one back, also when its final delete or visibility update is
 * still in flight ({@link FinalOps} bounds those). As in the Azure Functions queue trigger
 * (batchSize, newBatchThreshold), a new receive starts while handlers still run, as soon as half a
 * batch of capacity is free; unlike it, up to {@link #MAX_RECEIVES_IN_FLIGHT} receives may be in
 * flight while messages flow, which hides the round trip of a slow link.
 *
 * <p><b>States</b> ({@link Mode}): {@code PROBING} runs one receive at a time (at start, after a
 * timer); a receive that returns messages makes it {@code FLOWING}; an empty or failed receive with
 * none other in flight makes it {@code BACKING_OFF}, waiting on a timer that grows from
 * {@code minPollingInterval} to {@code pollingInterval}, so an idle worker costs
 * what it did with one receive at a time. {@code STOPPED} is final.
 *
 * <p><b>Threads.</b> The first receive runs on a poller thread; a timed one on the scheduler's
 * thread; one started by a finished message on that handler's thread when it has nothing else
 * queued or receives are quick (no hand-off), else on a poller thread, so that a slow receive does
 * not keep a handler thread from the messages waiting for it.
 */
final class PollLoop {
    /** The most receives in flight at once. */
    static final int MAX_RECEIVES_IN_FLIGHT = 2;

    /** A receive quicker than this (an in-memory queue) runs on the handler thread that freed capacity. */
    static final long QUICK_RECEIVE_NANOS = 1_000_000L;

    /** Where the loop is; see the class comment. */
    enum Mode { NEW, PROBING, FLOWING, BACKING_OFF, STOPPED }

    /** What one receive brought. */
    private enum Received { NOTHING, SOME, FULL_BATCH }

    /** Takes received messages. */
    interface Sink {
        /** Takes one message to run; false when the worker takes no more (the loop then releases it). */
        boolean accept(QueueMessage message);

        /** No receive is in flight any more; called after each receive. */
        default void receivesSettled() {
        }
    }

    private final QueueProvider queue;
    private final Sink sink;
    private final Scheduler scheduler;
    private final Executor pollers;
    private final WorkerMetrics metrics;
    private final QueueOutageLog outages;
    private final Logger log;
    private final DoubleSupplier random;
    private final Duration visibility;
    private final Duration minInterval;
    private final Duration maxInterval;
    private final int batch;
    private final int threshold;
    private final int limit;
    private final Semaphore capacity;
    private final LongSupplier nanoTime;

    private final Object lock = new Object();
    // Written under lock; read without it on the hot path.
    private volatile Mode mode = Mode.NEW;
    private volatile int receiving;
    private Scheduler.Cancellable timer;
    private int emptyPolls;
    private volatile long lastReceiveNanos = Long.MAX_VALUE;

    PollLoop(QueueProvider queue, Sink sink, WorkerOptions options, Scheduler scheduler, Executor pollers,
            WorkerMetrics metrics, QueueOutageLog outages, DoubleSupplier random, Logger log) {
        this(queue, sink, options, scheduler, pollers, metrics, outages, random, log, System::nanoTime);
    }

    /** With the source of {@link System#nanoTime()} that times receives, for tests. */
    PollLoop(QueueProvider queue, Sink sink, WorkerOptions options, Scheduler scheduler, Executor pollers,
            WorkerMetrics metrics, QueueOutageLog outages, DoubleSupplier random, Logger log, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.queue = queue;
        this.sink = sink;
        this.scheduler = scheduler;
        this.pollers = pollers;
        this.metrics = metrics;
        this.outages = outages;
        this.random = random;
        this.log = log;
        this.visibility = options.visibilityTimeout();
        this.minInterval = options.minPollingInterval();
        this.maxInterval = options.pollingInterval();
        this.batch = options.maxMessages();
        HoldBound bound = HoldBound.of(options);
        this.threshold = bound.receiveThreshold();
        this.limit = bound.receiveCapacity();
        this.capacity = new Semaphore(limit);
    }

    /** The most messages running or waiting at once: handler slots plus one batch. */
    int limit() {
        return limit;
    }

    /** Messages running or waiting now, or asked for by receives in flight. */
    int held() {
        return limit - capacity.availablePermits();
    }

    Mode mode() {
        return mode;
    }

    int receivesInFlight() {
        return receiving;
    }

    void start() {
        int wanted;
        synchronized (lock) {
            if (mode != Mode.NEW) {
                throw new IllegalStateException("the poll loop was already started");
            }
            mode = Mode.PROBING;
            wanted = reserve(1);
        }
        launch(wanted);
    }

    /** Stops receiving; a receive in flight completes and its messages are refused by the sink. */
    void stop() {
        synchronized (lock) {
            mode = Mode.STOPPED;
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
            lock.notifyAll();
        }
    }

    /**
     * A message left its handler slot (finished, or its final operation handed off): its capacity is
     * free again. May start a receive: on this thread when it has nothing else to run
     * ({@code handlerIdle}) or when receives are quick (a hand-off would cost more than the
     * receive), else on a poller thread.
     */
    void finished(BooleanSupplier handlerIdle) {
        capacity.release();
        if (capacity.availablePermits() < threshold || receiving >= limitOf(mode)) {
            return;
        }
        int wanted = startMore(mayReceiveOnHandler(handlerIdle), threshold, true);
        if (wanted > 0) {
            drive(wanted, () -> mayReceiveOnHandler(handlerIdle));
        }
    }

    /** Whether the last receive was quicker than {@link #QUICK_RECEIVE_NANOS}: the queue is in memory, not remote. */
    boolean quickReceives() {
        return lastReceiveNanos < QUICK_RECEIVE_NANOS;
    }

    private boolean mayReceiveOnHandler(BooleanSupplier handlerIdle) {
        return lastReceiveNanos < QUICK_RECEIVE_NANOS || handlerIdle.getAsBoolean();
    }

    /** Waits until no receive is in flight. */
    boolean awaitNoReceive(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (receiving > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    private void timerFired() {
        int wanted;
        synchronized (lock) {
            if (mode != Mode.BACKING_OFF) {
                return;
            }
            timer = null;
            mode = Mode.PROBING;
            wanted = reserve(1); // none when every slot is busy: the next finished message resumes
        }
        if (wanted > 0) {
            drive(wanted, () -> false); // one receive on the timer thread; what follows on a poller thread
        }
    }

    private static int limitOf(Mode mode) {
        return switch (mode) {
            case FLOWING -> MAX_RECEIVES_IN_FLIGHT;
            case PROBING -> 1;
            default -> 0;
        };
    }

    /** Reserves capacity for one more receive of at least {@code minimum}; 0 when none may start. Holds lock. */
    private int reserve(int minimum) {
        if (receiving >= limitOf(mode)) {
            return 0;
        }
        int wanted = Math.min(capacity.availablePermits(), batch);
        if (wanted < minimum || !capacity.tryAcquire(wanted)) {
            return 0;
        }
        receiving++;
        return wanted;
    }

    /**
     * Reserves receives while allowed (only one unless {@code extra}): the first for this thread when
     * {@code keepOne}, the others on poller threads.
     *
     * @return the reservation kept for this thread, or 0
     */
    private int startMore(boolean keepOne, int minimum, boolean extra) {
        int kept = 0;
        for (int started = 0; started == 0 || extra; started++) {
            int wanted;
            synchronized (lock) {
                wanted = reserve(minimum);
            }
            if (wanted == 0) {
                break;
            }
            if (keepOne && kept == 0) {
                kept = wanted;
            } else {
                launch(wanted);
            }
        }
        return kept;
    }

    private void launch(int wanted) {
        if (wanted == 0) {
            return;
        }
        try {
            pollers.execute(() -> drive(wanted, () -> true));
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                receiving--;
                lock.notifyAll();
            }
            capacity.release(wanted);
        }
    }

    /**
     * Runs a reserved receive on this thread, then the ones it may start next: on this thread while
     * {@code continueHere} says so, else on poller threads.
     */
    private void drive(int reserved, BooleanSupplier continueHere) {
        int wanted = reserved;
        while (wanted > 0) {
            Received received = receiveOnce(wanted);
            synchronized (lock) {
                receiving--;
                afterReceive(received != Received.NOTHING);
                lock.notifyAll();
            }
            // A full batch says more is waiting: another receive may run beside this thread's next.
            wanted = received == Received.NOTHING ? 0
                    : startMore(continueHere.getAsBoolean(), threshold, received == Received.FULL_BATCH);
        }
        sink.receivesSettled();
    }

    /**
     * One receive: hands each message to the sink and gives back the capacity of the rest.
     *
     * @return what the sink took
     */
    private Received receiveOnce(int wanted) {
        List<QueueMessage> messages;
        try {
            long begin = nanoTime.getAsLong();
            messages = queue.receive(wanted, visibility);
            lastReceiveNanos = nanoTime.getAsLong() - begin;
        } catch (RuntimeException e) {
            capacity.release(wanted);
            metrics.pollFailed();
            outages.failed("receiving", e);
            return Received.NOTHING;
        }
        try {
            outages.worked();
            metrics.poll(messages.size());
            int accepted = Math.min(messages.size(), wanted);
            capacity.release(wanted - accepted);
            int taken = 0;
            for (int i = 0; i < messages.size(); i++) {
                QueueMessage message = messages.get(i);
                if (i < accepted && sink.accept(message)) {
                    taken++;
                } else {
                    releaseUnstarted(message);
                    if (i < accepted) {
                        capacity.release();
                    }
                }
            }
            // Messages the sink refused (the worker is stopping) are no reason to receive again.
            return taken == 0 ? Received.NOTHING : taken == wanted ? Received.FULL_BATCH : Received.SOME;
        } catch (RuntimeException | Error e) {
            log.error("Unexpected error in the poll loop; backing off", e);
            return Received.NOTHING;
        }
    }

    /** Holds lock. */
    private void afterReceive(boolean gotMessages) {
        if (mode == Mode.STOPPED) {
            return;
        }
        if (gotMessages) {
            emptyPolls = 0;
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
            mode = Mode.FLOWING;
        } else if (receiving > 0) {
            mode = Mode.PROBING; // the receive still in flight decides what comes next
        } else {
            emptyPolls = Math.min(emptyPolls + 1, 62);
            mode = Mode.BACKING_OFF;
            timer = scheduler.schedule(this::timerFired, Backoff.pollDelay(emptyPolls, minInterval, maxInterval, random));
        }
    }

    private void releaseUnstarted(QueueMessage message) {
        try {
            queue.release(message.receipt(), Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("Could not release message {} received during shutdown: {}", message.messageId(),
                    OutcomePolicy.describe(e));
        }
    }
}
