package dev.queueworker.runner.tenants;

import static dev.queueworker.runner.tenants.TenantsFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.TaskMessage;
import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.PluginJar;
import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.RecordingWebhookReceiver;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's fairness, measured on the real daemon: 1,000 tasks queued for client A, then single
 * tasks for client B. B's task must start within one task duration plus one polling interval (plus
 * a stated margin for Azurite's round trips), and A must use every slot while B has nothing to do.
 */
class TenantsFairnessIT {

    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final int TASK_MILLIS = 300;
    static final int POLLING_MILLIS = 1000;
    /** Receiving from Azurite, the engine's hand-over and the clocks' reading: measured well under this. */
    static final int MARGIN_MILLIS = 500;
    static final int SLOTS = 4;

    @TempDir
    Path work;

    @Test
    void aClientWithOneTaskIsNotStarvedByAClientWithAThousandAndNoSlotIsLeftIdle() throws Exception {
        String run = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000, 9_999_999));
        String a = "busy" + run;
        String b = "light" + run;
        Path plugins = work.resolve("plugins");
        PluginJar.build(plugins.resolve("work.jar"), "example.WorkHandler", """
                package example;
                import dev.queueworker.api.*;
                import java.util.concurrent.atomic.AtomicInteger;
                import java.util.concurrent.locks.LockSupport;
                public final class WorkHandler implements TaskHandler {
                    private static final AtomicInteger RUNNING = new AtomicInteger();
                    public String taskType() { return "work"; }
                    public TaskResult handle(Task task, TaskContext context) {
                        long started = System.currentTimeMillis();
                        int running = RUNNING.incrementAndGet();
                        try {
                            long end = System.nanoTime() + task.payload().path("millis").asLong() * 1_000_000L;
                            while (System.nanoTime() < end) {
                                LockSupport.parkNanos(end - System.nanoTime());
                            }
                            return TaskResult.of(TaskResult.newData().put("started_ms", started).put("running", running));
                        } finally {
                            RUNNING.decrementAndGet();
                        }
                    }
                }
                """);
        try (Azurite azurite = Azurite.start();
                RecordingWebhookReceiver receiverA = RecordingWebhookReceiver.start();
                RecordingWebhookReceiver receiverB = RecordingWebhookReceiver.start()) {
            Path dir = work.resolve("tenants");
            write(dir.resolve(".env"), "AZURE_STORAGE_CONNECTION_STRING=" + azurite.connectionString() + "\n"
                    + "WORKER_PLUGINS_DIR=" + plugins + "\nWORKER_TASK_TYPES=work\nWORKER_TENANTS_CONCURRENCY=" + SLOTS
                    + "\nWORKER_POLLING_INTERVAL=" + POLLING_MILLIS + "ms\nWORKER_MIN_POLLING_INTERVAL=100ms\n"
                    + "WORKER_SHUTDOWN_TIMEOUT=5s\nBLOB_NAME_TEMPLATE={client_id}/{filename}\n");
            write(dir.resolve("clients/" + a + ".env"), "WEBHOOK_URL=" + receiverA.url() + "\n");
            write(dir.resolve("clients/" + b + ".env"), "WEBHOOK_URL=" + receiverB.url() + "\n");
            send(azurite, a, 1000);

            try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, Map.of(), "384m", "run", "--tenants",
                    dir.toString())) {
                daemon.awaitOutput("Tenants: client " + b + " ready", DEADLINE);
                // Work-conserving: alone with work, A holds every slot.
                daemon.awaitCondition(() -> receiverA.received().stream()
                        .anyMatch(w -> w.body().path("result").path("running").asInt() == SLOTS), DEADLINE,
                        "A running " + SLOTS + " tasks at once");

                List<Long> waits = new ArrayList<>();
                for (int trial = 0; trial < 3; trial++) {
                    // B's queue has been empty: its polls have backed off to the polling interval.
                    long sent = System.currentTimeMillis();
                    String id = sendOne(azurite, b);
                    ReceivedWebhook w = receiverB.awaitTask(id, DEADLINE);
                    assertThat(w.body().path("status").asText()).isEqualTo("completed");
                    waits.add(w.body().path("result").path("started_ms").asLong() - sent);
                }
                System.out.println("TenantsFairnessIT: B's task started after (ms) " + waits + " with 1000 of A's "
                        + TASK_MILLIS + " ms tasks queued, " + SLOTS + " slots, polling " + POLLING_MILLIS + " ms");
                assertThat(waits).allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(
                        (long) TASK_MILLIS + POLLING_MILLIS + MARGIN_MILLIS));
                // And A went on using every slot B did not need.
                int before = receiverA.received().size();
                daemon.awaitCondition(() -> receiverA.received().stream().skip(before)
                        .anyMatch(x -> x.body().path("result").path("running").asInt() == SLOTS), DEADLINE,
                        "A back at " + SLOTS + " tasks at once");
                assertThat(receiverA.received().size()).isLessThan(1000);

                daemon.terminate();
                assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
            }
        }
    }

    private static void send(Azurite azurite, String client, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (AzureQueueProvider queue = TenantsFixture.queue(azurite, client)) {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sends.add(pool.submit(() -> queue.send(message().toJson(), Duration.ZERO)));
            }
            for (Future<?> f : sends) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static String sendOne(Azurite azurite, String client) {
        TaskMessage m = message();
        try (AzureQueueProvider queue = TenantsFixture.queue(azurite, client)) {
            queue.send(m.toJson(), Duration.ZERO);
        }
        return m.taskId();
    }

    private static TaskMessage message() {
        return TaskMessage.builder("work").taskId(UUID.randomUUID().toString()).put("millis", TASK_MILLIS).build();
    }
}
