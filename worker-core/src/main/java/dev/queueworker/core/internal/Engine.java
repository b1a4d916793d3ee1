package dev.queueworker.core.internal;

import dev.queueworker.api.CancellationReason;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskMessage;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.Scheduler;
import dev.queueworker.core.WorkerListener;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.core.internal.Decision.Poison;
import dev.queueworker.core.internal.WorkerMetrics.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The processing contract of DESIGN.md, as the lifecycle of a worker and the dispatch of each
 * received message to its handler. {@code Worker} is its public face; the named parts do the rest:
 * {@link PollLoop} (when to receive), {@link LeaseKeeper} (renewals), {@link OutcomePolicy} (complete,
 * retry or poison), {@link RunSettler} (the final queue operation), {@link WebhookOutbox} (outcomes
 * out, or kept on the queue) and {@link QueueDepthGauges}.
 *
 * <p>Threads: receives run on two poller threads, on the scheduler's thread after an idle wait, or on
 * a handler thread that just finished; renewals and the drain deadline run on the {@link Scheduler};
 * handlers run on a fixed pool of {@code concurrency} threads, whose queue holds the received
 * messages waiting for a slot; on a remote queue the final delete or visibility update of a finished
 * run runs on the settling threads of {@link FinalOps}. What it holds is bounded as {@link HoldBound}
 * says: running, waiting and settling, each under lease.
 */
public final class Engine {
    /** The internal task type of a webhook kept on the queue for later delivery. */
    public static final String WEBHOOK_TASK_TYPE = WebhookOutbox.WEBHOOK_TASK_TYPE;
    /** Task types with this prefix belong to the engine. */
    public static final String RESERVED_PREFIX = TaskMessage.RESERVED_TYPE_PREFIX;

    private static final Logger log = LoggerFactory.getLogger("dev.queueworker.core.Worker");

    private enum State { NEW, RUNNING, DRAINING, TERMINATED }

    private final QueueProvider queue;
    private final Map<String, TaskHandler> handlers;
    private final DocumentStore documents;
    private final WorkerOptions options;
    private final Scheduler scheduler;
    private final AutoCloseable ownedScheduler;
    private final Clock clock;
    private final WorkerListener listener;
    private final WorkerMetrics metrics;
    private final MessageCodec codec;
    private final OutcomePolicy policy;
    private final WebhookOutbox outbox;
    private final RunSettler settler;
    private final LeaseKeeper leases;
    private final PollLoop poller;
    private final QueueOutageLog outages;

    private final Set<Run> held = ConcurrentHashMap.newKeySet();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final ThreadPoolExecutor handlerPool;
    private final ThreadPoolExecutor pollerThreads;
    private volatile Scheduler.Cancellable drainDeadline;
    private final java.util.function.BooleanSupplier handlerIdle;
    private final SlotGate slots;
    private final FinalOps finalOps;
    private final RunSettler.Lane settling = this::settleOffSlot;

