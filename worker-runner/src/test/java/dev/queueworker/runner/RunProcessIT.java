package dev.queueworker.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.PluginJar;
import dev.queueworker.test.RecordingWebhookReceiver;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as operators run it: {@code java -jar queue-worker.jar run} against Azurite, tasks
 * submitted by {@code queue-worker submit} as a separate process, outcomes at a real webhook
 * receiver; then SIGTERM.
 */
class RunProcessIT {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final Duration DEADLINE = Duration.ofMinutes(2);

    static Azurite azurite;
    static RecordingWebhookReceiver receiver;

    @TempDir
    Path work;

    @BeforeAll
    static void services() {
        azurite = Azurite.start();
        receiver = RecordingWebhookReceiver.start(SECRET);
    }

    @AfterAll
    static void stopServices() {
        receiver.close();
        azurite.close();
    }

    @Test
    void processesSubmittedTasksServesHealthAndMetricsAndDrainsOnSigterm() throws Exception {
        int httpPort = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("CLIENT_ID", "runit");
        env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("WEBHOOK_SECRET", SECRET);
        env.put("WORKER_POLLING_INTERVAL", "1s");
        env.put("WORKER_SHUTDOWN_TIMEOUT", "20s");
        env.put("WORKER_HTTP_PORT", Integer.toString(httpPort));
        env.put("WORKER_DATA_DIR", work.resolve("data").toString());

        try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, env, "384m", "run")) {
            daemon.awaitOutput("queue-worker ready", DEADLINE);
            assertThat(get(httpPort, "/health/live")).isEqualTo("200 live\n");
            assertThat(get(httpPort, "/health/ready")).isEqualTo("200 ready\n");

            List<String> taskIds = new ArrayList<>();
            for (String name : List.of("harbour.txt", "library.txt", "parks.txt")) {
                Path file = Files.writeString(work.resolve(name), ("The " + name.replace(".txt", "")
                        + " of Southhaven opens at nine and closes at five. ").repeat(40));
                QueueWorkerProcess.Result submitted = QueueWorkerProcess.run(work, env, DEADLINE, "submit", "ingest",
                        "--file", file.toString(), "--document-set", "town", "--webhook-url", receiver.url());
                assertThat(submitted.exitCode()).as(submitted.output()).isZero();
                taskIds.add(taskId(submitted.output()));
            }

            for (String taskId : taskIds) {
                ReceivedWebhook webhook = receiver.awaitTask(taskId, DEADLINE);
                assertThat(webhook.signatureValid()).isTrue();
                assertThat(webhook.body().path("status").asText()).isEqualTo("completed");
                assertThat(webhook.body().path("client_id").asText()).isEqualTo("runit");
                assertThat(webhook.body().path("result").path("chunks").asInt()).isPositive();
                daemon.awaitOutput("Task " + taskId + " completed with status: completed", DEADLINE);
            }
            assertThat(daemon.output()).contains("Processing task " + taskIds.get(0) + ": ingest",
                    "Webhook sent successfully to http://127.0.0.1:" + receiver.port());

            String metrics = get(httpPort, "/metrics");
            assertThat(metrics).startsWith("200 ")
                    .contains("queueworker_tasks_total{", "client_id=\"runit\"", "jvm_memory_used_bytes",
                            "queue_worker_ready{client_id=\"runit\"} 1.0");

            daemon.terminate();
            assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
            assertThat(daemon.output()).contains("Stop requested", "Stopping: no more receives", "Stopped")
                    .doesNotContain(SECRET.substring("whsec_".length()));
        }
    }

    @Test
    void waitsAliveButNotReadyUntilTheQueueAnswersAndLogsJsonLines() throws Exception {
        int httpPort = freePort();
        try (Azurite late = Azurite.start()) {
            late.stop();
            Map<String, String> env = new HashMap<>();
            env.put("CLIENT_ID", "late");
            env.put("AZURE_STORAGE_CONNECTION_STRING", late.connectionString());
            env.put("AZURE_STORAGE_MAX_TRIES", "1");
            env.put("WORKER_TASK_TYPES", "summarize");
            env.put("WORKER_HTTP_PORT", Integer.toString(httpPort));
            env.put("WORKER_DATA_DIR", work.resolve("data").toString());
            env.put("LOG_FORMAT", "json");
            try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, env, "256m", "run")) {
                daemon.awaitOutput("Queue not reachable", DEADLINE);
                assertThat(get(httpPort, "/health/live")).isEqualTo("200 live\n");
                assertThat(get(httpPort, "/health/ready")).startsWith("503 not ready: the queue does not answer");

                late.restart();
                daemon.awaitOutput("queue-worker ready", DEADLINE);
                assertThat(get(httpPort, "/health/ready")).isEqualTo("200 ready\n");
                daemon.terminate();
                assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();

                com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
                List<String> lines = daemon.output().lines().toList();
                assertThat(lines).hasSizeGreaterThan(5);
                for (String line : lines) {
                    com.fasterxml.jackson.databind.JsonNode node = json.readTree(line);
                    assertThat(node.path("level").asText()).as(line).isIn("INFO", "WARN");
                    assertThat(node.path("loggerName").asText()).as(line).isNotEmpty();
                    assertThat(node.path("formattedMessage").asText()).as(line).isNotEmpty();
                }
                // Start-up retries stay few: one line per attempt, with growing delays.
                assertThat(lines.stream().filter(l -> l.contains("Queue not reachable")).count()).isBetween(1L, 6L);
            }
        }
    }

    @Test
    void isNotReadyWhileDrainingAndReleasesWhatDidNotFinish() throws Exception {
        Path plugins = work.resolve("plugins");
        PluginJar.build(plugins.resolve("slow.jar"), "example.SlowHandler", """
                package example;
                import dev.queueworker.api.*;
                import java.util.concurrent.CountDownLatch;
                import java.util.concurrent.TimeUnit;
                public final class SlowHandler implements TaskHandler {
                    public String taskType() { return "slow"; }
                    public TaskResult handle(Task task, TaskContext context) throws InterruptedException {
                        CountDownLatch cancelled = new CountDownLatch(1);
                        context.onCancel(cancelled::countDown);
                        cancelled.await(5, TimeUnit.MINUTES); // work that only a cancellation ends
                        context.throwIfCancelled();
                        return TaskResult.empty();
                    }
                }
                """);
        int httpPort = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("CLIENT_ID", "drain");
        env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("WORKER_TASK_TYPES", "slow");
        env.put("WORKER_PLUGINS_DIR", plugins.toString());
        env.put("WORKER_SHUTDOWN_TIMEOUT", "10s");
        env.put("WORKER_HTTP_PORT", Integer.toString(httpPort));
        try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, env, "256m", "run")) {
            daemon.awaitOutput("queue-worker ready", DEADLINE);
            QueueWorkerProcess.Result submitted = QueueWorkerProcess.run(work, env, DEADLINE, "submit", "slow",
                    "--payload", "{\"note\": \"waits until cancelled\"}");
            assertThat(submitted.exitCode()).as(submitted.output()).isZero();
            String taskId = taskId(submitted.output());
            daemon.awaitOutput("Processing task " + taskId + ": slow", DEADLINE);

            daemon.terminate();
            daemon.awaitCondition(() -> {
                try {
                    return get(httpPort, "/health/ready").equals("503 not ready: draining\n");
                } catch (Exception e) {
                    return false;
                }
            }, DEADLINE, "/health/ready answering 503 while draining");
            assertThat(get(httpPort, "/health/live")).isEqualTo("200 live\n");
            assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
            assertThat(daemon.output()).contains("Stopping: no more receives; running tasks (1)", "Stopped");
        }
        // Released, not deleted: the task is back on the queue at once for the next worker.
        QueueWorkerProcess.Result check = QueueWorkerProcess.run(work, env, DEADLINE, "check");
        assertThat(check.output()).containsPattern("queue +OK +drain-tasks: about 1 message");
    }

    @Test
    void aBadVariableStopsStartUpWithOneLineAndExitCode2() {
        QueueWorkerProcess.Result result = QueueWorkerProcess.run(work, Map.of(
                "AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(), "WORKER_VISIBILITY_TIMEOUT", "soon"),
                DEADLINE, "run");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output().strip()).isEqualTo("queue-worker: configuration error: WORKER_VISIBILITY_TIMEOUT"
                + " must be a duration such as 30s, 2m or 500ms, was 'soon'");
    }

    /** The line submit prints on standard output (merged here with its confirmation on standard error). */
    private static String taskId(String output) {
        return output.lines().filter(l -> l.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"))
                .findFirst().orElseThrow(() -> new AssertionError("no task id in: " + output));
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
