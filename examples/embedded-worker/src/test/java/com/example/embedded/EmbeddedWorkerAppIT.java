package com.example.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.models.PeekedMessageItem;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.RecordingWebhookReceiver;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application as it is deployed: {@code EmbeddedWorkerApp}'s main in its own JVM, configured by
 * environment variables only, against a real Azurite; tasks sent as a frontend sends them, with the
 * Azure SDK; outcomes checked at a real webhook receiver; then SIGTERM.
 */
class EmbeddedWorkerAppIT {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final Duration DEADLINE = Duration.ofSeconds(60);

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
    void runsTasksFromAzureReportsSignedWebhooksAndDrainsOnSigterm() throws Exception {
        // The frontend's side: upload the document, then enqueue the task.
        BlobContainerClient documents = new BlobServiceClientBuilder()
                .connectionString(azurite.connectionString()).buildClient().getBlobContainerClient("exports");
        documents.createIfNotExists();
        documents.getBlobClient("2026/may.csv")
                .upload(BinaryData.fromString("invoice,amount\nA-1,10.50\nA-2,20.25\nA-3,30\n"), true);

        Map<String, String> env = new HashMap<>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("AZURE_STORAGE_CONTAINER_NAME", "exports");
        env.put("CLIENT_ID", "shop");
        env.put("WEBHOOK_URL", receiver.url());
        env.put("WEBHOOK_SECRET", SECRET);
        env.put("WORKER_POLLING_INTERVAL", "1s");
        env.put("WORKER_SHUTDOWN_TIMEOUT", "10s");

        try (App app = App.start(work, env)) {
            app.awaitOutput("embedded-worker ready");

            QueueClient tasks = new QueueClientBuilder().connectionString(azurite.connectionString())
                    .queueName("shop-tasks").buildClient();
            tasks.sendMessage("{\"task_id\": \"may-total\", \"task_type\": \"csv-total\","
                    + " \"payload\": {\"filename\": \"2026/may.csv\", \"column\": \"amount\"}}");
            // Some producers (Azure Functions among them) send Base64: the worker reads both.
            tasks.sendMessage(Base64.getEncoder().encodeToString(("{\"task_id\": \"may-price\","
                    + " \"task_type\": \"csv-total\", \"payload\": {\"filename\": \"2026/may.csv\", \"column\": \"price\"},"
                    + " \"webhook_url\": \"" + receiver.url("/other") + "\"}").getBytes(StandardCharsets.UTF_8)));

            ReceivedWebhook completed = receiver.awaitTask("may-total", DEADLINE);
            assertThat(completed.signatureValid()).isTrue();
            assertThat(completed.path()).isEqualTo("/webhook");
            assertThat(completed.body().path("status").asText()).isEqualTo("completed");
            assertThat(completed.body().path("client_id").asText()).isEqualTo("shop");
            assertThat(completed.body().path("result").path("rows").asLong()).isEqualTo(3);
            assertThat(completed.body().path("result").path("total").asText()).isEqualTo("60.75");

            ReceivedWebhook failed = receiver.awaitTask("may-price", DEADLINE);
            assertThat(failed.signatureValid()).isTrue();
            assertThat(failed.path()).isEqualTo("/other");
            assertThat(failed.body().path("status").asText()).isEqualTo("failed");
            assertThat(failed.body().path("error").path("message").asText())
                    .isEqualTo("payload.column: no column 'price' in 2026/may.csv");

            QueueClient poison = new QueueClientBuilder().connectionString(azurite.connectionString())
                    .queueName("shop-tasks-poison").buildClient();
            // The failed webhook goes out first, then the message moves to the poison queue.
            List<PeekedMessageItem> poisoned = new ArrayList<>();
            awaitCondition(() -> {
                poisoned.clear();
                poison.peekMessages(32, null, null).forEach(poisoned::add);
                return !poisoned.isEmpty();
            }, "a message on shop-tasks-poison");
            assertThat(poisoned).hasSize(1);
            assertThat(poisoned.get(0).getBody().toString()).contains("may-price");
            app.awaitOutput("Task may-total completed with status: completed");
            assertThat(tasks.getProperties().getApproximateMessagesCount()).isZero();

            app.terminate(); // SIGTERM, as systemd or Kubernetes stops it
            assertThat(app.awaitExit()).as(app.output()).isEqualTo(143); // the JVM's code after SIGTERM
            assertThat(app.output()).contains("Shutting down", "Worker stopped")
                    .doesNotContain("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1") // Azurite's account key
                    .doesNotContain(SECRET.substring("whsec_".length()));
        }
    }

    @Test
    void aBadVariableStopsStartUpWithOneLineAndExitCode2() throws Exception {
        try (App app = App.start(work, Map.of(
                "AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(), "WORKER_POLLING_INTERVAL", "soon"))) {
            assertThat(app.awaitExit()).isEqualTo(2);
            assertThat(app.output().strip()).isEqualTo("embedded-worker: configuration error: WORKER_POLLING_INTERVAL"
                    + " must be a duration such as 30s, 2m or 500ms, was 'soon'");
        }
    }

    static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + DEADLINE);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** The application's main in a child JVM on this test's class path, with only the environment given. */
    record App(Process process, Path log) implements AutoCloseable {

        static App start(Path work, Map<String, String> env) throws IOException {
            Path log = Files.createTempFile(work, "app-", ".log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-cp", System.getProperty("java.class.path"), EmbeddedWorkerApp.class.getName())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
            pb.environment().putAll(env);
            return new App(pb.start(), log);
        }

        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void awaitOutput(String text) {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!output().contains(text)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("no '" + text + "' in the output:\n" + output());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }

        void terminate() {
            process.destroy();
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("still running after " + DEADLINE + ":\n" + output());
            }
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
