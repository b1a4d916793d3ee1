package dev.queueworker.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerListener;
import dev.queueworker.core.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Pushes no-op tasks through the engine on the in-memory queue, side by side with a minimal consumer
 * over the same kind of queue, at concurrency 1, 4 and 16. What the engine adds over the minimal
 * consumer (leases, retry bookkeeping, metrics, MDC, listeners, the poison path) is what the ratio
 * prices.
 *
 * <p>Each figure is the median of five rounds that alternate engine and raw.
 *
 * <p>Usage: {@code EngineBenchmark [--tasks N]} (default 200,000). The last line is
 * {@code RESULT engine_tasks_per_s=<n> raw_tasks_per_s=<n> engine_vs_raw=<ratio>} for concurrency 16.
 */
public final class EngineBenchmark {
    private static final Duration VISIBILITY = Duration.ofSeconds(30);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int ROUNDS = 5;

    private EngineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int tasks = 200_000;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--tasks") && i + 1 < args.length) {
                tasks = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: EngineBenchmark [--tasks N]");
                System.exit(2);
            }
        }
        System.out.printf(Locale.ROOT, "engine benchmark: %d no-op tasks per run, Java %s, %d cores%n", tasks,
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        // Warm-up: let the JIT compile both paths before anything is measured.
        engine(16, Math.min(tasks, 20_000));
        raw(16, Math.min(tasks, 20_000));

        double engine16 = 0;
        double raw16 = 0;
        for (int concurrency : List.of(1, 4, 16)) {
            // Rounds alternate engine and raw so that both see the same machine; the median is kept.
            double[] engineRuns = new double[ROUNDS];
            double[] rawRuns = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                engineRuns[round] = engine(concurrency, tasks);
                rawRuns[round] = raw(concurrency, tasks);
            }
            double engine = median(engineRuns);
            double raw = median(rawRuns);
            report("engine", concurrency, tasks, engine);
            report("raw", concurrency, tasks, raw);
            System.out.printf(Locale.ROOT, "ratio concurrency=%d engine_vs_raw=%.2f%n", concurrency, engine / raw);
            engine16 = engine;
            raw16 = raw;
        }
        System.out.printf(Locale.ROOT, "RESULT engine_tasks_per_s=%d raw_tasks_per_s=%d engine_vs_raw=%.2f%n",
                Math.round(engine16), Math.round(raw16), engine16 / raw16);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void report(String what, int concurrency, int tasks, double perSecond) {
        System.out.printf(Locale.ROOT, "%s concurrency=%d tasks=%d seconds=%.2f tasks_per_s=%d%n", what, concurrency,
                tasks, tasks / perSecond, Math.round(perSecond));
    }

    private static InMemoryQueueProvider filledQueue(int tasks) {
        InMemoryQueueProvider queue = new InMemoryQueueProvider();
        for (int i = 0; i < tasks; i++) {
            queue.send("{\"task_id\":\"t-" + i + "\",\"task_type\":\"noop\",\"payload\":{\"n\":" + i + "}}",
                    Duration.ZERO);
        }
        return queue;
    }

    /** The engine with a no-op handler; returns tasks per second. */
    static double engine(int concurrency, int tasks) throws InterruptedException {
        InMemoryQueueProvider queue = filledQueue(tasks);
        CountDownLatch done = new CountDownLatch(tasks);
        Worker worker = Worker.builder()
                .queue(queue)
                .handler(new NoopHandler())
                .notifier(WebhookNotifier.NONE)
                .listener(new WorkerListener() {
                    @Override
                    public void taskCompleted(Task task, TaskResult result, Duration duration) {
                        done.countDown();
                    }
                })
                .options(WorkerOptions.builder()
                        .maxMessages(Math.min(concurrency, 32))
                        .concurrency(concurrency)
                        .visibilityTimeout(VISIBILITY)
                        .minPollingInterval(Duration.ofMillis(1))
                        .pollingInterval(Duration.ofMillis(50))
                        .build())
                .build();
        long start = System.nanoTime();
        worker.start();
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("engine did not finish: " + done.getCount() + " left");
        }
        long elapsed = System.nanoTime() - start;
        worker.close();
        return tasks / (elapsed / 1e9);
    }

    /**
     * The minimal consumer: one thread receives batches of 32 and hands each message to a fixed pool
     * of {@code concurrency} threads that parse the body with Jackson and delete it. No leases,
     * retries, metrics or webhooks. A semaphore keeps at most two batches waiting per thread, so memory
     * stays bounded without slowing it down.
     */
    static double raw(int concurrency, int tasks) throws InterruptedException {
        InMemoryQueueProvider queue = filledQueue(tasks);
        CountDownLatch done = new CountDownLatch(tasks);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        Semaphore room = new Semaphore(Math.max(64, concurrency * 64));
        long start = System.nanoTime();
        Thread receiver = new Thread(() -> {
            while (done.getCount() > 0) {
                room.acquireUninterruptibly(32);
                List<QueueMessage> batch = queue.receive(32, VISIBILITY);
                room.release(32 - batch.size());
                for (QueueMessage message : batch) {
                    pool.execute(() -> {
                        try {
                            MAPPER.readTree(message.body());
                            queue.delete(message.receipt());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        } finally {
                            room.release();
                            done.countDown();
                        }
                    });
                }
                if (batch.isEmpty() && done.getCount() > 0) {
                    Thread.onSpinWait();
                }
            }
        }, "raw-receiver");
        receiver.start();
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("raw consumer did not finish: " + done.getCount() + " left");
        }
        long elapsed = System.nanoTime() - start;
        receiver.join();
        pool.shutdownNow();
        return tasks / (elapsed / 1e9);
    }
}
