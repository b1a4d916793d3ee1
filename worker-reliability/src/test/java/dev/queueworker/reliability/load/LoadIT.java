package dev.queueworker.reliability.load;

import static dev.queueworker.reliability.load.LoadKit.await;
import static dev.queueworker.reliability.load.LoadKit.figure;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.queue.QueueClient;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.RecordingWebhookReceiver;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 7 of docs/reliability.md: short IO-bound tasks (one HTTP GET to a local server that
 * answers after 50 ms) through 1 and then 4 daemon processes on one queue. Every task completes
 * exactly once as the webhook receiver sees it (one {@code completed} outcome per task, deduplicated
 * by {@code webhook-id} as docs/webhooks.md tells receivers to), and 4 workers drain the queue at
 * least 3 times as fast as 1.
 *
 * <p>Throughput is measured in the steady state: a backlog of tasks is queued before the daemons
 * start, and only the IO calls made after the last daemon answered {@code /health/ready} count, so
 * JVM start-up (slower for 4 JVMs on 2 cores) is not measured.
 *
 * <p>The frontend keeps at most {@link #BACKLOG} (1,000) tasks unfinished: it sends the next task
 * whenever one reaches the IO server, as a frontend producing work steadily would. Azurite is why:
 * every queue call scans all of its messages, so at 10,000 queued messages it spends 50-90 ms of CPU
 * per task (receive and delete) and serves at most 11-20 tasks/s, whatever the number of workers;
 * at 1,000 it spends about 6 ms (docs/reliability.md, "Azurite and deep queues"). Azure Storage
 * does not slow down with depth. {@code -Dreliability.load.backlog=10000} queues all 10,000 at once
 * and measures Azurite.
 *
 * <p>Why 4 slots per worker and 500 ms per call: each task also costs about 20-30 ms of CPU (the
 * daemon's Azure SDK calls and webhook, Azurite's single Node process, the receiver), and this
 * machine has 2 cores shared with other work, so 4 workers can only be 4 times as fast as 1 while
 * their sum stays well under the CPU they get: one worker is then bound by its slots (at most
 * 4 / 0.5 s = 8 tasks/s), four by theirs (32 tasks/s), not by CPU or Azurite. The figure lines
 * report the CPU used per task and the load average, to show the headroom. Shorter calls
 * ({@code -Dreliability.load.latencyMillis=50}) measure CPU and Azurite, not the engine's scaling.
 *
 * <p>N is 320 by default (about 45 s for one worker); {@code -Dreliability.soak=true} runs 10,000 ({@code -Dreliability.load.tasks}
 * sets any N, {@code -Dreliability.load.concurrency} the slots per worker).
 */
class LoadIT {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final int CONCURRENCY = Integer.getInteger("reliability.load.concurrency", 4);
    static final Duration IO_LATENCY = Duration.ofMillis(Long.getLong("reliability.load.latencyMillis", 500));
    static final int BACKLOG = Integer.getInteger("reliability.load.backlog", 1_000);

    static Azurite azurite;
    static IoServer io;

    @TempDir
    static Path work;

    @BeforeAll
    static void services() throws IOException {
        azurite = Azurite.start();
        io = new IoServer();
    }

    @AfterAll
    static void stopServices() {
        if (io != null) {
            io.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    static int tasks() {
        Integer configured = Integer.getInteger("reliability.load.tasks");
        if (configured != null) {
            return configured;
        }
        return Boolean.getBoolean("reliability.soak") ? 10_000 : 320;
    }

    @Test
    void fourWorkersCompleteEveryTaskExactlyOnceAtLeastThreeTimesAsFastAsOne() throws Exception {
        int n = tasks();
        Path plugins = work.resolve("plugins");
        LoadKit.ioPlugin(plugins);

        Run one = run("loadone", 1, n, plugins);
        Run four = run("loadfour", 4, n, plugins);

        double ratio = four.throughput() / one.throughput();
        figure("7", String.format(java.util.Locale.ROOT,
                "tasks=%d concurrency_per_worker=%d io_latency_ms=%d throughput_1=%.1f/s throughput_4=%.1f/s ratio=%.2f"
                        + " duplicates_1=%d duplicates_4=%d azurite_cpu_1=%.2f azurite_cpu_4=%.2f",
                n, CONCURRENCY, IO_LATENCY.toMillis(), one.throughput(), four.throughput(), ratio,
                one.duplicateDeliveries(), four.duplicateDeliveries(), one.azuriteCpuShare(), four.azuriteCpuShare()));
        assertThat(ratio).as("throughput of 4 workers over 1 (%s vs %s)", four, one).isGreaterThanOrEqualTo(3.0);
    }

    record Run(int workers, int tasks, Duration elapsed, int duplicateDeliveries, double azuriteCpuShare) {
        double throughput() {
            return tasks / (elapsed.toNanos() / 1e9);
        }
    }

    private Run run(String clientId, int workers, int n, Path plugins) throws Exception {
        try (RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start(SECRET)) {
            QueueClient queue = LoadKit.queue(azurite.connectionString(), clientId + "-tasks");
            LoadKit.queue(azurite.connectionString(), clientId + "-tasks-poison");
            Map<String, String> env = new HashMap<>();
            env.put("CLIENT_ID", clientId);
            env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
            env.put("WORKER_TASK_TYPES", "io");
            env.put("WORKER_PLUGINS_DIR", plugins.toString());
            env.put("WORKER_CONCURRENCY", Integer.toString(CONCURRENCY));
            env.put("WORKER_MAX_MESSAGES", Integer.toString(Math.min(32, CONCURRENCY)));
            env.put("WORKER_POLLING_INTERVAL", "1s");
            env.put("WORKER_MIN_POLLING_INTERVAL", "100ms");
            env.put("WEBHOOK_URL", receiver.url());
            env.put("WEBHOOK_SECRET", SECRET);
            env.put("LOG_LEVEL", "WARN");
            io.reset();

            // A backlog is queued first; the run is measured once every daemon is ready (see class doc).
            long fillStart = System.nanoTime();
            Frontend frontend = new Frontend(queue, n);
            List<QueueWorkerProcess> daemons = new ArrayList<>();
            List<Integer> ports = new ArrayList<>();
            try {
                frontend.awaitBacklogSent();
                Duration fill = Duration.ofNanos(System.nanoTime() - fillStart);
                List<String> ids = frontend.taskIds();
                for (int i = 0; i < workers; i++) {
                    // LOG_LEVEL=WARN keeps 3 lines per task out of the logs: readiness is read from /health/ready.
                    Map<String, String> own = new HashMap<>(env);
                    int port = LoadKit.freePort();
                    ports.add(port);
                    own.put("WORKER_HTTP_PORT", Integer.toString(port));
                    daemons.add(QueueWorkerProcess.start(work.resolve(clientId + "-" + i), own, "128m", "run"));
                }
                long allReady = 0;
                boolean[] isReady = new boolean[workers];
                long readyDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (allReady == 0) {
                    boolean all = true;
                    for (int i = 0; i < workers; i++) {
                        if (!isReady[i]) {
                            assertThat(daemons.get(i).isAlive()).as(daemons.get(i).output()).isTrue();
                            isReady[i] = ready(ports.get(i));
                            all &= isReady[i];
                        }
                    }
                    if (all) {
                        allReady = System.nanoTime();
                    } else {
                        assertThat(System.nanoTime()).as("daemons ready within 2 minutes").isLessThan(readyDeadline);
                        java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                    }
                }
                double cpuBefore = azuriteCpuSeconds();
                double workerCpuBefore = cpuSeconds(daemons);
                Set<String> expected = new HashSet<>(ids);
                Duration deadline = Duration.ofSeconds(120 + n / 2); // one worker makes about 7 tasks/s
                await(() -> completedTaskIds(receiver).size() >= n || daemons.stream().anyMatch(d -> !d.isAlive()),
                        deadline, () -> completedTaskIds(receiver).size() + " of " + n + " tasks completed, "
                                + frontend.sent() + " sent");
                frontend.close(); // every task was sent: rethrows a send that failed
                double cpuAfter = azuriteCpuSeconds();
                double workerCpuAfter = cpuSeconds(daemons);
                for (QueueWorkerProcess daemon : daemons) {
                    assertThat(daemon.isAlive()).as(daemon.output()).isTrue();
                }

                // Exactly once as the receiver sees it: one completed outcome per task, one webhook-id.
                List<ReceivedWebhook> hooks = receiver.received();
                assertThat(hooks).allSatisfy(h -> assertThat(h.signatureValid()).isTrue());
                Map<String, Set<String>> idsByTask = new HashMap<>();
                for (ReceivedWebhook h : hooks) {
                    assertThat(h.body().path("status").asText()).as(h.toString()).isEqualTo("completed");
                    idsByTask.computeIfAbsent(h.taskId(), k -> new HashSet<>()).add(h.webhookId());
                }
                assertThat(idsByTask.keySet()).isEqualTo(expected);
                assertThat(idsByTask.values()).allSatisfy(set -> assertThat(set).hasSize(1));
                assertThat(io.distinctTasks()).as("task ids seen by the IO server").isEqualTo(expected);
                assertThat(LoadKit.approximateDepth(queue)).isZero();

                // Steady state with every daemon running: the IO calls made after the last one was ready.
                long ready = allReady;
                long[] times = io.requestTimes();
                long measured = java.util.Arrays.stream(times).filter(t -> t >= ready).count();
                long lastRequest = java.util.Arrays.stream(times).max().orElseThrow();
                assertThat(measured).as("tasks left once every daemon was ready").isGreaterThan(n / 2);
                Duration elapsed = Duration.ofNanos(lastRequest - ready);
                int duplicates = hooks.size() - n;
                double cpuShare = (cpuAfter - cpuBefore) / (elapsed.toNanos() / 1e9);
                figure("7", String.format(java.util.Locale.ROOT,
                        "workers=%d tasks=%d backlog=%d backlog_fill_s=%.1f measured_tasks=%d elapsed_s=%.1f"
                                + " throughput=%.1f/s io_requests=%d webhook_deliveries=%d azurite_cpu_share=%.2f"
                                + " cpu_ms_per_task_azurite=%.1f cpu_ms_per_task_workers=%.1f load_average=%.1f",
                        workers, n, Math.min(n, BACKLOG), fill.toNanos() / 1e9, measured, elapsed.toNanos() / 1e9,
                        measured / (elapsed.toNanos() / 1e9), io.requests(), hooks.size(), cpuShare,
                        (cpuAfter - cpuBefore) * 1000 / n, (workerCpuAfter - workerCpuBefore) * 1000 / n,
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
                for (QueueWorkerProcess daemon : daemons) {
                    daemon.terminate();
                }
                for (QueueWorkerProcess daemon : daemons) {
                    assertThat(daemon.awaitExit(Duration.ofMinutes(1))).as(daemon.output()).isZero();
                    assertThat(daemon.output()).doesNotContain("OutOfMemoryError", "Unexpected engine error");
                }
                return new Run(workers, (int) measured, elapsed, duplicates, cpuShare);
            } finally {
                frontend.stop();
                daemons.forEach(QueueWorkerProcess::close);
            }
        }
    }

    private static boolean ready(int port) {
        try {
            return LoadKit.get(port, "/health/ready").startsWith("200");
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static Set<String> completedTaskIds(RecordingWebhookReceiver receiver) {
        Set<String> ids = new HashSet<>();
        for (ReceivedWebhook h : receiver.received()) {
            ids.add(h.taskId());
        }
        return ids;
    }

    /**
     * Sends n io tasks as a frontend would, 16 at a time, keeping at most {@link #BACKLOG} of them
     * unfinished: each task takes a credit before it is sent, and its first call to the IO server
     * gives one back.
     */
    private static final class Frontend implements AutoCloseable {
        private final ExecutorService senders = Executors.newFixedThreadPool(16);
        private final List<Future<?>> sends = new ArrayList<>();
        private final List<String> ids = new ArrayList<>();
        private final Semaphore credits = new Semaphore(BACKLOG);
        private final CountDownLatch backlogSent;
        private final AtomicInteger sent = new AtomicInteger();

        Frontend(QueueClient queue, int n) {
            backlogSent = new CountDownLatch(Math.min(n, BACKLOG));
            io.onFirstCall(credits::release);
            for (int i = 0; i < n; i++) {
                String taskId = "io-" + i;
                ids.add(taskId);
                sends.add(senders.submit(() -> {
                    credits.acquire();
                    String body = "{\"task_id\":\"" + taskId + "\",\"task_type\":\"io\",\"payload\":{\"url\":\""
                            + io.url() + "\"}}";
                    queue.sendMessageWithResponse(body, null, null, Duration.ofSeconds(30), null);
                    sent.incrementAndGet();
                    backlogSent.countDown();
                    return null;
                }));
            }
        }

        void awaitBacklogSent() throws InterruptedException {
            assertThat(backlogSent.await(5, TimeUnit.MINUTES)).as("backlog of %d tasks sent", backlogSent.getCount())
                    .isTrue();
        }

        List<String> taskIds() {
            return ids;
        }

        int sent() {
            return sent.get();
        }

        /** Waits for every send, rethrowing the first that failed. */
        @Override
        public void close() throws Exception {
            try {
                for (Future<?> send : sends) {
                    send.get(1, TimeUnit.MINUTES);
                }
            } finally {
                stop();
            }
        }

        /** Stops sending at once (a test that failed); idempotent. */
        void stop() {
            senders.shutdownNow();
        }
    }

    private static double cpuSeconds(List<QueueWorkerProcess> daemons) {
        return daemons.stream().map(d -> ProcessHandle.of(d.pid()).flatMap(h -> h.info().totalCpuDuration()))
                .flatMap(Optional::stream).mapToDouble(d -> d.toNanos() / 1e9).sum();
    }

    /** CPU time used so far by the Azurite (node) process this JVM started. */
    private static double azuriteCpuSeconds() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("azurite"))
                .map(p -> p.info().totalCpuDuration())
                .flatMap(Optional::stream)
                .mapToDouble(d -> d.toNanos() / 1e9)
                .sum();
    }

    /**
     * The local service the io tasks call: answers {@code GET /io?task=<id>} after {@link #IO_LATENCY}
     * without holding a thread meanwhile, and counts requests per task id.
     */
    static final class IoServer implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService threads = Executors.newFixedThreadPool(16);
        private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        private final Map<String, AtomicInteger> perTask = new ConcurrentHashMap<>();
        private final java.util.concurrent.ConcurrentLinkedQueue<Long> times = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final AtomicInteger requests = new AtomicInteger();
        private volatile Runnable firstCall = () -> { };

        IoServer() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
            server.createContext("/io", this::handle);
            server.setExecutor(threads);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/io";
        }

        void reset() {
            perTask.clear();
            times.clear();
            requests.set(0);
            firstCall = () -> { };
        }

        /** Runs {@code action} on the first call for each task id. */
        void onFirstCall(Runnable action) {
            firstCall = action;
        }

        Set<String> distinctTasks() {
            return new HashSet<>(perTask.keySet());
        }

        int requests() {
            return requests.get();
        }

        long[] requestTimes() {
            return times.stream().mapToLong(Long::longValue).toArray();
        }

        private void handle(HttpExchange exchange) {
            times.add(System.nanoTime());
            requests.incrementAndGet();
            String query = exchange.getRequestURI().getQuery();
            String task = query != null && query.startsWith("task=") ? query.substring(5) : "?";
            if (perTask.computeIfAbsent(task, k -> new AtomicInteger()).incrementAndGet() == 1) {
                firstCall.run();
            }
            timer.schedule(() -> {
                try (exchange) {
                    byte[] body = ("done " + task).getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                } catch (IOException ignored) {
                    // the worker gave up; it will retry
                }
            }, IO_LATENCY.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            server.stop(0);
            timer.shutdownNow();
            threads.shutdownNow();
        }
    }
}
