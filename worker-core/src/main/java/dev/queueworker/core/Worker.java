package dev.queueworker.core;

import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.internal.Engine;
import dev.queueworker.core.internal.MessageCodec;
import dev.queueworker.core.internal.SystemScheduler;
import dev.queueworker.core.internal.WorkerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoubleSupplier;

/**
 * The queue-worker engine: takes messages off a {@link QueueProvider}, runs the matching
 * {@link TaskHandler} and reports each outcome through a {@link WebhookNotifier}, keeping the
 * processing contract of DESIGN.md (at-least-once, lease renewal, retries with backoff, poison with
 * reasons, durable webhooks, graceful drain, adaptive polling).
 *
 * <pre>{@code
 * try (Worker worker = Worker.builder()
 *         .queue(new InMemoryQueueProvider())
 *         .handler(new EchoHandler())
 *         .options(WorkerOptions.builder().clientId("southhaven").build())
 *         .build()
 *         .start()) {
 *     ...
 * } // close() drains running tasks within the shutdown timeout
 * }</pre>
 *
 * <p>A worker is started once and stopped once. It is safe to call {@link #shutdown()} and
 * {@link #close()} from any thread, including a signal handler.
 */
public final class Worker implements AutoCloseable {

    private final Engine engine;
    private final WorkerOptions options;
    private final Set<String> taskTypes;

