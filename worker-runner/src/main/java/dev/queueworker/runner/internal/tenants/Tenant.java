package dev.queueworker.runner.internal.tenants;

import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.core.SharedSlots;
import dev.queueworker.core.Worker;
import dev.queueworker.runner.internal.cli.Errors;
import dev.queueworker.runner.internal.cli.OperatorMessages;
import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.RunnerConfig;
import dev.queueworker.runner.internal.wiring.Components;
import dev.queueworker.runner.internal.wiring.DataDirectory;
import dev.queueworker.runner.internal.wiring.ModelUsageMeters;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One client of the tenants daemon: its queue, document store, notifier, handlers and Worker, built
 * and run on a thread of its own (so that a client whose storage does not answer holds up no other),
 * drained by {@link #stop()}. Every line it logs carries the client ({@code client_id} in the MDC),
 * and so do its Worker's threads.
 */
final class Tenant {

    private static final Logger log = LoggerFactory.getLogger("dev.queueworker.runner.tenants");
    private static final Duration MAX_CONNECT_DELAY = Duration.ofSeconds(30);

    private final String client;
    private final RunnerConfig config;
    private final Shared shared;
    private final Tenant predecessor;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile TenantState state = new TenantState.Starting(null);

    /** What every client of the daemon shares: the HTTP client, the handler slots, the meter registry. */
    record Shared(OkHttpClient http, SharedSlots slots, MeterRegistry registry) {
    }

    private Tenant(String client, RunnerConfig config, Shared shared, Tenant predecessor) {
        this.client = client;
        this.config = config;
        this.shared = shared;
        this.predecessor = predecessor;
    }

    /**
     * Starts {@code client} on a thread of its own, once {@code predecessor} (the same client with its
     * former settings, or null) has stopped, so that one client's queue is never served twice.
     */
    static Tenant start(String client, RunnerConfig config, Shared shared, Tenant predecessor) {
        Tenant tenant = new Tenant(client, config, shared, predecessor);
        Thread thread = new Thread(tenant::run, "tenant-" + client);
        thread.setDaemon(false);
        thread.start();
        return tenant;
    }

    String client() {
        return client;
    }

    TenantState state() {
        return state;
    }

    /** Asks the client to drain: no more receives; its running tasks may finish within its shutdown timeout. */
    void stop() {
        stop.countDown();
    }

    /** Waits until the client has drained and closed everything it built; false when the wait ran out. */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        MDC.put("client_id", client);
        try {
            if (predecessor != null && !awaitPredecessor()) {
                return;
            }
            serve();
            if (!(state instanceof TenantState.Failed)) {
                state = new TenantState.Stopped();
                log.info("Tenants: client {} stopped", client);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = new TenantState.Stopped();
        } catch (RuntimeException | Error e) {
            fail(describe(e), e);
        } finally {
            stopped.countDown();
            MDC.remove("client_id");
        }
    }

    private boolean awaitPredecessor() throws InterruptedException {
        while (!predecessor.awaitStopped(Duration.ofMillis(200))) {
            if (stop.getCount() == 0) {
                state = new TenantState.Stopped();
                return false;
            }
        }
        return true;
    }

    private void serve() throws InterruptedException {
        DataDirectory.claim(config);
        try (Components.Handlers handlers = handlers()) {
            if (handlers.handlers().isEmpty()) {
                throw new ConfigException("no task handler to run: WORKER_TASK_TYPES and WORKER_PLUGINS_DIR leave none");
            }
            QueueProvider queue = connectQueue(handlers);
            if (queue == null) {
                return;
            }
            try {
                DocumentStore documents = documents(handlers);
                try (Worker worker = Worker.builder()
                        .queue(queue)
                        .handlers(handlers.handlers())
                        .documents(documents)
                        .notifier(Components.notifier(config, shared.http()))
                        .options(config.workerOptions())
                        .sharedSlots(shared.slots(), config.share())
                        .meterRegistry(shared.registry())
                        .meterTags("client_id", client)
                        .listener(new ModelUsageMeters(shared.registry(), client))
                        .build()
                        .start()) {
                    state = new TenantState.Ready();
                    log.info("Tenants: client {} ready: task types {}, at most {} at once, share {}", client,
                            handlers.handlers().stream().map(TaskHandler::taskType).sorted().toList(),
                            config.workerOptions().concurrency(), config.share());
                    stop.await();
                    state = new TenantState.Draining();
                    log.info("Tenants: client {} draining: running tasks ({}) may finish within {}", client,
                            worker.inFlightCount(), config.workerOptions().shutdownTimeout());
                } finally {
                    removeMeters();
                }
            } finally {
                queue.close();
            }
        }
    }

    /**
     * Removes the stopped Worker's meters (tagged with this client), so that a successor of this client
     * registers its own rather than finding these, which would keep reporting (and holding) this one.
     */
    private void removeMeters() {
        for (Meter meter : shared.registry().getMeters()) {
            if (client.equals(meter.getId().getTag("client_id"))
                    && !meter.getId().getName().equals(TenantsRun.READY_GAUGE)) {
                shared.registry().remove(meter);
            }
        }
    }

    private Components.Handlers handlers() {
        try {
            return Components.handlers(config);
        } catch (QueueWorkerException | IllegalStateException e) {
            if (config.ai().databaseUrl().isEmpty()) {
                if (e instanceof IllegalStateException state && config.vectorStoreName().equals("memory")) {
                    throw new StartFailure(OperatorMessages.fileStore(state));
                }
                throw e;
            }
            log.debug("The handlers cannot be built", e);
            throw new StartFailure(OperatorMessages.database(e, config));
        }
    }

    private DocumentStore documents(Components.Handlers handlers) {
        try {
            return Components.documents(config, shared.http(), handlers);
        } catch (QueueWorkerException e) {
            log.debug("The document store cannot be reached", e);
            throw new StartFailure(OperatorMessages.azure(e, config));
        }
    }

    /** The queue, retried while its storage is unreachable (the client is then starting); null when stopped first. */
    private QueueProvider connectQueue(Components.Handlers handlers) throws InterruptedException {
        Duration delay = Duration.ofSeconds(1);
        while (stop.getCount() > 0) {
            try {
                QueueProvider queue = Components.queue(config, shared.http(), handlers);
                long depth = queue.approximateDepth();
                log.info("Tenants: client {} queue answered: about {} messages waiting", client, depth);
                return queue;
            } catch (RetryableException e) {
                String why = OperatorMessages.azure(e, config);
                state = new TenantState.Starting("the queue does not answer: " + why);
                log.warn("Tenants: client {} queue not reachable: {}; trying again in {} s", client, why,
                        delay.toSeconds());
                log.debug("Queue not reachable", e);
                if (stop.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                    return null;
                }
                delay = delay.multipliedBy(2).compareTo(MAX_CONNECT_DELAY) > 0 ? MAX_CONNECT_DELAY
                        : delay.multipliedBy(2);
            } catch (QueueWorkerException e) {
                log.debug("The queue refused", e);
                throw new StartFailure(OperatorMessages.azure(e, config));
            }
        }
        return null;
    }

    private static String describe(Throwable e) {
        if (e instanceof StartFailure || e instanceof ConfigException) {
            return e.getMessage();
        }
        return Errors.describe(e);
    }

    private void fail(String why, Throwable e) {
        String line = why.replace('\n', ' ');
        state = new TenantState.Failed(line, e instanceof ConfigException);
        log.error("Tenants: client {} stopped: {}", client, line);
        log.debug("Tenants: client {} failed", client, e);
    }

    /** A service refused the client at start: the message is the operator's line. */
    private static final class StartFailure extends RuntimeException {
        StartFailure(String message) {
            super(message, null, false, false);
        }
    }
}
