package dev.queueworker.core.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.CancellationReason;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.LeaseLostException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.Receipt;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskError;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskMessage;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.TaskStatus;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.core.Scheduler;
import dev.queueworker.core.WorkerListener;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.core.internal.WorkerMetrics.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The processing contract of DESIGN.md: a poll loop that never receives more messages than it has
 * free handler slots, lease renewal, retries with backoff, poison handling, durable webhooks and a
 * graceful drain. {@code Worker} is its public face.
 *
 * <p>Threads: one poller thread runs receives back to back while messages flow; timed polls, lease
 * renewals and the drain deadline run on the {@link Scheduler}; handlers run on a fixed pool of
 * {@code concurrency} threads.
 */
public final class Engine {
    /** The internal task type of a webhook kept on the queue for later delivery. */
    public static final String WEBHOOK_TASK_TYPE = "queue-worker.webhook";
    /** Task types with this prefix belong to the engine. */
    public static final String RESERVED_PREFIX = "queue-worker.";

    private static final Logger log = LoggerFactory.getLogger("dev.queueworker.core.Worker");

    private enum State { NEW, RUNNING, DRAINING, TERMINATED }

    private enum PollOutcome { MESSAGES, EMPTY, FAILED, NO_SLOTS }

    private final QueueProvider queue;
    private final Map<String, TaskHandler> handlers;
    private final DocumentStore documents;
    private final WebhookNotifier notifier;
    private final WorkerOptions options;
    private final Scheduler scheduler;
    private final AutoCloseable ownedScheduler;
    private final Clock clock;
    private final WorkerListener listener;
    private final WorkerMetrics metrics;
    private final MessageCodec codec;
    private final DoubleSupplier random;

    private final Semaphore slots;
    private final int wakeThreshold;
    private final Set<Run> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final ThreadPoolExecutor handlerPool;
    private final ExecutorService pollerThread;
    private final DepthCache depth;

    // Poll loop state, guarded by pollLock.
    private final Object pollLock = new Object();
    private boolean pollRunning;
    private boolean pollParked;
    private boolean pollStopped;
    private Scheduler.Cancellable pollTimer;
    private int emptyPolls;
    private final java.util.concurrent.atomic.AtomicInteger queueFailures = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Scheduler.Cancellable drainDeadline;
    private volatile Scheduler.Cancellable renewalTimer;

