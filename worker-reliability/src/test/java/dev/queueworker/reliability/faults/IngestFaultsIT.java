package dev.queueworker.reliability.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.reliability.faults.SampleDocuments.Sample;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.PostgresServer;
import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.RecordingWebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenarios 1 and 4 of the reliability suite (docs/reliability.md): ingest tasks submitted as a
 * frontend submits them, through a worker that is killed with SIGKILL, and through a PostgreSQL
 * restart. Both end with exactly the rows a single clean run leaves, which a first worker writes
 * into a reference table before the faults.
 */
class IngestFaultsIT {
    static final String CLIENT_ID = "faults";
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String DOCUMENT_SET = "reliability";
    static final String REFERENCE_TABLE = "reference_chunks";
    static final int DOCUMENTS = Integer.getInteger("reliability.ingest.documents",
            Boolean.getBoolean("reliability.soak") ? 200 : 50);
    static final Duration DEADLINE = Duration.ofMinutes(4);

    static Azurite azurite;
    static PostgresServer postgres;
    static RecordingWebhookReceiver receiver;
    static Frontend frontend;
    static List<Sample> samples;
    static Map<String, List<String>> reference;
    @TempDir
    static Path work;

    @BeforeAll
    static void servicesDocumentsAndAReferenceRun() throws Exception {
        azurite = Azurite.start();
        postgres = PostgresServer.start();
        // The fixture runs with synchronous_commit=off for speed, so an immediate stop would lose commits
        // PostgreSQL had already acknowledged: no worker can guard against that, and production servers
        // keep the default (on). Per-role settings override the server's command line.
        postgres.execute("ALTER ROLE " + PostgresServer.USER + " SET synchronous_commit = on");
        receiver = RecordingWebhookReceiver.start(SECRET);
        frontend = new Frontend(azurite.connectionString(), CLIENT_ID);
        samples = SampleDocuments.generate("notice", DOCUMENTS, 3_000);
        for (Sample sample : samples) {
            frontend.upload(sample.filename(), sample.text(), sample.contentType());
        }

        // The reference: one clean run of the same documents into a table of its own.
        long start = System.nanoTime();
        List<String> taskIds = submitAll();
        QueueWorkerProcess referenceWorker = QueueWorkerProcess.start(work, env(REFERENCE_TABLE), "512m", "run");
        try (QueueWorkerProcess worker = referenceWorker) {
            Outcomes.awaitAllCompleted(receiver, taskIds, DEADLINE, () -> assertThat(worker.isAlive())
                    .as("the reference worker exited:\n%s", worker.output()).isTrue());
            worker.terminate();
            assertThat(worker.awaitExit(Duration.ofMinutes(1))).as(worker.output()).isZero();
        } finally {
            WorkerLogs.keep(referenceWorker, "reference");
        }
        reference = ChunkTable.rowsByDocument(postgres, REFERENCE_TABLE);
        assertThat(reference.keySet()).as("documents in the reference table")
                .containsExactlyInAnyOrderElementsOf(samples.stream().map(Sample::filename).toList());
        for (Map.Entry<String, List<String>> document : reference.entrySet()) {
            List<String> ids = document.getValue().stream().map(row -> row.split("\\|")[0]).toList();
            assertThat(ids).as("chunk ids of %s", document.getKey()).isEqualTo(ChunkTable.expectedIds(CLIENT_ID,
                    DOCUMENT_SET, document.getKey(), ids.size()));
        }
        Figures.of("reference").put("documents", DOCUMENTS)
                .put("chunks", ChunkTable.count(postgres, REFERENCE_TABLE))
                .put("clean_run_s", seconds(System.nanoTime() - start)).print();
    }

