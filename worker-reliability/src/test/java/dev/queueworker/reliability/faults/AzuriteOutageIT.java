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
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 3 of the reliability suite (docs/reliability.md): Azure Storage (Azurite, with its data
 * on disk) goes away for 30 s while tasks run, then comes back. The worker stays up, resumes on its
 * own, loses nothing, and says so in a bounded number of log lines.
 */
class AzuriteOutageIT {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("reliability.outage.seconds", 30));
    static final int TASKS = Boolean.getBoolean("reliability.soak") ? 200 : 32;
    static final int MAX_OUTAGE_LOG_LINES = 10;
    static final Duration DEADLINE = Duration.ofMinutes(3);
    /** A log line of INFO or below; anything else (WARN, ERROR, stack traces) counts as noise. */
    private static final Pattern QUIET = Pattern.compile("^\\S+ (INFO|DEBUG|TRACE) .*");

    @TempDir
    Path work;

    @Test
    void workerSurvivesAThirtySecondStorageOutageAndLosesNothing() throws Exception {
        try (Azurite azurite = Azurite.start(); RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start(SECRET)) {
            Frontend frontend = new Frontend(azurite.connectionString(), "outage");
            List<String> taskIds = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                taskIds.add(frontend.submit(SlowPlugin.TASK_TYPE, Map.of("millis", 1_000), receiver.url(), i % 2 == 1));
            }
            Map<String, String> env = new HashMap<>();
            env.put("CLIENT_ID", "outage");
            env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
            env.put("WEBHOOK_SECRET", SECRET);
            env.put("WORKER_PLUGINS_DIR", SlowPlugin.buildInto(Files.createDirectories(work.resolve("plugins"))).toString());
            env.put("WORKER_TASK_TYPES", SlowPlugin.TASK_TYPE);
            env.put("WORKER_CONCURRENCY", "4");
            env.put("WORKER_MAX_MESSAGES", "4");
            env.put("WORKER_VISIBILITY_TIMEOUT", "10s");
            env.put("WORKER_POLLING_INTERVAL", "2s");
            env.put("WORKER_DATA_DIR", work.resolve("data").toString());
            QueueWorkerProcess worker = QueueWorkerProcess.start(work, env, "256m", "run");
            try (worker) {
                worker.awaitCondition(() -> Outcomes.completed(receiver, taskIds).size() >= 8
                        && IngestFaultsIT.running(worker.output()) >= 2, DEADLINE, "8 completed tasks with others running");
                int completedBefore = Outcomes.completed(receiver, taskIds).size();
                int inFlightAtStop = IngestFaultsIT.running(worker.output());
                int logAtStop = worker.output().length();
                long stopped = System.nanoTime();
                azurite.stop();
                // The outage lasts OUTAGE on the clock; the worker must stay up all along.
                worker.awaitCondition(() -> System.nanoTime() - stopped >= OUTAGE.toNanos(), OUTAGE.plusSeconds(30),
                        OUTAGE.toSeconds() + " s of outage");
                String duringOutage = worker.output().substring(logAtStop);
                azurite.restart();
                long restarted = System.nanoTime();
                int logAtRestart = worker.output().length();

                Outcomes.awaitAllCompleted(receiver, taskIds, DEADLINE, () -> assertThat(worker.isAlive())
                        .as("the worker exited:\n%s", worker.output()).isTrue());
                long recovered = System.nanoTime();
                worker.awaitCondition(() -> frontend.queueDepth() == 0, DEADLINE, "an empty task queue");
                assertThat(frontend.poisonDepth()).as("poison queue: %s", frontend.peekPoison()).isZero();
                String afterRestart = worker.output().substring(logAtRestart);
                worker.terminate();
                assertThat(worker.awaitExit(DEADLINE)).as(worker.output()).isZero();

                List<String> noisyDuring = noisy(duringOutage);
                List<String> noisyAfter = noisy(afterRestart);
                int duplicates = Outcomes.assertCompletedOncePerOutcome(receiver, taskIds);
                Figures.of("3-azurite-outage").put("tasks", TASKS).put("outage_s", OUTAGE.toSeconds())
                        .put("completed_before", completedBefore).put("in_flight_at_stop", inFlightAtStop)
                        .put("warn_error_lines_during_outage", noisyDuring.size())
                        .put("warn_error_lines_after_restart", noisyAfter.size())
                        .put("duplicate_webhooks", duplicates).put("lost", 0)
                        .put("recovery_s", IngestFaultsIT.seconds(recovered - restarted)).print();
                assertThat(noisyDuring).as("WARN/ERROR lines during the outage").hasSizeLessThanOrEqualTo(MAX_OUTAGE_LOG_LINES);
                assertThat(noisyAfter).as("WARN/ERROR lines after the restart").hasSizeLessThanOrEqualTo(MAX_OUTAGE_LOG_LINES);
                assertThat(afterRestart).as("the worker says when the queue works again").contains("The queue works again");
            } finally {
                WorkerLogs.keep(worker, "3-azurite-outage");
            }
        }
    }

    private static List<String> noisy(String log) {
        return log.lines().filter(l -> !l.isBlank() && !QUIET.matcher(l).matches()).toList();
    }
}