    public Engine(QueueProvider queue, Map<String, TaskHandler> handlers, DocumentStore documents,
            WebhookNotifier notifier, WorkerOptions options, Scheduler scheduler, AutoCloseable ownedScheduler,
            WorkerListener listener, WorkerMetrics metrics, DoubleSupplier random) {
        this.queue = queue;
        this.handlers = Map.copyOf(handlers);
        this.documents = documents;
        this.notifier = notifier;
        this.options = options;
        this.scheduler = scheduler;
        this.ownedScheduler = ownedScheduler;
        this.clock = scheduler.clock();
        this.listener = listener;
        this.metrics = metrics;
        this.random = random == null ? () -> ThreadLocalRandom.current().nextDouble() : random;
        this.codec = new MessageCodec(options.maxMessageBytes());
        this.slots = new Semaphore(options.concurrency());
        this.wakeThreshold = Math.max(1, Math.min(options.maxMessages(), options.concurrency()) / 2);
        this.handlerPool = new ThreadPoolExecutor(options.concurrency(), options.concurrency(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), NamedThreads.daemon("queue-worker-task"));
        this.pollerThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                NamedThreads.daemon("queue-worker-poller"));
        this.depth = new DepthCache(clock);
        metrics.gauges(inFlight::size, () -> depth.get(queue::approximateDepth),
                () -> depth.getPoison(queue::approximatePoisonDepth));
    }

    // ---------------------------------------------------------------- lifecycle

    public void start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("the worker was already started");
        }
        log.info("Worker started: client {}, task types {}, concurrency {}, visibility timeout {}, polling interval {}",
                options.clientId(), new TreeSet<>(handlers.keySet()), options.concurrency(),
                options.visibilityTimeout(), options.pollingInterval());
        renewalTimer = scheduler.schedule(this::renewalSweep, sweepInterval());
        synchronized (pollLock) {
            startPollNow();
        }
    }

    public boolean isRunning() {
        return state.get() == State.RUNNING;
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    /** Waits until no receive runs on the poller thread: the loop waits on a timer, for a slot, or stopped. */
    public boolean awaitPollerWaiting(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (pollLock) {
            while (pollRunning) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(pollLock, left);
            }
            return true;
        }
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
                options.shutdownTimeout(), inFlight.size());
        synchronized (pollLock) {
            pollStopped = true;
            if (pollTimer != null) {
                pollTimer.cancel();
                pollTimer = null;
            }
        }
        drainDeadline = scheduler.schedule(this::drainTimedOut, options.shutdownTimeout());
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
        if (state.get() != State.DRAINING) {
            return;
        }
        boolean idle;
        synchronized (pollLock) {
            idle = !pollRunning;
        }
        if (state.get() == State.DRAINING && idle && inFlight.isEmpty()) {
            terminate();
        }
    }

    /** The drain deadline: release every unfinished message at once and stop. */
    private void drainTimedOut() {
        if (state.get() == State.TERMINATED) {
            return;
        }
        for (Run run : inFlight) {
            if (run.abandon(CancellationReason.SHUTDOWN)) {
                try {
                    queue.release(run.receipt(), Duration.ZERO);
                } catch (RuntimeException e) {
                    log.warn("Could not release the message of task {}; it returns after its visibility timeout: {}",
                            run.label(), describe(e));
                }
                run.context.cancel(CancellationReason.SHUTDOWN);
                log.warn("Task {} did not finish within the shutdown timeout; its message was released for another worker",
                        run.label());
                metrics.task(run.typeTag(), Outcome.RELEASED, null);
                notifyListener(() -> listener.taskReleased(run.task));
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
        for (Scheduler.Cancellable timer : new Scheduler.Cancellable[] {drainDeadline, renewalTimer}) {
            if (timer != null) {
                timer.cancel();
            }
        }
        handlerPool.shutdownNow();
        pollerThread.shutdownNow();
        if (ownedScheduler != null) {
            try {
                ownedScheduler.close();
            } catch (Exception e) {
                log.debug("Closing the scheduler failed", e);
            }
        }
        terminated.countDown();
    }

    // ---------------------------------------------------------------- polling

    /** Starts a poll on the poller thread. Caller holds pollLock. */
    private void startPollNow() {
        pollRunning = true;
        pollParked = false;
        try {
            pollerThread.execute(this::pollStep);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pollRunning = false;
        }
    }

    private void pollTimerFired() {
        synchronized (pollLock) {
            if (pollStopped || pollRunning) {
                return;
            }
            pollTimer = null;
            pollRunning = true;
        }
        pollStep();
    }

    private void pollStep() {
        PollOutcome outcome;
        try {
            outcome = pollOnce();
        } catch (RuntimeException | Error e) {
            log.error("Unexpected error in the poll loop; backing off", e);
            outcome = PollOutcome.FAILED;
        }
        synchronized (pollLock) {
            pollRunning = false;
            pollLock.notifyAll();
            if (!pollStopped) {
                switch (outcome) {
                    case MESSAGES -> {
                        emptyPolls = 0;
                        if (slots.availablePermits() >= wakeThreshold) {
                            startPollNow();
                        } else {
                            pollParked = true; // the next freed slots resume receiving
                        }
                    }
                    case NO_SLOTS -> {
                        pollParked = true;
                        if (slots.availablePermits() >= wakeThreshold) {
                            startPollNow();
                        }
                    }
                    case EMPTY, FAILED -> {
                        emptyPolls = Math.min(emptyPolls + 1, 62);
                        Duration delay = Backoff.pollDelay(emptyPolls, options.minPollingInterval(),
                                options.pollingInterval(), random);
                        pollTimer = scheduler.schedule(this::pollTimerFired, delay);
                    }
                    default -> throw new IllegalStateException(outcome.name());
                }
            }
        }
        maybeTerminate();
    }

    private PollOutcome pollOnce() {
        int wanted = Math.min(slots.availablePermits(), options.maxMessages());
        if (wanted == 0 || !slots.tryAcquire(wanted)) {
            return PollOutcome.NO_SLOTS;
        }
        List<QueueMessage> messages;
        try {
            messages = queue.receive(wanted, options.visibilityTimeout());
        } catch (RuntimeException e) {
            slots.release(wanted);
            receiveFailed(e);
            return PollOutcome.FAILED;
        }
        receiveSucceeded();
        int accepted = Math.min(messages.size(), wanted);
        slots.release(wanted - accepted);
        metrics.poll(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            QueueMessage message = messages.get(i);
            if (i >= accepted || state.get() != State.RUNNING) {
                releaseUnstarted(message);
                if (i < accepted) {
                    slots.release();
                }
            } else {
                dispatch(message);
            }
        }
        return messages.isEmpty() ? PollOutcome.EMPTY : PollOutcome.MESSAGES;
    }

    private void receiveFailed(RuntimeException e) {
        metrics.pollFailed();
        queueFailed("receiving", e);
    }

    /**
     * Logs queue failures once per outage, not once per call: the first failure at WARN, the rest at
     * DEBUG until a receive works again.
     */
    private void queueFailed(String what, RuntimeException e) {
        int failures = queueFailures.incrementAndGet();
        if (failures == 1) {
            log.warn("The queue is failing ({}): {}; retrying with backoff up to {}, next line when it works again",
                    what, describe(e), options.pollingInterval());
        } else {
            log.debug("The queue failed again ({}, {} in a row): {}", what, failures, describe(e));
        }
    }

    private void receiveSucceeded() {
        if (queueFailures.get() == 0) {
            return;
        }
        int failures = queueFailures.getAndSet(0);
        if (failures > 0) {
            log.info("The queue works again after {} failed call(s)", failures);
        }
    }

    private void releaseUnstarted(QueueMessage message) {
        try {
            queue.release(message.receipt(), Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("Could not release message {} received during shutdown: {}", message.messageId(), describe(e));
        }
    }

    /**
     * A parked poll loop waits until half a batch of slots is free: receiving one message per freed
     * slot would double the receive calls (each a billed Azure transaction) and the thread hand-offs
     * for no gain in throughput.
     */
    private void onSlotFreed() {
        if (slots.availablePermits() < wakeThreshold) {
            return;
        }
        synchronized (pollLock) {
            if (!pollParked || pollStopped || pollRunning) {
                return;
            }
            pollParked = false;
            pollRunning = true;
        }
        // This handler thread is free now: receive here rather than wake the poller thread, which
        // would cost a hand-off per batch.
        pollStep();
    }

    // ---------------------------------------------------------------- leases

    private void dispatch(QueueMessage message) {
        Run run = new Run(message, clock.instant());
        run.context = new RunContext((int) Math.min(Integer.MAX_VALUE, Math.max(1, message.dequeueCount())),
                documents, clock, (fraction, text) -> progress(run, fraction, text));
        inFlight.add(run);
        try {
            handlerPool.execute(() -> process(run));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            finish(run);
        }
    }

    /**
     * Every sixth of the visibility timeout, renews each lease with half or less of it left, so a
     * renewal that fails still leaves time for another. One sweep for all messages costs less than a
     * timer per message, which sits on the per-task hot path.
     */
    private void renewalSweep() {
        if (state.get() == State.TERMINATED) {
            return;
        }
        Instant now = clock.instant();
        Duration half = options.visibilityTimeout().dividedBy(2);
        for (Run run : inFlight) {
            if (Duration.between(now, run.receipt().nextVisibleAt()).compareTo(half) <= 0) {
                renew(run);
            }
        }
        renewalTimer = scheduler.schedule(this::renewalSweep, sweepInterval());
    }

    private Duration sweepInterval() {
        Duration interval = options.visibilityTimeout().dividedBy(6);
        return interval.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : interval;
    }

    private void renew(Run run) {
        synchronized (run) {
            if (run.done || run.abandoned != null) {
                return;
            }
            try {
                Receipt receipt = queue.extendVisibility(run.receipt, options.visibilityTimeout());
                run.receipt = receipt;
                if (run.renewFailures > 0) {
                    log.debug("Lease of task {} renewed again after {} failed attempt(s)", run.label(), run.renewFailures);
                }
                run.renewFailures = 0;
                return;
            } catch (LeaseLostException e) {
                run.abandoned = CancellationReason.LEASE_LOST;
            } catch (RuntimeException e) {
                // Transient: the next sweep tries again. A lease that lapsed meanwhile shows up as
                // LeaseLost then.
                run.renewFailures++;
                queueFailed("renewing the lease of task " + run.label(), e);
                return;
            }
        }
        log.warn("Lease of task {} was lost (another worker may run it); cancelling it here", run.label());
        run.context.cancel(CancellationReason.LEASE_LOST);
        metrics.task(run.typeTag(), Outcome.LEASE_LOST, null);
        notifyListener(() -> listener.leaseLost(run.task));
    }

    // ---------------------------------------------------------------- processing

    private void process(Run run) {
        try {
            handle(run);
        } catch (RetryableException e) {
            // The final queue operation failed (an outage): the message comes back after its lease
            // lapses and runs again; its webhook, if sent, is repeated with the same webhook-id.
            queueFailed("finishing task " + run.label(), e);
        } catch (RuntimeException | Error e) {
            // The message stays invisible until its lease lapses, then runs again.
            log.error("Unexpected engine error on message {}; it will be received again", run.message.messageId(), e);
        } finally {
            MDC.remove("task_id");
            MDC.remove("task_type");
            finish(run);
        }
    }

    private void finish(Run run) {
        synchronized (run) {
            run.done = true;
        }
        inFlight.remove(run);
        slots.release();
        onSlotFreed();
        maybeTerminate();
    }

    private void handle(Run run) {
        QueueMessage message = run.message;
        MessageCodec.Decoded decoded;
        try {
            decoded = codec.decode(message);
        } catch (InvalidMessageException e) {
            MessageCodec.Partial partial = e.partial();
            String taskId = partial.taskId() != null ? partial.taskId() : message.messageId();
            String url = partial.webhookUrl() != null ? partial.webhookUrl() : options.defaultWebhookUrl();
            poison(run, null, taskId, partial.taskType(), url, e.getMessage(), "InvalidMessage");
            return;
        }
        if (decoded.taskType().equals(WEBHOOK_TASK_TYPE)) {
            redeliverWebhook(run, decoded);
            return;
        }
        String url = decoded.webhookUrl() != null ? decoded.webhookUrl() : options.defaultWebhookUrl();
        Task task = new Task(decoded.taskId(), decoded.taskType(), decoded.payload(), url, run.context.attempt(),
                message.insertedAt(), message.messageId());
        run.task = task;
        MDC.put("task_id", task.id());
        MDC.put("task_type", task.type());
        TaskHandler handler = handlers.get(task.type());
        if (handler == null) {
            poison(run, task, task.id(), task.type(), url, "task_type: unknown type '" + task.type() + "' (known: "
                    + String.join(", ", new TreeSet<>(handlers.keySet())) + ")", "InvalidMessage");
            return;
        }
        if (task.attempt() > options.maxDequeueCount()) {
            poison(run, task, task.id(), task.type(), url, "gave up after " + (task.attempt() - 1)
                    + " attempts (WORKER_MAX_DEQUEUE_COUNT is " + options.maxDequeueCount() + ")",
                    "MaxDequeueCountExceeded");
            return;
        }
        log.info("Processing task {}: {}", task.id(), task.type());
        notifyListener(() -> listener.taskStarted(task));
        TaskResult result = null;
        Throwable failure = null;
        try {
            result = handler.handle(task, run.context);
            if (result == null) {
                result = TaskResult.empty();
            }
        } catch (Throwable t) {
            failure = t;
            if (t instanceof InterruptedException) {
                Thread.interrupted();
            }
        }
        Duration duration = Duration.between(run.startedAt, clock.instant());
        CancellationReason abandoned = run.abandonedReason();
        if (abandoned != null) {
            log.info("Task {} ended after {}; its message is left for another worker", task.id(),
                    abandoned.description());
            return;
        }
        if (failure == null) {
            complete(run, task, result, duration);
        } else {
            failed(run, task, failure, duration);
        }
    }

    private void complete(Run run, Task task, TaskResult result, Duration duration) {
        if (task.webhookUrl() != null) {
            send(event(run, task.id(), task.type(), task.webhookUrl(), TaskStatus.COMPLETED, result.data(), null));
        }
        if (!settle(run, r -> queue.delete(r))) {
            return;
        }
        metrics.task(task.type(), Outcome.COMPLETED, duration);
        log.info("Task {} completed with status: completed", task.id());
        notifyListener(() -> listener.taskCompleted(task, result, duration));
    }

    private void failed(Run run, Task task, Throwable failure, Duration duration) {
        if (failure instanceof PermanentException) {
            poison(run, task, task.id(), task.type(), task.webhookUrl(), describe(failure),
                    failure.getClass().getSimpleName());
            return;
        }
        if (task.attempt() >= options.maxDequeueCount()) {
            poison(run, task, task.id(), task.type(), task.webhookUrl(), "failed " + task.attempt()
                    + " times (WORKER_MAX_DEQUEUE_COUNT is " + options.maxDequeueCount() + "); last error: "
                    + describe(failure), failure.getClass().getSimpleName());
            return;
        }
        Duration delay = Backoff.retryDelay(task.attempt(), options.retryBaseDelay(), options.retryMaxDelay(), random);
        if (!settle(run, r -> queue.release(r, delay))) {
            return;
        }
        metrics.task(task.type(), Outcome.RETRIED, duration);
        log.warn("Task {} failed on attempt {} of {}; retrying in {}: {}", task.id(), task.attempt(),
                options.maxDequeueCount(), delay, describe(failure));
        notifyListener(() -> listener.taskRetryScheduled(task, failure, delay));
    }

    /**
     * Ends a message for good: a {@code failed} webhook where a URL is known, then the poison queue
     * with the original body and the reason.
     */
    private void poison(Run run, Task task, String taskId, String taskType, String webhookUrl, String reason,
            String errorType) {
        if (webhookUrl != null) {
            send(event(run, taskId, taskType, webhookUrl, TaskStatus.FAILED, null, new TaskError(errorType, reason)));
        }
        PoisonMessage poison = moveToPoison(run, taskId, taskType, reason, errorType);
        if (poison != null) {
            log.error("Task {} completed with status: failed ({}: {}); moved to the poison queue", taskId, errorType,
                    reason);
            notifyListener(() -> listener.messagePoisoned(task, poison));
        }
    }

    /** @return the envelope, or null when the lease was lost first */
    private PoisonMessage moveToPoison(Run run, String taskId, String taskType, String reason, String errorType) {
        PoisonMessage poison = new PoisonMessage(run.message.body(), reason, errorType, run.message.dequeueCount(),
                taskId, taskType, run.message.messageId(), options.clientId(), clock.instant());
        if (!settle(run, r -> queue.moveToPoison(r, poison.toJson(queue.maxBodyLength())))) {
            return null;
        }
        metrics.task(taskType == null ? "unknown" : taskType, Outcome.POISONED,
                Duration.between(run.startedAt, clock.instant()));
        metrics.poisoned(errorType);
        return poison;
    }

    /** Poisons an internal webhook message: no webhook about a webhook. */
    private void poisonWebhook(Run run, String taskId, String reason, String errorType) {
        PoisonMessage poison = moveToPoison(run, taskId, WEBHOOK_TASK_TYPE, reason, errorType);
        if (poison != null) {
            log.error("Webhook for task {} moved to the poison queue: {}", taskId, reason);
            notifyListener(() -> listener.messagePoisoned(null, poison));
        }
    }

    /**
     * Runs the final queue operation on the newest receipt, unless the run was abandoned.
     *
     * @return whether it was done
     */
    private boolean settle(Run run, java.util.function.Consumer<Receipt> operation) {
        synchronized (run) {
            if (run.abandoned != null) {
                return false;
            }
            try {
                operation.accept(run.receipt);
                run.done = true;
                return true;
            } catch (LeaseLostException e) {
                run.abandoned = CancellationReason.LEASE_LOST;
            }
        }
        log.warn("Task {} finished but its lease was lost; the message is left to whoever holds it", run.label());
        metrics.task(run.typeTag(), Outcome.LEASE_LOST, null);
        return false;
    }

    private void progress(Run run, double fraction, String text) {
        if (log.isDebugEnabled()) {
            log.debug("Task {} progress {}: {}", run.label(), Double.isNaN(fraction) ? "?" : Math.round(fraction * 100) + "%",
                    text);
        }
        Task task = run.task;
        if (task != null) {
            notifyListener(() -> listener.taskProgress(task, fraction, text));
        }
    }

    // ---------------------------------------------------------------- webhooks

    private WebhookEvent event(Run run, String taskId, String taskType, String url, TaskStatus status,
            ObjectNode result, TaskError error) {
        return new WebhookEvent(WebhookJson.webhookId(options.clientId(), taskId, status), url, taskId, taskType,
                options.clientId(), status, result, error, run.context.attempt(), run.startedAt, clock.instant());
    }

    /**
     * Delivers an outcome; when the receiver cannot take it now, keeps it on the queue for later.
     *
     * @throws RetryableException when it can be neither delivered nor kept: the task runs again
     */
    private void send(WebhookEvent event) {
        WebhookDelivery delivery = deliver(event);
        if (delivery.outcome() == WebhookDelivery.Outcome.RETRY_LATER) {
            queue.send(TaskMessage.builder(WEBHOOK_TASK_TYPE).taskId(event.taskId())
                    .payload(WebhookJson.toStored(event)).build().toJson(), options.retryBaseDelay());
            log.error("Webhook failed: {}; kept on the queue, next try in {}", delivery.detail(),
                    options.retryBaseDelay());
        }
    }

    private WebhookDelivery deliver(WebhookEvent event) {
        WebhookDelivery delivery;
        try {
            delivery = notifier.deliver(event);
        } catch (RuntimeException e) {
            delivery = new WebhookDelivery(WebhookDelivery.Outcome.RETRY_LATER, 0, 0, describe(e));
        }
        metrics.webhook(delivery.outcome());
        WebhookDelivery result = delivery;
        notifyListener(() -> listener.webhookDelivered(event, result));
        switch (delivery.outcome()) {
            case DELIVERED -> log.info("Webhook sent successfully to {}", Urls.redact(event.url()));
            case REJECTED, REFUSED -> log.error("Webhook failed: {}", delivery.detail());
            case SKIPPED -> log.debug("Webhook skipped: {}", delivery.detail());
            default -> {
                // RETRY_LATER is logged by the caller, which knows what happens next.
            }
        }
        return delivery;
    }

    private void redeliverWebhook(Run run, MessageCodec.Decoded decoded) {
        WebhookEvent event;
        try {
            event = WebhookJson.fromStored(decoded.payload());
        } catch (IllegalArgumentException e) {
            poisonWebhook(run, decoded.taskId(), "stored webhook is unreadable: " + e.getMessage(),
                    "InvalidMessage");
            return;
        }
        int attempt = run.context.attempt();
        WebhookDelivery delivery = deliver(event);
        switch (delivery.outcome()) {
            case DELIVERED, SKIPPED -> settle(run, r -> queue.delete(r));
            case REJECTED, REFUSED -> poisonWebhook(run, event.taskId(),
                    "webhook " + delivery.outcome().name().toLowerCase(Locale.ROOT) + ": " + delivery.detail(),
                    "WebhookRejected");
            default -> {
                if (attempt >= options.webhookMaxAttempts()) {
                    poisonWebhook(run, event.taskId(), "webhook undeliverable after " + attempt
                            + " attempts (WEBHOOK_MAX_ATTEMPTS): " + delivery.detail(), "WebhookUndeliverable");
                } else {
                    Duration delay = Backoff.retryDelay(attempt + 1, options.retryBaseDelay(),
                            options.retryMaxDelay(), random);
                    if (settle(run, r -> queue.release(r, delay))) {
                        log.error("Webhook failed: {}; kept on the queue, next try in {}", delivery.detail(), delay);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("A WorkerListener threw; ignoring it", e);
        }
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        if (t instanceof PermanentException || t instanceof RetryableException) {
            return message == null ? t.getClass().getSimpleName() : message;
        }
        return message == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + message;
    }

    /** One received message, from dispatch to its final queue operation. */
    private static final class Run {
        final QueueMessage message;
        final Instant startedAt;
        RunContext context;
        volatile Task task;
        // Guarded by this.
        Receipt receipt;
        boolean done;
        CancellationReason abandoned;
        int renewFailures;

        Run(QueueMessage message, Instant startedAt) {
            this.message = message;
            this.startedAt = startedAt;
            this.receipt = message.receipt();
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

        String label() {
            Task t = task;
            return t != null ? t.id() : "message " + message.messageId();
        }

        String typeTag() {
            Task t = task;
            return t != null ? t.type() : "unknown";
        }
    }

    /** Depth gauges ask the provider at most every ten seconds: for Azure each ask is a billed call. */
    private static final class DepthCache {
        private static final Duration TTL = Duration.ofSeconds(10);
        private final Clock clock;
        private final long[] values = {-1, -1};
        private final Instant[] readAt = {Instant.MIN, Instant.MIN};

        DepthCache(Clock clock) {
            this.clock = clock;
        }

        Number get(java.util.function.LongSupplier source) {
            return read(0, source);
        }

        Number getPoison(java.util.function.LongSupplier source) {
            return read(1, source);
        }

        private synchronized Number read(int index, java.util.function.LongSupplier source) {
            Instant now = clock.instant();
            if (readAt[index].plus(TTL).isBefore(now) || values[index] < 0) {
                try {
                    values[index] = source.getAsLong();
                    readAt[index] = now;
                } catch (RuntimeException e) {
                    return Double.NaN;
                }
            }
            return values[index];
        }
    }
}
