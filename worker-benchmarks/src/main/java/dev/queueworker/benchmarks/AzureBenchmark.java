package dev.queueworker.benchmarks;

import com.azure.core.http.HttpClient;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerListener;
import dev.queueworker.core.WorkerOptions;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;

/**
 * Puts the same number of messages through three consumers of one Azure Storage queue in turn, each
 * with a no-op handler: the engine with {@link AzureQueueProvider} at concurrency 16 with batches of 32;
 * a raw SDK loop (16 threads, each receiving batches of 32 and deleting each message — the practical limit); and the
 * naive loop of the original deployment guide (receive up to 10, process and delete one by one, sleep
 * the polling interval when the queue is empty). Every HTTP request is counted through the shared
 * OkHttp client, to report Azure transactions per task.
 *
 * <p>Usage: {@code AzureBenchmark CONNECTION_STRING [--messages N] [--rtt-ms MS]}: N messages per
 * consumer (default 5,000); MS milliseconds added before every request (default 0), to model the
 * network round trip between a VPS and its Azure region that a local Azurite does not have. The last
 * line is
 * {@code RESULT worker_msgs_per_s=<n> raw_msgs_per_s=<n> naive_msgs_per_s=<n> worker_vs_raw=<r> worker_vs_naive=<r>}.
 */
public final class AzureBenchmark {
    private static final Duration NAIVE_POLLING_INTERVAL = Duration.ofSeconds(5);
    private static final Duration VISIBILITY = Duration.ofSeconds(30);
    private static final String USAGE = "usage: AzureBenchmark CONNECTION_STRING [--messages N] [--rtt-ms MS]";

    private final String connectionString;
    private final AtomicLong requests = new AtomicLong();
    private final OkHttpClient http;
    private final AtomicInteger run = new AtomicInteger();

