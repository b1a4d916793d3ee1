package dev.queueworker.reliability.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.test.Azurite;
import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.RecordingWebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2 of the reliability suite (docs/reliability.md): SIGTERM while tasks longer than the
 * drain timeout run. The worker exits 0 within the timeout; the tasks it could not finish are
 * released, so a second worker runs them at once instead of after the (long) visibility timeout;
 * nothing is lost.
 */
class SigtermDrainIT {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    static final Duration VISIBILITY_TIMEOUT = Duration.ofMinutes(5);
    /** How soon the second worker must have finished the released tasks: far less than the visibility timeout. */
    static final Duration PICK_UP = Duration.ofSeconds(60);
    static final Duration DEADLINE = Duration.ofMinutes(2);

    @TempDir
    Path work;

    @Test
    void sigtermExitsZeroWithinTheDrainTimeoutAndReleasesUnfinishedTasksToTheNextWorker() throws Exception {
        try (Azurite azurite = Azurite.start(); RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start(SECRET)) {
            Frontend frontend = new Frontend(azurite.connectionString(), "drain");
            // Two tasks the first worker can finish while draining, then six that outlast the drain.
            List<String> taskIds = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                taskIds.add(frontend.submit(SlowPlugin.TASK_TYPE, Map.of("millis", i < 2 ? 2_000 : 12_000),
                        receiver.url(), i % 2 == 0));
            }
            Map<String, String> env = env(azurite, SlowPlugin.buildInto(Files.createDirectories(work.resolve("plugins"))));

            String firstLog;
            long exitNanos;
            try (QueueWorkerProcess first = QueueWorkerProcess.start(work, env, "256m", "run")) {
                first.awaitCondition(() -> IngestFaultsIT.running(first.output()) >= 4, DEADLINE, "4 running tasks");
                long term = System.nanoTime();
                first.terminate();
                int code = first.awaitExit(DEADLINE);
                exitNanos = System.nanoTime() - term;
                firstLog = first.output();
                WorkerLogs.keep(first, "2-sigterm-first");
                assertThat(code).as("exit code after SIGTERM; output:\n%s", firstLog).isZero();
            }
            long exited = System.nanoTime();
            Set<String> startedFirst = taskIds.stream().filter(id -> firstLog.contains("Processing task " + id + ":"))
                    .collect(Collectors.toSet());
            Set<String> finishedFirst = taskIds.stream()
                    .filter(id -> firstLog.contains("Task " + id + " completed with status: completed"))
                    .collect(Collectors.toSet());
            Set<String> released = taskIds.stream().filter(id -> firstLog.contains("Task " + id
                    + " did not finish within the shutdown timeout; its message was released")).collect(Collectors.toSet());
            assertThat(released).as("tasks released at the drain timeout").isNotEmpty()
                    .isEqualTo(startedFirst.stream().filter(id -> !finishedFirst.contains(id)).collect(Collectors.toSet()));
            assertThat(Outcomes.completed(receiver, released)).as("released tasks reported completed by the first worker")
                    .isEmpty();

            // The second worker takes every message at once, so the released ones need not wait for a slot.
            env.put("WORKER_CONCURRENCY", "8");
            env.put("WORKER_MAX_MESSAGES", "8");
            QueueWorkerProcess second = QueueWorkerProcess.start(work, env, "256m", "run");
            try (second) {
                Outcomes.awaitAllCompleted(receiver, released, PICK_UP, () -> assertThat(second.isAlive())
                        .as("the second worker exited:\n%s", second.output()).isTrue());
                long pickedUp = System.nanoTime();
                Outcomes.awaitAllCompleted(receiver, taskIds, DEADLINE, () -> assertThat(second.isAlive())
                        .as("the second worker exited:\n%s", second.output()).isTrue());
                second.awaitCondition(() -> frontend.queueDepth() == 0, DEADLINE, "an empty task queue");
                assertThat(frontend.poisonDepth()).as("poison queue: %s", frontend.peekPoison()).isZero();
                second.terminate();
                assertThat(second.awaitExit(DEADLINE)).as(second.output()).isZero();

                int duplicates = Outcomes.assertCompletedOncePerOutcome(receiver, taskIds);
                Figures.of("2-sigterm").put("tasks", taskIds.size()).put("running_at_sigterm", startedFirst.size())
                        .put("finished_while_draining", finishedFirst.size()).put("released", released.size())
                        .put("exit_code", 0).put("exit_s", IngestFaultsIT.seconds(exitNanos))
                        .put("shutdown_timeout_s", SHUTDOWN_TIMEOUT.toSeconds())
                        .put("released_done_by_second_worker_s", IngestFaultsIT.seconds(pickedUp - exited))
                        .put("visibility_timeout_s", VISIBILITY_TIMEOUT.toSeconds())
                        .put("duplicate_webhooks", duplicates).put("lost", 0).print();
                assertThat(duplicates).as("webhooks beyond one per task").isZero();
            } finally {
                WorkerLogs.keep(second, "2-sigterm-second");
            }
            // The drain takes the shutdown timeout; what comes after (closing clients, JVM exit) must be quick.
            assertThat(Duration.ofNanos(exitNanos)).as("SIGTERM to exit").isLessThan(SHUTDOWN_TIMEOUT.plusSeconds(10));
        }
    }

    private Map<String, String> env(Azurite azurite, Path plugins) {
        Map<String, String> env = new HashMap<>();
        env.put("CLIENT_ID", "drain");
        env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("WEBHOOK_SECRET", SECRET);
        env.put("WORKER_PLUGINS_DIR", plugins.toString());
        env.put("WORKER_TASK_TYPES", SlowPlugin.TASK_TYPE);
        env.put("WORKER_CONCURRENCY", "4");
        env.put("WORKER_MAX_MESSAGES", "4");
        env.put("WORKER_VISIBILITY_TIMEOUT", VISIBILITY_TIMEOUT.toSeconds() + "s");
        env.put("WORKER_SHUTDOWN_TIMEOUT", SHUTDOWN_TIMEOUT.toSeconds() + "s");
        env.put("WORKER_POLLING_INTERVAL", "1s");
        env.put("WORKER_DATA_DIR", work.resolve("data").toString());
        return env;
    }
}