    @AfterAll
    static void stopServices() {
        if (receiver != null) {
            receiver.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    /** Scenario 1: SIGKILL with tasks in flight, then a new worker: every task completes once, rows as a clean run. */
    @Test
    void killedWorkerLeavesNothingLostAndTheRowsOfOneCleanRun() {
        String table = "kill_chunks";
        List<String> taskIds = submitAll();
        int inFlightAtKill;
        int completedBeforeKill;
        String firstLog;
        QueueWorkerProcess firstWorker = QueueWorkerProcess.start(work, env(table), "512m", "run");
        try (QueueWorkerProcess first = firstWorker) {
            // Kill once some tasks are done and others are running.
            first.awaitCondition(() -> Outcomes.completed(receiver, taskIds).size() >= Math.min(10, DOCUMENTS / 5)
                    && running(first.output()) >= 2, DEADLINE, "10 completed tasks with others running");
            inFlightAtKill = running(first.output());
            first.kill();
            assertThat(first.awaitExit(Duration.ofSeconds(30))).isEqualTo(137);
            completedBeforeKill = Outcomes.completed(receiver, taskIds).size();
            firstLog = first.output();
        } finally {
            WorkerLogs.keep(firstWorker, "1-kill-first");
        }
        assertThat(completedBeforeKill).as("tasks completed before the kill").isLessThan(DOCUMENTS);

        long restart = System.nanoTime();
        String secondLog;
        QueueWorkerProcess secondWorker = QueueWorkerProcess.start(work, env(table), "512m", "run");
        try (QueueWorkerProcess second = secondWorker) {
            Outcomes.awaitAllCompleted(receiver, taskIds, DEADLINE, () -> assertThat(second.isAlive())
                    .as("the second worker exited:\n%s", second.output()).isTrue());
            long recovered = System.nanoTime();
            // Every message is deleted in the end, none poisoned.
            second.awaitCondition(() -> frontend.queueDepth() == 0, Duration.ofMinutes(1), "an empty task queue");
            assertThat(frontend.poisonDepth()).as("poison queue: %s", frontend.peekPoison()).isZero();
            second.terminate();
            assertThat(second.awaitExit(Duration.ofMinutes(1))).as(second.output()).isZero();
            secondLog = second.output();

            int duplicates = Outcomes.assertCompletedOncePerOutcome(receiver, taskIds);
            assertNoDocumentTextIn(firstLog + secondLog, "the workers'");
            assertRowsAsReference(table);
            long rerun = taskIds.stream().filter(id -> secondLog.contains("Processing task " + id + ":")
                    && firstLog.contains("Processing task " + id + ":")).count();
            Figures.of("1-kill").put("tasks", DOCUMENTS).put("completed_before_kill", completedBeforeKill)
                    .put("in_flight_at_kill", inFlightAtKill).put("rerun", rerun)
                    .put("duplicate_webhooks", duplicates).put("lost", 0)
                    .put("recovery_s", seconds(recovered - restart)).put("rows_equal_clean_run", true).print();
            assertThat(rerun).as("tasks run by both workers").isPositive();
        } finally {
            WorkerLogs.keep(secondWorker, "1-kill-second");
        }
    }

    /** Scenario 4: PostgreSQL stops mid-ingestion and comes back: affected tasks retry and complete, rows exact. */
    @Test
    void databaseRestartMidIngestionIsRetriedWithoutDuplicateOrStaleRows() {
        String table = "restart_chunks";
        List<String> taskIds = submitAll();
        QueueWorkerProcess restartWorker = QueueWorkerProcess.start(work, env(table), "512m", "run");
        try (QueueWorkerProcess worker = restartWorker) {
            worker.awaitCondition(() -> Outcomes.completed(receiver, taskIds).size() >= Math.min(10, DOCUMENTS / 5)
                    && running(worker.output()) >= 2, DEADLINE, "10 completed tasks with others running");
            int completedBefore = Outcomes.completed(receiver, taskIds).size();
            long down = System.nanoTime();
            postgres.stopImmediately();
            int logBefore = worker.output().length();
            // Down until the worker has seen it: a task failed and was scheduled for a retry.
            worker.awaitCondition(() -> worker.output().substring(logBefore).contains("retrying in"), DEADLINE,
                    "a task retried while PostgreSQL is down");
            postgres.restart();
            long up = System.nanoTime();

            Outcomes.awaitAllCompleted(receiver, taskIds, DEADLINE, () -> assertThat(worker.isAlive())
                    .as("the worker exited:\n%s", worker.output()).isTrue());
            long recovered = System.nanoTime();
            worker.awaitCondition(() -> frontend.queueDepth() == 0, Duration.ofMinutes(1), "an empty task queue");
            assertThat(frontend.poisonDepth()).as("poison queue: %s", frontend.peekPoison()).isZero();
            worker.terminate();
            assertThat(worker.awaitExit(Duration.ofMinutes(1))).as(worker.output()).isZero();

            String log = worker.output();
            assertNoDocumentTextIn(log, "the worker's");
            assertRowsAsReference(table);
            long noisy = log.lines().filter(l -> !l.matches("^\\S+ (INFO|DEBUG|TRACE) .*")).count();
            Set<String> retried = taskIds.stream().filter(id -> log.contains("Task " + id + " failed on attempt"))
                    .collect(Collectors.toSet());
            int duplicates = Outcomes.assertCompletedOncePerOutcome(receiver, taskIds);
            Figures.of("4-postgres-restart").put("tasks", DOCUMENTS).put("completed_before_stop", completedBefore)
                    .put("outage_s", seconds(up - down)).put("retried_tasks", retried.size())
                    .put("warn_error_lines", noisy)
                    .put("duplicate_webhooks", duplicates).put("lost", 0)
                    .put("recovery_s", seconds(recovered - up)).put("rows_equal_clean_run", true).print();
            assertThat(retried).as("tasks retried after the database failed them").isNotEmpty();
        } finally {
            WorkerLogs.keep(restartWorker, "4-postgres-restart");
        }
    }

    private static void assertRowsAsReference(String table) {
        Map<String, List<String>> rows = ChunkTable.rowsByDocument(postgres, table);
        assertThat(rows.keySet()).as("documents in %s", table).containsExactlyInAnyOrderElementsOf(reference.keySet());
        for (String document : reference.keySet()) {
            assertThat(rows.get(document)).as("rows of %s in %s (id|chunk_index|md5 text|md5 metadata)", document, table)
                    .isEqualTo(reference.get(document));
        }
        assertThat(ChunkTable.count(postgres, table)).isEqualTo(ChunkTable.count(postgres, REFERENCE_TABLE));
        assertThat(ChunkTable.embeddingsDiffering(postgres, table, REFERENCE_TABLE, 1e-3))
                .as("chunks whose embedding differs from the clean run's").isZero();
    }

    /**
     * No line quotes a document: the sample texts mark each sentence "(notice notice-N.M)", which no
     * log line of the worker should hold (file names are "notice-NN.txt"). Failed database writes once
     * logged whole statements with their values; long lines are the other sign of it.
     */
    static void assertNoDocumentTextIn(String log, String which) {
        assertThat(log).as("%s log quoting a document", which).doesNotContain("(notice notice-");
        assertThat(log.lines().filter(l -> l.length() > 2_000).count()).as("%s log lines over 2,000 characters", which)
                .isZero();
    }

    /** Submits one ingest task per sample, every other one Base64-encoded; returns the task ids. */
    private static List<String> submitAll() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            ids.add(frontend.submit("ingest", Map.of("filename", sample.filename(), "document_set", DOCUMENT_SET,
                    "metadata", Map.of("source", "reliability-suite", "number", i)), receiver.url(), i % 2 == 1));
        }
        return ids;
    }