    /**
     * @param sharedSlots the slots this worker shares with others ({@code Worker.Builder.sharedSlots}),
     *     or null for a worker on its own
     */
    public Engine(QueueProvider queue, Map<String, TaskHandler> handlers, DocumentStore documents,
            WebhookNotifier notifier, WorkerOptions options, Scheduler scheduler, AutoCloseable ownedScheduler,
            WorkerListener listener, WorkerMetrics metrics, DoubleSupplier random, SlotPool.Member sharedSlots) {
        this.slots = sharedSlots == null ? SlotGate.NONE : sharedSlots;
        DoubleSupplier jitter = random == null ? () -> ThreadLocalRandom.current().nextDouble() : random;
        this.queue = queue;
        this.handlers = Map.copyOf(handlers);
        this.documents = documents;
        this.options = options;
        this.scheduler = scheduler;
        this.ownedScheduler = ownedScheduler;
        this.clock = scheduler.clock();
        this.listener = new SafeListener(listener, log);
        this.metrics = metrics;
        this.codec = new MessageCodec(options.maxMessageBytes());
        this.policy = new OutcomePolicy(options, jitter);
        this.outbox = new WebhookOutbox(notifier, queue, options.clientId(), options.retryBaseDelay(), clock, metrics,
                this.listener, log);
        this.settler = new RunSettler(queue, outbox, policy, options.clientId(), options.maxDequeueCount(), clock,
                metrics, this.listener, log);
        this.outages = new QueueOutageLog(log, options.pollingInterval());
        this.leases = new LeaseKeeper(queue, held, options.visibilityTimeout(), scheduler, metrics, this.listener,
                outages, log);
        this.handlerPool = new ThreadPoolExecutor(options.concurrency(), options.concurrency(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), NamedThreads.daemon("queue-worker-task"));
        this.handlerIdle = () -> handlerPool.getQueue().isEmpty();
        this.pollerThreads = new ThreadPoolExecutor(PollLoop.MAX_RECEIVES_IN_FLIGHT, PollLoop.MAX_RECEIVES_IN_FLIGHT,
                0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), NamedThreads.daemon("queue-worker-poller"));
        this.poller = new PollLoop(queue, new PollLoop.Sink() {
            @Override
            public boolean accept(QueueMessage message) {
                return dispatch(message);
            }

            @Override
            public void receivesSettled() {
                maybeTerminate();
            }
        }, options, scheduler, pollerThreads, metrics, outages, jitter, log);
        this.finalOps = new FinalOps(HoldBound.of(options).settling(), this::engineError, this::end);
        new QueueDepthGauges(queue, clock).register(metrics, running::get);
    }

    // ---------------------------------------------------------------- lifecycle

    public void start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("the worker was already started");
        }
        log.info("Worker started: client {}, task types {}, concurrency {}, visibility timeout {}, polling interval {}",
                options.clientId(), new TreeSet<>(handlers.keySet()), options.concurrency(),
                options.visibilityTimeout(), options.pollingInterval());
        leases.start();
        poller.start();
    }

    public boolean isRunning() {
        return state.get() == State.RUNNING;
    }

    /** Tasks running now (not counting received messages still waiting for a handler slot). */
    public int inFlightCount() {
        return running.get();
    }

    /** Waits until no receive is in flight: the loop waits on a timer, for capacity, or stopped. */
    public boolean awaitPollerWaiting(Duration timeout) throws InterruptedException {
        return poller.awaitNoReceive(timeout);
    }

    /** Stops receiving and lets running tasks finish within the shutdown timeout. Does not wait. */
    public void shutdown() {
        if (state.compareAndSet(State.NEW, State.TERMINATED)) {
            terminateResources();
            return;
        }
        if (!state.compareAndSet(State.RUNNING, State.DRAINING)) {
            return;
        }
        log.info("Shutting down: receiving stopped; waiting up to {} for {} running task(s)",
                options.shutdownTimeout(), running.get());
        poller.stop();
        slots.close(); // handler threads waiting for a shared slot give their messages back
        drainDeadline = scheduler.schedule(this::drainTimedOut, options.shutdownTimeout());
        // Messages received but not started go back at once, not when a slot frees up.
        List<Runnable> waiting = new ArrayList<>();
        handlerPool.getQueue().drainTo(waiting);
        waiting.forEach(Runnable::run);
        maybeTerminate();
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Shuts down and waits up to the shutdown timeout (in real time); then releases what is left. */
    public void close() {
        shutdown();
        try {
            if (!awaitTermination(options.shutdownTimeout())) {
                drainTimedOut();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drainTimedOut();
        }
    }

    private void maybeTerminate() {
        if (state.get() == State.DRAINING && poller.receivesInFlight() == 0 && held.isEmpty()) {
            terminate();
        }
    }

    /** The drain deadline: release every unfinished message at once and stop. */
    private void drainTimedOut() {
        if (state.get() == State.TERMINATED) {
            return;
        }
        for (Run run : held) {
            if (run.abandon(CancellationReason.SHUTDOWN)) {
                try {
                    queue.release(run.receipt(), Duration.ZERO);
                } catch (RuntimeException e) {
                    log.warn("Could not release the message of task {}; it returns after its visibility timeout: {}",
                            run.label(), OutcomePolicy.describe(e));
                }
                run.context.cancel(CancellationReason.SHUTDOWN);
                log.warn("Task {} did not finish within the shutdown timeout; its message was released for another worker",
                        run.label());
                metrics.task(run.typeTag(), Outcome.RELEASED, null);
                TaskRef ref = run.ref();
                listener.taskReleased(ref == null ? null : ref.task());
            }
        }
        terminate();
    }

    private void terminate() {
        State previous = state.getAndSet(State.TERMINATED);
        if (previous == State.TERMINATED) {
            return;
        }
        terminateResources();
        log.info("Worker stopped");
    }

    private void terminateResources() {
        Scheduler.Cancellable deadline = drainDeadline;
        if (deadline != null) {
            deadline.cancel();
        }
        leases.stop();
        poller.stop();
        slots.close();
        handlerPool.shutdownNow();
        finalOps.shutdownNow();
        pollerThreads.shutdownNow();
        if (ownedScheduler != null) {
            try {
                ownedScheduler.close();
            } catch (Exception e) {
                log.debug("Closing the scheduler failed", e);
            }
        }
        terminated.countDown();
    }

    // ---------------------------------------------------------------- dispatch

    /** Takes a received message under lease renewal and queues it for a handler slot; false when stopping. */
    private boolean dispatch(QueueMessage message) {
        if (state.get() != State.RUNNING) {
            return false;
        }
        Run run = new Run(message, clock.instant(), r -> new RunContext(
                (int) Math.min(Integer.MAX_VALUE, Math.max(1, message.dequeueCount())), documents, clock,
                (fraction, text) -> progress(r, fraction, text)));
        held.add(run);
        try {
            handlerPool.execute(() -> process(run));
        } catch (RejectedExecutionException e) {
            held.remove(run);
            return false;
        }
        return true;
    }

    private void process(Run run) {
        boolean started = false;
        boolean slot = false;
        boolean handedOff = false;
        try {
            slot = state.get() == State.RUNNING && slots.acquire();
            if (!slot || state.get() != State.RUNNING) {
                // Received but never started: give it back at once rather than run it while draining.
                settler.settle(run, r -> queue.release(r, Duration.ZERO));
                return;
            }
            run.started(clock.instant());
            running.incrementAndGet();
            started = true;
            handedOff = handle(run);
        } catch (RuntimeException | Error e) {
            engineError(run, e);
        } finally {
            MDC.remove("task_id");
            MDC.remove("task_type");
            if (started) {
                running.decrementAndGet();
            }
            if (slot) {
                slots.release();
            }
            if (!handedOff) {
                end(run);
            }
            // The run leaves its handler slot, settled or settling: its receive capacity is free.
            poller.finished(handlerIdle);
        }
    }

    /** A run is over, settled or left: nothing more is held for it. */
    private void end(Run run) {
        run.markDone();
        held.remove(run);
        maybeTerminate();
    }

    private void engineError(Run run, Throwable e) {
        if (e instanceof RetryableException retryable) {
            // The final queue operation failed (an outage): the message comes back after its lease
            // lapses and runs again; its webhook, if sent, is repeated with the same webhook-id.
            outages.failed("finishing task " + run.label(), retryable);
        } else {
            // The message stays invisible until its lease lapses, then runs again.
            log.error("Unexpected engine error on message {}; it will be received again", run.message.messageId(), e);
        }
    }

    /**
     * The delete or visibility update of a finished run: here on an in-memory queue, else (receives
     * take a round trip) handed to {@link FinalOps} so that this handler slot takes the next message.
     */
    private boolean settleOffSlot(Run run, Runnable operation) {
        if (poller.quickReceives()) {
            operation.run(); // an in-memory queue: no hand-off, no copy of the MDC
            return false;
        }
        return finalOps.settle(run, operation);
    }

    /** Runs a message's task and settles it; true when its final operation was handed off (see {@link FinalOps}). */
    private boolean handle(Run run) {
        QueueMessage message = run.message;
        MessageCodec.Decoded decoded;
        try {
            decoded = codec.decode(message);
        } catch (InvalidMessageException e) {
            MessageCodec.Partial partial = e.partial();
            String taskId = partial.taskId() != null ? partial.taskId() : message.messageId();
            String url = partial.webhookUrl() != null ? partial.webhookUrl() : options.defaultWebhookUrl();
            TaskRef ref = new TaskRef(taskId, partial.taskType(), url, null);
            run.ref(ref);
            settler.poison(run, ref, policy.undecodable(e));
            return false;
        }
        if (decoded.taskType().equals(WEBHOOK_TASK_TYPE)) {
            return redeliverWebhook(run, decoded);
        }
        String url = decoded.webhookUrl() != null ? decoded.webhookUrl() : options.defaultWebhookUrl();
        Task task = new Task(decoded.taskId(), decoded.taskType(), decoded.payload(), url, run.context.attempt(),
                message.insertedAt(), message.messageId());
        TaskRef ref = TaskRef.of(task);
        run.ref(ref);
        MDC.put("task_id", task.id());
        MDC.put("task_type", task.type());
        Optional<Poison> refused = policy.beforeRun(task.type(), handlers.keySet(), task.attempt());
        if (refused.isPresent()) {
            settler.poison(run, ref, refused.get());
            return false;
        }
        log.info("Processing task {}: {}", task.id(), task.type());
        listener.taskStarted(task);
        TaskResult result = null;
        Throwable failure = null;
        try {
            result = handlers.get(task.type()).handle(task, run.context);
            if (result == null) {
                result = TaskResult.empty();
            }
        } catch (Throwable t) {
            failure = t;
            if (t instanceof InterruptedException) {
                Thread.interrupted();
            }
        }
        Duration duration = Duration.between(run.startedAt(), clock.instant());
        CancellationReason abandoned = run.abandonedReason();
        if (abandoned != null) {
            log.info("Task {} ended after {}; its message is left for another worker", task.id(),
                    abandoned.description());
            return false;
        }
        Decision decision = policy.afterRun(task.attempt(), failure);
        if (decision instanceof Poison poison) {
            settler.poison(run, ref, poison);
        } else if (decision instanceof Decision.Retry retry) {
            return settler.retry(run, task, failure, retry, duration, settling);
        } else {
            return settler.complete(run, task, result, duration, settling);
        }
        return false;
    }

    /** Delivers a kept webhook; true when its final operation was handed off. */
    private boolean redeliverWebhook(Run run, MessageCodec.Decoded decoded) {
        WebhookEvent event;
        try {
            event = WebhookOutbox.readStored(decoded.payload());
        } catch (IllegalArgumentException e) {
            settler.poisonWebhook(run, decoded.taskId(), policy.unreadableWebhook(e));
            return false;
        }
        WebhookDelivery delivery = outbox.deliver(event);
        return settler.redelivered(run, event.taskId(), delivery,
                policy.afterRedelivery(run.context.attempt(), delivery), settling);
    }

    private void progress(Run run, double fraction, String text) {
        if (log.isDebugEnabled()) {
            log.debug("Task {} progress {}: {}", run.label(), Double.isNaN(fraction) ? "?" : Math.round(fraction * 100) + "%",
                    text);
        }
        TaskRef ref = run.ref();
        if (ref != null && ref.task() != null) {
            listener.taskProgress(ref.task(), fraction, text);
        }
    }
}
