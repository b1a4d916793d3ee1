package dev.queueworker.runner.internal.cli;

import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerListener;
import dev.queueworker.runner.internal.admin.WebhookPolicyCheck;
import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.RunnerConfig;
import dev.queueworker.runner.internal.console.Console;
import dev.queueworker.runner.internal.http.HttpEndpoints;
import dev.queueworker.runner.internal.tenants.TenantsRun;
import dev.queueworker.runner.internal.wiring.Components;
import dev.queueworker.runner.internal.wiring.DataDirectory;
import dev.queueworker.runner.internal.wiring.ModelUsageMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code queue-worker run}: the daemon. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the worker until SIGTERM or SIGINT, then drains: running tasks may finish within"
            + " WORKER_SHUTDOWN_TIMEOUT, unfinished messages become visible again at once; exit 0.",
            "Every variable is checked before anything connects: a bad one prints one line naming it and exits 2."})
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger("dev.queueworker.runner");
    private static final Duration MAX_CONNECT_DELAY = Duration.ofSeconds(30);

    @Mixin
    ConfigOptions configOptions;

    @Mixin
    ClientOption clientOption;

    @Option(names = "--tenants", paramLabel = "DIR",
            description = {"Serve every client of DIR in this one daemon: DIR/.env shared, one DIR/clients/<client>.env"
                + " per client; SIGHUP re-reads DIR (docs/tenants.md). Not with --client or --env-file."})
    Path tenants;

    @Spec
    CommandSpec spec;

    private final CliContext context;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile String notReady = "starting";

    RunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (tenants != null) {
            if (clientOption.client != null || configOptions.envFile != null) {
                throw new ParameterException(spec.commandLine(), "--tenants cannot be combined with "
                        + (clientOption.client != null ? "--client" : "--env-file")
                        + ": each client's settings are DIR/clients/<client>.env");
            }
            return TenantsRun.run(tenants, context, VersionCommand.version());
        }
        RunnerConfig config = configOptions.load(context, clientOption.client);
        context.onStop(this::requestStop);
        log.info("queue-worker {} starting (pid {}, Java {})", VersionCommand.version(), ProcessHandle.current().pid(),
                System.getProperty("java.version"));
        config.describe().forEach(line -> log.info("Configuration: {}", line));
        config.unknownInEnvFile().forEach(name ->
                log.warn("Configuration: {} in the env file is not a queue-worker variable (a typo?)", name));
        if (config.variables().containsKey("SUPABASE_URL") || config.variables().containsKey("SUPABASE_KEY")) {
            log.warn("Configuration: SUPABASE_URL and SUPABASE_KEY are not used: the worker writes through DATABASE_URL");
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("client_id", config.workerOptions().clientId());
        List<AutoCloseable> binders = bindJvmMetrics(registry);
        Gauge.builder("queue_worker_ready", () -> notReady == null ? 1 : 0)
                .description("1 when the worker is receiving tasks, 0 while starting or draining").register(registry);
        DataDirectory.claim(config);
        OkHttpClient httpClient = Components.httpClient();
        Console console = Console.create(config, httpClient);
        HttpEndpoints http = startHttp(config, registry, console);
        try (console; Components.Handlers handlers = handlers(config)) {
            if (handlers.handlers().isEmpty()) {
                throw new ConfigException("no task handler to run: WORKER_TASK_TYPES and WORKER_PLUGINS_DIR leave none");
            }
            // The document store is built beside the queue: both load much of the Azure SDK and make a call.
            CompletableFuture<DocumentStore> pendingDocuments = CompletableFuture.supplyAsync(
                    () -> Components.documents(config, httpClient, handlers));
            QueueProvider queue = connectQueue(config, httpClient, handlers);
            DocumentStore documents = documents(pendingDocuments, config);
            if (queue == null) {
                log.info("Stopped before the queue answered");
                return Cli.OK;
            }
            try (Worker worker = Worker.builder()
                    .queue(queue)
                    .handlers(handlers.handlers())
                    .documents(documents)
                    .notifier(Components.notifier(config, httpClient))
                    .options(config.workerOptions())
                    .meterRegistry(registry)
                    .listener(WorkerListener.all(console.listener(),
                            new ModelUsageMeters(registry, config.workerOptions().clientId())))
                    .build()
                    .start()) {
                console.attach(queue);
                notReady = null;
                long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
                log.info("queue-worker ready: task types {}, concurrency {}, {} ms after start",
                        handlers.handlers().stream().map(TaskHandler::taskType).sorted().toList(),
                        config.workerOptions().concurrency(), sinceJvmStart);
                // Off the start-up path: checking resolves WEBHOOK_URL's host name.
                CompletableFuture.runAsync(() -> webhookUrlWarning(config).ifPresent(log::warn));
                stop.await();
                notReady = "draining";
                log.info("Stopping: no more receives; running tasks ({}) may finish within {}", worker.inFlightCount(),
                        config.workerOptions().shutdownTimeout());
            } finally {
                queue.close();
            }
            log.info("Stopped");
            return Cli.OK;
        } finally {
            if (http != null) {
                http.close();
            }
            httpClient.dispatcher().executorService().shutdown();
            httpClient.connectionPool().evictAll();
            for (AutoCloseable binder : binders) {
                binder.close();
            }
            registry.close();
        }
    }

    /**
     * Why outcomes sent to {@code WEBHOOK_URL} would be refused (the rules of {@code queue-worker check}:
     * link-local and metadata addresses, {@code WEBHOOK_ALLOWED_HOSTS}), as a start-up warning; empty
     * when it is unset or allowed. Refused outcomes are kept on the poison queue, not delivered.
     */
    static Optional<String> webhookUrlWarning(RunnerConfig config) {
        String url = config.workerOptions().defaultWebhookUrl();
        if (url == null) {
            return Optional.empty();
        }
        return WebhookPolicyCheck.refusal(config, url).map(reason -> "Configuration: WEBHOOK_URL " + reason
                + "; such outcomes are kept on the poison queue instead");
    }

    /** The handlers; a database that cannot be used stops start-up with one line naming DATABASE_URL. */
    private static Components.Handlers handlers(RunnerConfig config) {
        try {
            return Components.handlers(config);
        } catch (QueueWorkerException | IllegalStateException e) {
            if (config.ai().databaseUrl().isEmpty()) {
                if (e instanceof IllegalStateException state && config.vectorStoreName().equals("memory")) {
                    throw new CommandFailedException(OperatorMessages.fileStore(state));
                }
                throw e;
            }
            log.debug("The handlers cannot be built", e);
            throw new CommandFailedException(OperatorMessages.database(e, config));
        }
    }

    private static DocumentStore documents(CompletableFuture<DocumentStore> pending, RunnerConfig config)
            throws InterruptedException {
        try {
            return pending.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof QueueWorkerException q
                    && config.documentStoreKind() == RunnerConfig.DocumentStoreKind.AZURE) {
                log.debug("The document store cannot be reached", q);
                throw new CommandFailedException(OperatorMessages.azure(q, config));
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void requestStop() {
        if (stop.getCount() > 0) {
            log.info("Stop requested");
        }
        notReady = "draining";
        stop.countDown();
    }

    /** Builds the queue, retrying while Azure Storage is unreachable; null when stopped first. */
    private QueueProvider connectQueue(RunnerConfig config, OkHttpClient http, Components.Handlers handlers)
            throws InterruptedException {
        Duration delay = Duration.ofSeconds(1);
        while (stop.getCount() > 0) {
            try {
                QueueProvider queue = Components.queue(config, http, handlers);
                long depth = queue.approximateDepth();
                log.info("Queue answered: about {} messages waiting", depth);
                return queue;
            } catch (RetryableException e) {
                String why = OperatorMessages.azure(e, config);
                notReady = "the queue does not answer: " + why;
                log.warn("Queue not reachable: {}; trying again in {} s", why, delay.toSeconds());
                log.debug("Queue not reachable", e);
                if (stop.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                    return null;
                }
                delay = delay.multipliedBy(2).compareTo(MAX_CONNECT_DELAY) > 0 ? MAX_CONNECT_DELAY : delay.multipliedBy(2);
            } catch (QueueWorkerException e) {
                log.debug("The queue refused", e);
                throw new CommandFailedException(OperatorMessages.azure(e, config));
            }
        }
        return null;
    }

    private HttpEndpoints startHttp(RunnerConfig config, PrometheusMeterRegistry registry, Console console) {
        if (config.httpPort().isEmpty()) {
            return null;
        }
        try {
            HttpEndpoints http = HttpEndpoints.start(config.httpBind(), config.httpPort().get(), registry, () -> notReady,
                    console);
            log.info("HTTP: /health/live, /health/ready and /metrics on {}:{}", config.httpBind(), http.port());
            return http;
        } catch (IOException e) {
            throw new ConfigException("WORKER_HTTP_PORT " + config.httpPort().get() + " on WORKER_HTTP_BIND "
                    + config.httpBind() + " cannot be served: " + e.getMessage());
        }
    }

    private static List<AutoCloseable> bindJvmMetrics(PrometheusMeterRegistry registry) {
        List<AutoCloseable> closeables = new ArrayList<>();
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return closeables;
    }
}