    private Worker(Engine engine, WorkerOptions options, Set<String> taskTypes) {
        this.engine = engine;
        this.options = options;
        this.taskTypes = taskTypes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts polling. Returns this worker, for try-with-resources. */
    public Worker start() {
        engine.start();
        return this;
    }

    /**
     * Begins a graceful shutdown and returns at once: no more receives; running tasks may finish
     * within the shutdown timeout; then unfinished messages are released (visible again at once),
     * never deleted.
     */
    public void shutdown() {
        engine.shutdown();
    }

    /** Waits until the worker has stopped. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return engine.awaitTermination(timeout);
    }

    /**
     * {@link #shutdown()}, then waits up to the shutdown timeout of real time for the drain; whatever
     * is still running then is released and cancelled.
     */
    @Override
    public void close() {
        engine.close();
    }

    /** Whether the worker is started and not shutting down. */
    public boolean isRunning() {
        return engine.isRunning();
    }

    /** How many messages are being handled now. */
    public int inFlightCount() {
        return engine.inFlightCount();
    }

    /**
     * Waits until the worker is not receiving on its poller thread, so that its next receive waits
     * on the {@link Scheduler}. Tests that drive a {@link ManualScheduler} call it before advancing
     * time, so that a receive still running on a real thread cannot miss the advance.
     *
     * @return false when {@code timeout} passed first
     */
    public boolean awaitPollerWaiting(Duration timeout) throws InterruptedException {
        return engine.awaitPollerWaiting(timeout);
    }

    public WorkerOptions options() {
        return options;
    }

    /** The task types this worker runs, sorted. */
    public Set<String> taskTypes() {
        return taskTypes;
    }

    /** Builds a {@link Worker}; only the queue and at least one handler are required. */
    public static final class Builder {
        private QueueProvider queue;
        private final Map<String, TaskHandler> handlers = new LinkedHashMap<>();
        private DocumentStore documents;
        private WebhookNotifier notifier;
        private WorkerOptions options = WorkerOptions.defaults();
        private Clock clock;
        private Scheduler scheduler;
        private MeterRegistry meterRegistry;
        private WorkerListener listener = WorkerListener.NONE;
        private DoubleSupplier random;
        private SharedSlots sharedSlots;
        private int weight = 1;
        private Tags meterTags = Tags.empty();

        private Builder() {
        }

        public Builder queue(QueueProvider queue) {
            this.queue = Objects.requireNonNull(queue, "'queue' cannot be null.");
            return this;
        }

        /**
         * Registers a handler for its task type.
         *
         * @throws IllegalArgumentException when the type is malformed, reserved or already taken
         */
        public Builder handler(TaskHandler handler) {
            Objects.requireNonNull(handler, "'handler' cannot be null.");
            String type = handler.taskType();
            if (type == null || !MessageCodec.TASK_TYPE.matcher(type).matches()) {
                throw new IllegalArgumentException("handler " + handler.getClass().getName()
                        + " has an invalid task type '" + type
                        + "': use 1 to 64 lowercase letters, digits, '.', '_' or '-'");
            }
            if (type.startsWith(Engine.RESERVED_PREFIX)) {
                throw new IllegalArgumentException("handler " + handler.getClass().getName() + " uses task type '"
                        + type + "': types starting with '" + Engine.RESERVED_PREFIX + "' are reserved");
            }
            TaskHandler previous = handlers.get(type);
            if (previous != null) {
                throw new IllegalArgumentException("task type '" + type + "' is claimed by both "
                        + previous.getClass().getName() + " and " + handler.getClass().getName());
            }
            handlers.put(type, handler);
            return this;
        }

        public Builder handlers(Collection<? extends TaskHandler> handlers) {
            handlers.forEach(this::handler);
            return this;
        }

        /**
         * Adds every handler {@link ServiceLoader} finds through {@code classLoader} (jars with
         * {@code META-INF/services/dev.queueworker.api.TaskHandler}). A type clashing with an
         * already registered handler is refused.
         */
        public Builder discoverHandlers(ClassLoader classLoader) {
            for (TaskHandler handler : ServiceLoader.load(TaskHandler.class, classLoader)) {
                handler(handler);
            }
            return this;
        }

        /** {@link #discoverHandlers(ClassLoader)} with the thread's context class loader. */
        public Builder discoverHandlers() {
            return discoverHandlers(Thread.currentThread().getContextClassLoader());
        }

        /** Where handlers read documents. Default: an empty {@link InMemoryDocumentStore}. */
        public Builder documents(DocumentStore documents) {
            this.documents = Objects.requireNonNull(documents, "'documents' cannot be null.");
            return this;
        }

        /** How outcomes are reported. Default: an unsigned {@link OkHttpWebhookNotifier}. */
        public Builder notifier(WebhookNotifier notifier) {
            this.notifier = Objects.requireNonNull(notifier, "'notifier' cannot be null.");
            return this;
        }

        public Builder options(WorkerOptions options) {
            this.options = Objects.requireNonNull(options, "'options' cannot be null.");
            return this;
        }

        /**
         * The clock for timestamps, with real-time waits. Default: the system UTC clock. To drive time
         * in tests, use {@link #scheduler(Scheduler)} with a {@link ManualScheduler} instead.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "'clock' cannot be null.");
            return this;
        }

        /** The source of time and timers; overrides {@link #clock(Clock)}. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "'scheduler' cannot be null.");
            return this;
        }

        /** Where the engine's meters go. Default: a private {@link SimpleMeterRegistry}. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "'meterRegistry' cannot be null.");
            return this;
        }

        public Builder listener(WorkerListener listener) {
            this.listener = Objects.requireNonNull(listener, "'listener' cannot be null.");
            return this;
        }

        /**
         * Runs tasks in slots shared with other workers of this process (see {@link SharedSlots}): a
         * task starts only while this worker holds one of them, and never more at once than
         * {@link WorkerOptions#concurrency()}. Default: none; the worker's own
         * {@code concurrency} handler threads are its slots.
         *
         * @param weight this worker's share when workers compete for slots, 1 to 100
         * @throws IllegalArgumentException when {@code weight} is out of range
         */
        public Builder sharedSlots(SharedSlots slots, int weight) {
            if (weight < 1 || weight > 100) {
                throw new IllegalArgumentException("'weight' must be between 1 and 100, was " + weight);
            }
            this.sharedSlots = Objects.requireNonNull(slots, "'slots' cannot be null.");
            this.weight = weight;
            return this;
        }

        /**
         * Tags on every meter of this worker, as key-value pairs, e.g. {@code meterTags("client_id", "a")}
         * for one of several workers sharing a registry. Default: none.
         *
         * @throws IllegalArgumentException when the number of arguments is odd
         */
        public Builder meterTags(String... keyValues) {
            if (keyValues.length % 2 != 0) {
                throw new IllegalArgumentException("'keyValues' must be pairs of key and value, got "
                        + keyValues.length + " strings");
            }
            this.meterTags = Tags.of(keyValues);
            return this;
        }

        /** The source of jitter, uniform in [0, 1). For deterministic tests only. */
        public Builder jitter(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "'random' cannot be null.");
            return this;
        }

        /**
         * @throws IllegalStateException when no queue or no handler is configured
         */
        public Worker build() {
            if (queue == null) {
                throw new IllegalStateException("no queue: call queue(...) with a QueueProvider");
            }
            if (handlers.isEmpty()) {
                throw new IllegalStateException(
                        "no task handlers: register one with handler(...) or discover them with discoverHandlers()");
            }
            Scheduler time = scheduler;
            AutoCloseable owned = null;
            if (time == null) {
                SystemScheduler system = new SystemScheduler(clock != null ? clock : Clock.systemUTC(),
                        "queue-worker-timer");
                time = system;
                owned = system;
            }
            Engine engine = new Engine(queue, handlers,
                    documents != null ? documents : new InMemoryDocumentStore(),
                    notifier != null ? notifier : OkHttpWebhookNotifier.builder().build(),
                    options, time, owned, listener,
                    new WorkerMetrics(meterRegistry != null ? meterRegistry : new SimpleMeterRegistry(), meterTags),
                    random, sharedSlots == null ? null : sharedSlots.pool().join(weight));
            return new Worker(engine, options, java.util.Collections.unmodifiableSet(new TreeSet<>(handlers.keySet())));
        }
    }
}
