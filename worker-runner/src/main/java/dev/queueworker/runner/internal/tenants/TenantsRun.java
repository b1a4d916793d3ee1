package dev.queueworker.runner.internal.tenants;

import dev.queueworker.core.SharedSlots;
import dev.queueworker.runner.internal.cli.CliContext;
import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.http.HttpEndpoints;
import dev.queueworker.runner.internal.wiring.Components;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
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
import java.nio.file.Path;
import java.time.Duration;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code queue-worker run --tenants DIR}: one daemon for every client of DIR (docs/tenants.md). Reads
 * DIR, starts each client, serves health and metrics, re-reads DIR on SIGHUP and drains every client
 * on SIGTERM or SIGINT.
 */
public final class TenantsRun {

    private static final Logger log = LoggerFactory.getLogger("dev.queueworker.runner");
    /** How long stop waits for a client beyond its own WORKER_SHUTDOWN_TIMEOUT before giving up on it. */
    private static final Duration STOP_PATIENCE = Duration.ofMinutes(10);

    /** The gauge of each client's readiness; the daemon, not the client's Worker, owns it. */
    static final String READY_GAUGE = "queue_worker_ready";

    private enum Event { RELOAD, STOP }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Map<String, Meter> readyGauges = new HashMap<>();

    private TenantsRun() {
    }

    /**
     * Runs the daemon until stopped; returns the exit code.
     *
     * @param version the version for the start-up line
     * @throws ConfigException when DIR holds no client or its daemon-level variables are bad (exit 2)
     */
    public static int run(Path dir, CliContext context, String version) throws InterruptedException {
        return new TenantsRun().serve(context.workingDirectory().resolve(dir), context, version);
    }

    private int serve(Path dir, CliContext context, String version) throws InterruptedException {
        TenantsDirectory read = TenantsDirectory.read(dir, context.environment());
        DaemonVariables daemonVariables = read.daemon();
        context.onStop(() -> events.add(Event.STOP));
        ReloadSignal.install(() -> events.add(Event.RELOAD));
        log.info("queue-worker {} starting in tenants mode for {} clients of {} (pid {}, Java {})", version,
                read.clients().size(), dir, ProcessHandle.current().pid(), System.getProperty("java.version"));
        log.info("Tenants: {} handler slots shared (WORKER_TENANTS_CONCURRENCY)", daemonVariables.tenantsConcurrency());
        if (daemonVariables.consoleTokenSet()) {
            log.warn("Tenants: WORKER_CONSOLE_TOKEN is set but the console is not served in tenants mode");
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmGcMetrics gc = bindJvmMetrics(registry);
        OkHttpClient http = Components.httpClient();
        Tenant.Shared shared = new Tenant.Shared(http, SharedSlots.of(daemonVariables.tenantsConcurrency()), registry);
        TenantsDaemon daemon = new TenantsDaemon(dir, context.environment(), daemonVariables, shared);
        TenantsHealth health = new TenantsHealth(daemon::states);
        HttpEndpoints endpoints = startHttp(daemonVariables, registry, health);
        boolean stopped = false;
        try {
            daemon.start(read);
            syncGauges(daemon, registry);
            boolean settled = false;
            while (true) {
                Event event = settled ? events.take() : events.poll(250, TimeUnit.MILLISECONDS);
                if (!settled) {
                    settled = settled(daemon);
                }
                if (event == Event.STOP) {
                    break;
                }
                if (event == Event.RELOAD) {
                    log.info("Tenants: reload requested: reading {}", dir);
                    daemon.reload();
                    syncGauges(daemon, registry);
                }
            }
            log.info("Stop requested");
            health.draining();
            log.info("Stopping: every client drains; running tasks may finish within each client's"
                    + " WORKER_SHUTDOWN_TIMEOUT");
            daemon.stop(STOP_PATIENCE);
            stopped = true;
            log.info("Stopped");
            return 0;
        } finally {
            if (!stopped) {
                daemon.stop(STOP_PATIENCE); // a failure of the daemon itself: the clients' threads must not outlive it
            }
            if (endpoints != null) {
                endpoints.close();
            }
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
            gc.close();
            registry.close();
        }
    }

    /**
     * Logs {@code queue-worker ready} once no client is starting any more (each is ready or failed);
     * returns whether it did. A client whose storage never answers keeps this line back, as it keeps
     * {@code /health/ready} at 503.
     */
    private static boolean settled(TenantsDaemon daemon) {
        var states = daemon.states();
        if (states.values().stream().anyMatch(s -> s instanceof TenantState.Starting)) {
            return false;
        }
        List<String> ready = states.entrySet().stream().filter(e -> e.getValue().ready()).map(Map.Entry::getKey).toList();
        long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        log.info("queue-worker ready: {} of {} clients receiving {}, {} ms after start", ready.size(), states.size(),
                ready, sinceJvmStart);
        return true;
    }

    /** One {@code queue_worker_ready{client_id}} per client of DIR: 1 while it receives tasks, else 0. */
    private void syncGauges(TenantsDaemon daemon, PrometheusMeterRegistry registry) {
        var clients = daemon.states().keySet();
        readyGauges.entrySet().removeIf(e -> {
            if (!clients.contains(e.getKey())) {
                registry.remove(e.getValue());
                return true;
            }
            return false;
        });
        for (String client : clients) {
            readyGauges.computeIfAbsent(client, c -> Gauge.builder(READY_GAUGE, daemon, d -> {
                TenantState state = d.states().get(c);
                return state != null && state.ready() ? 1 : 0;
            }).description("1 when the worker is receiving tasks, 0 while starting or draining")
                    .tag("client_id", c).register(registry));
        }
    }

    private static HttpEndpoints startHttp(DaemonVariables daemon, PrometheusMeterRegistry registry,
            TenantsHealth health) {
        if (daemon.httpPortIfSet().isEmpty()) {
            return null;
        }
        try {
            HttpEndpoints http = HttpEndpoints.start(daemon.httpBind(), daemon.httpPort(), registry, health::answer,
                    null);
            log.info("HTTP: /health/live, /health/ready and /metrics on {}:{}", daemon.httpBind(), http.port());
            return http;
        } catch (IOException e) {
            throw new ConfigException("WORKER_HTTP_PORT " + daemon.httpPort() + " on WORKER_HTTP_BIND "
                    + daemon.httpBind() + " cannot be served: " + e.getMessage());
        }
    }

    /** The JVM's meters, untagged (they are the process's, not a client's); returns the one to close. */
    private static JvmGcMetrics bindJvmMetrics(PrometheusMeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return gc;
    }
}