    private AzureBenchmark(String connectionString, int rttMillis) {
        this.connectionString = connectionString;
        this.http = new OkHttpClient.Builder()
                // Azurite under 16 concurrent callers on two cores can take seconds to answer one.
                .readTimeout(Duration.ofSeconds(60))
                .addInterceptor(chain -> {
                    requests.incrementAndGet();
                    if (rttMillis > 0) {
                        sleep(rttMillis); // the network round trip a VPS sees to its Azure region
                    }
                    return chain.proceed(chain.request());
                })
                .build();
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            usage();
        }
        int messages = 5_000;
        int rttMillis = 0;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--messages") && i + 1 < args.length) {
                messages = positive(args[++i]);
            } else if (args[i].equals("--rtt-ms") && i + 1 < args.length) {
                rttMillis = positive(args[++i]);
            } else {
                usage();
            }
        }
        AzureBenchmark bench = new AzureBenchmark(args[0], rttMillis);
        System.out.printf(Locale.ROOT, "azure benchmark: %d messages per consumer, added round trip %d ms, Java %s,"
                + " %d cores%n", messages, rttMillis, Runtime.version(), Runtime.getRuntime().availableProcessors());
        bench.worker(Math.min(messages, 500)); // warm-up
        Result worker = report(bench.worker(messages), messages);
        Result raw = report(bench.raw(messages), messages);
        Result naive = report(bench.naive(messages), messages);
        double w = messages / worker.seconds;
        double r = messages / raw.seconds;
        double n = messages / naive.seconds;
        System.out.printf(Locale.ROOT,
                "RESULT worker_msgs_per_s=%d raw_msgs_per_s=%d naive_msgs_per_s=%d worker_vs_raw=%.2f worker_vs_naive=%.2f%n",
                Math.round(w), Math.round(r), Math.round(n), w / r, w / n);
        System.exit(0); // the SDK's and OkHttp's pools would keep the JVM up for a minute
    }

    private static int positive(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // usage below
        }
        System.err.println("not a count: " + value);
        usage();
        return 0;
    }

    private static void usage() {
        System.err.println(USAGE);
        System.exit(2);
    }

    private static Result report(Result r, int messages) {
        System.out.printf(Locale.ROOT, "%s messages=%d seconds=%.2f msgs_per_s=%d requests_per_task=%.3f"
                + " jvm_cpu_ms_per_task=%.2f%n", r.name, messages, r.seconds, Math.round(messages / r.seconds),
                r.requests / (double) messages, r.cpuNanos / 1e6 / messages);
        return r;
    }

    /** One consumer's run: wall time, HTTP requests and this JVM's CPU time (the consumer, its SDK, its threads). */
    private record Result(String name, double seconds, long requests, long cpuNanos) {
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** A fresh queue filled with {@code count} small JSON task messages; the sends are not timed. */
    private QueueClient filledQueue(String name, int count) throws Exception {
        QueueClient queue = client(name);
        queue.createIfNotExists();
        ExecutorService senders = Executors.newFixedThreadPool(16);
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String body = "{\"task_id\":\"t-" + i + "\",\"task_type\":\"noop\",\"payload\":{\"n\":" + i + "}}";
            sent.add(senders.submit(() -> queue.sendMessage(body)));
        }
        for (Future<?> f : sent) {
            f.get();
        }
        senders.shutdown();
        return queue;
    }

    private QueueClient client(String name) {
        HttpClient transport = new OkHttpAsyncHttpClientBuilder(http).build();
        return new QueueClientBuilder().connectionString(connectionString).queueName(name).httpClient(transport)
                .buildClient();
    }

    private Result worker(int count) throws Exception {
        String clientId = "bench-worker-" + run.incrementAndGet() + "-" + ProcessHandle.current().pid();
        filledQueue(clientId + "-tasks", count);
        Set<String> completed = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(1);
        AzureQueueProvider queue = AzureQueueProvider.builder().connectionString(connectionString).clientId(clientId)
                .okHttpClient(http).build();
        Worker worker = Worker.builder()
                .queue(queue)
                .handler(new NoopHandler())
                .notifier(WebhookNotifier.NONE)
                .listener(new WorkerListener() {
                    @Override
                    public void taskCompleted(Task task, TaskResult result, Duration duration) {
                        if (completed.add(task.id()) && completed.size() == count) {
                            done.countDown();
                        }
                    }
                })
                .options(WorkerOptions.builder().clientId(clientId).maxMessages(32).concurrency(16)
                        .visibilityTimeout(VISIBILITY).build())
                .build();
        long before = requests.get();
        long cpuBefore = cpuNanos();
        long start = System.nanoTime();
        worker.start();
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("worker did not finish: " + (count - completed.size()) + " left");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long used = requests.get() - before;
        worker.close();
        return new Result("worker", seconds, used, cpuNanos() - cpuBefore);
    }

    private Result raw(int count) throws Exception {
        QueueClient queue = filledQueue("bench-raw-" + run.incrementAndGet() + "-" + ProcessHandle.current().pid(),
                count);
        Set<String> done = ConcurrentHashMap.newKeySet();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        long before = requests.get();
        long cpuBefore = cpuNanos();
        long start = System.nanoTime();
        List<Future<?>> loops = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            loops.add(threads.submit(() -> {
                while (done.size() < count) {
                    for (QueueMessageItem item : queue.receiveMessages(32, VISIBILITY, null, null)) {
                        delete(queue, item, done);
                    }
                }
                return null;
            }));
        }
        for (Future<?> loop : loops) {
            loop.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        threads.shutdown();
        return new Result("raw", seconds, requests.get() - before, cpuNanos() - cpuBefore);
    }

    /**
     * Deletes a received message and adds its id to {@code done}. A 404 means it is gone already (a
     * retried delete whose first try was answered too late); a 400 means it was received again
     * after its lease ran out, and the one holding it now deletes it. Counting distinct ids keeps
     * every message counted once.
     */
    private static void delete(QueueClient queue, QueueMessageItem item, Set<String> done) {
        try {
            queue.deleteMessage(item.getMessageId(), item.getPopReceipt());
            done.add(item.getMessageId());
        } catch (QueueStorageException e) {
            if (e.getStatusCode() == 404) {
                done.add(item.getMessageId());
            } else if (e.getStatusCode() != 400) {
                throw e;
            }
        }
    }

    /** The deployment guide's loop: one thread, receive up to 10, delete one by one, sleep when empty. */
    private Result naive(int count) throws Exception {
        QueueClient queue = filledQueue("bench-naive-" + run.incrementAndGet() + "-" + ProcessHandle.current().pid(),
                count);
        Set<String> done = new HashSet<>();
        long before = requests.get();
        long cpuBefore = cpuNanos();
        long start = System.nanoTime();
        while (done.size() < count) {
            int got = 0;
            for (QueueMessageItem item : queue.receiveMessages(10, VISIBILITY, null, null)) {
                got++;
                delete(queue, item, done);
            }
            if (got == 0) {
                Thread.sleep(NAIVE_POLLING_INTERVAL.toMillis());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result("naive", seconds, requests.get() - before, cpuNanos() - cpuBefore);
    }
}