    private static Map<String, String> env(String table) {
        Map<String, String> env = new HashMap<>();
        env.put("CLIENT_ID", CLIENT_ID);
        env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("WEBHOOK_SECRET", SECRET);
        env.put("WORKER_TASK_TYPES", "ingest");
        env.put("VECTOR_STORE", "pgvector");
        env.put("DATABASE_URL", postgres.databaseUrl());
        env.put("PGVECTOR_TABLE", table);
        env.put("WORKER_CONCURRENCY", "8");
        env.put("WORKER_MAX_MESSAGES", "8");
        env.put("WORKER_VISIBILITY_TIMEOUT", "10s");
        env.put("WORKER_POLLING_INTERVAL", "1s");
        env.put("WORKER_RETRY_BASE_DELAY", "2s");
        env.put("WORKER_RETRY_MAX_DELAY", "10s");
        env.put("WORKER_SHUTDOWN_TIMEOUT", "20s");
        env.put("WORKER_DATA_DIR", work.resolve("data").toString());
        return env;
    }

    /** Tasks started and not yet finished, from the log lines operators grep for. */
    static int running(String log) {
        int started = 0;
        int finished = 0;
        for (String line : log.lines().toList()) {
            if (line.contains("Processing task ")) {
                started++;
            } else if (line.contains(" completed with status: ") || line.contains(" failed on attempt ")) {
                finished++;
            }
        }
        return started - finished;
    }

    static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
