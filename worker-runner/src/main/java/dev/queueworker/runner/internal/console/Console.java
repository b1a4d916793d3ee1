package dev.queueworker.runner.internal.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpHandler;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.core.WorkerListener;
import dev.queueworker.runner.internal.admin.Submitter;
import dev.queueworker.runner.internal.admin.UsageException;
import dev.queueworker.runner.internal.cli.CommandFailedException;
import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.RunnerConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console of one daemon: its listener feeds the figures, the in-flight list and the
 * outcome history; {@link #attach} gives it the queue (depth samples, poison page, heartbeats);
 * {@link #handlerFor} serves it on the HTTP listener when {@link ConsoleAccess} allows. One
 * scheduler thread samples depths, writes heartbeats and pushes live updates to open pages.
 * See docs/console.md.
 */
public final class Console implements AutoCloseable {

    /** Outcomes kept for the Recent page (and in {@code WORKER_DATA_DIR}). */
    public static final int HISTORY = 10_000;
    static final long PUSH_MILLIS = 2_000;
    static final long DEPTH_MILLIS = 5_000;
    private static final Logger log = LoggerFactory.getLogger("dev.queueworker.runner");

    private final RunnerConfig config;
    private final OkHttpClient http;
    private final Clock clock;
    private final ConsoleAccess access;
    private final LiveFigures figures;
    private final InFlightTasks inFlight;
    private final OutcomeHistory history;
    private final ConsoleListener listener;
    private final AuditLog audit;
    private final EventStream events;
    private final ScheduledExecutorService scheduler;
    private final Instant startedAt;
    private volatile QueueProvider queue;
    private volatile PoisonView poison;
    private volatile WorkerHeartbeats heartbeats;

    private Console(RunnerConfig config, OkHttpClient http, Clock clock) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.access = new ConsoleAccess(config.consoleToken().orElse(null));
        Path dataDir = config.ai().dataDir();
        this.figures = new LiveFigures(clock);
        this.inFlight = new InFlightTasks(clock, config.workerOptions().visibilityTimeout());
        this.history = new OutcomeHistory(dataDir, HISTORY);
        this.listener = new ConsoleListener(clock, figures, inFlight, history);
        this.audit = new AuditLog(dataDir, clock);
        this.events = new EventStream(withFigures -> live(withFigures).toString());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "queue-worker-console");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::pushQuietly, PUSH_MILLIS, PUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A console for the daemon of {@code config}; {@code http} is the process's client (submit, heartbeats). */
    public static Console create(RunnerConfig config, OkHttpClient http) {
        return new Console(config, http, Clock.systemUTC());
    }

    /** The listener to register on the worker. */
    public WorkerListener listener() {
        return listener;
    }

    /** Gives the console the connected queue: starts depth samples and heartbeats. */
    public void attach(QueueProvider queue) {
        this.queue = queue;
        this.poison = new PoisonView(queue);
        this.heartbeats = new WorkerHeartbeats(heartbeatStore(), clock, self(), inFlight::count);
        scheduler.scheduleWithFixedDelay(this::sampleDepth, 0, DEPTH_MILLIS, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(heartbeats::beat, 0, WorkerHeartbeats.INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * The console's handler for a listener on {@code bind}, or null when it must not be served there
     * (a non-loopback bind without {@code WORKER_CONSOLE_TOKEN}).
     */
    public HttpHandler handlerFor(String bind) {
        return access.servedOn(bind) ? new ConsoleRoutes(this, access) : null;
    }

    /** The one start-up line saying where the console is, or why it is not served. */
    public String startupLine(String bind, int port) {
        if (!access.servedOn(bind)) {
            return "Console: not served on " + bind + " (not loopback) without WORKER_CONSOLE_TOKEN;"
                    + " /health and /metrics are";
        }
        String host = bind.contains(":") ? "[" + bind + "]" : bind;
        return "Console: http://" + host + ":" + port + "/ (" + (access.mode() == ConsoleAccess.Mode.TOKEN
                ? "token required" : "loopback only") + (config.consoleReadOnly() ? ", read-only" : "") + ")";
    }

    boolean readOnly() {
        return config.consoleReadOnly();
    }

    String clientId() {
        return config.workerOptions().clientId();
    }

    EventStream events() {
        return events;
    }

    OutcomeHistory history() {
        return history;
    }

    AuditLog audit() {
        return audit;
    }

    PoisonView poison() {
        PoisonView p = poison;
        if (p == null) {
            throw new UnsupportedOperationException("the queue has not answered yet");
        }
        return p;
    }

    ObjectNode overview() {
        ObjectNode n = live(true);
        ArrayNode configuration = n.putArray("configuration");
        config.describe().forEach(configuration::add); // secrets are shown as "<set, not shown>"
        n.put("startedAt", startedAt.toString());
        n.put("version", version());
        n.put("concurrency", config.workerOptions().concurrency());
        n.put("historyKept", history.size());
        return n;
    }

    /** What the page's live view shows, pushed every {@link #PUSH_MILLIS} to open pages. */
    ObjectNode live(boolean withFigures) {
        ObjectNode n = HttpAnswers.JSON.createObjectNode();
        n.put("clientId", clientId());
        n.put("now", clock.instant().toString());
        long[] depths = figures.latestDepths();
        n.put("depth", depths[0]);
        n.put("poisonDepth", depths[1]);
        n.put("outcomesSeen", history.recorded());
        if (withFigures) {
            n.set("figures", figures.toJson());
        }
        n.set("inFlight", inFlight.toJson());
        return n;
    }

    ObjectNode inFlight() {
        ObjectNode n = HttpAnswers.JSON.createObjectNode();
        n.set("tasks", inFlight.toJson());
        return n;
    }

    ObjectNode workers() {
        ObjectNode n = HttpAnswers.JSON.createObjectNode();
        WorkerHeartbeats h = heartbeats;
        n.put("storage", h == null ? "not connected yet" : h.storeDescription());
        n.put("staleAfterSeconds", WorkerHeartbeats.STALE_AFTER.toSeconds());
        n.set("workers", h == null ? HttpAnswers.JSON.createArrayNode() : h.toJson());
        return n;
    }

    /** Submits as {@code queue-worker submit} does; a wrong field is a {@link HttpAnswers.BadRequest}. */
    ObjectNode submit(String type, String payloadJson, String webhookUrl) {
        Submitter.Submitted s;
        try {
            s = Submitter.submit(config, new Submitter.Request(type, null, null,
                    webhookUrl == null || webhookUrl.isBlank() ? null : webhookUrl,
                    payloadJson == null || payloadJson.isBlank() ? null : payloadJson, null),
                    Path.of("").toAbsolutePath(), http);
        } catch (UsageException | ConfigException | CommandFailedException e) {
            throw new HttpAnswers.BadRequest(e.getMessage());
        }
        ObjectNode n = HttpAnswers.JSON.createObjectNode();
        n.put("taskId", s.taskId());
        n.put("queue", s.queueName());
        n.put("messageId", s.messageId());
        return n;
    }

    /** Samples the depths now (after an action changed them), off the HTTP thread. */
    void sampleSoon() {
        if (queue != null) {
            scheduler.execute(this::sampleDepth);
        }
    }

    private void sampleDepth() {
        try {
            figures.depth(queue.approximateDepth(), poison.depth());
        } catch (RuntimeException e) {
            log.debug("Console: sampling the queue depth failed", e);
        }
    }

    private void pushQuietly() {
        try {
            events.push();
        } catch (RuntimeException e) {
            log.debug("Console: pushing live updates failed", e);
        }
    }

    private HeartbeatStore heartbeatStore() {
        if (config.queueKind() == RunnerConfig.QueueKind.AZURE && config.azureConnectionString().isPresent()) {
            try {
                return HeartbeatStore.blobs(config.azureConnectionString().get(), config.azureContainerName(),
                        clientId(), http);
            } catch (RuntimeException e) {
                log.warn("Console: worker heartbeats stay in this process: {}", e.getClass().getSimpleName());
            }
        }
        return HeartbeatStore.inMemory();
    }

    private ObjectNode self() {
        ObjectNode n = HttpAnswers.JSON.createObjectNode();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown";
        }
        n.put("workerId", host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
        n.put("host", host);
        n.put("pid", ProcessHandle.current().pid());
        n.put("version", version());
        n.put("startedAt", startedAt.toString());
        n.put("concurrency", config.workerOptions().concurrency());
        return n;
    }

    private static String version() {
        String v = Console.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            // A heartbeat being written now must land before its record is deleted below.
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.close();
        WorkerHeartbeats h = heartbeats;
        if (h != null) {
            h.stop();
        }
        history.close();
    }
}
