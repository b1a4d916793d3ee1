package com.example.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.RecordingWebhookReceiver;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged plugin jar in the real daemon: {@code java -jar queue-worker.jar run} with
 * {@code WORKER_PLUGINS_DIR} holding {@code target/plugin-handler-*.jar} and
 * {@code WORKER_TASK_TYPES=checksum}, against a real Azurite; the task is sent with the Azure SDK as
 * a frontend sends it, the outcome checked at a real webhook receiver.
 */
class ChecksumPluginIT {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path work;

    @Test
    void theDaemonLoadsThePluginAndRunsItsTasks() throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Path jar = Path.of(System.getProperty("plugin.jar"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));

        try (Azurite azurite = Azurite.start();
                RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start(SECRET)) {
            // The frontend's side: upload a document (a few blocks' worth) and remember its digest.
            byte[] upload = new byte[600_000];
            new Random(7).nextBytes(upload);
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload));
            BlobContainerClient documents = new BlobServiceClientBuilder()
                    .connectionString(azurite.connectionString()).buildClient().getBlobContainerClient("documents");
            documents.createIfNotExists();
            documents.getBlobClient("uploads/scan.bin").upload(BinaryData.fromBytes(upload), true);

            Map<String, String> env = new HashMap<>();
            env.put("CLIENT_ID", "checks");
            env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
            env.put("WEBHOOK_SECRET", SECRET);
            env.put("WORKER_PLUGINS_DIR", plugins.toString());
            env.put("WORKER_TASK_TYPES", "checksum"); // only the plugin: no embedding model, no database
            env.put("WORKER_POLLING_INTERVAL", "1s");
            env.put("WORKER_DATA_DIR", work.resolve("data").toString());

            try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, env, "256m", "run")) {
                daemon.awaitOutput("queue-worker ready", DEADLINE);

                QueueClient tasks = new QueueClientBuilder().connectionString(azurite.connectionString())
                        .queueName("checks-tasks").buildClient();
                tasks.sendMessage("{\"task_id\": \"scan-1\", \"task_type\": \"checksum\", \"payload\":"
                        + " {\"filename\": \"uploads/scan.bin\", \"expected_sha256\": \"" + sha256 + "\"},"
                        + " \"webhook_url\": \"" + receiver.url() + "\"}");

                ReceivedWebhook webhook = receiver.awaitTask("scan-1", DEADLINE);
                assertThat(webhook.signatureValid()).isTrue();
                assertThat(webhook.body().path("status").asText()).isEqualTo("completed");
                assertThat(webhook.body().path("task_type").asText()).isEqualTo("checksum");
                assertThat(webhook.body().path("client_id").asText()).isEqualTo("checks");
                assertThat(webhook.body().path("result").path("sha256").asText()).isEqualTo(sha256);
                assertThat(webhook.body().path("result").path("bytes").asLong()).isEqualTo(upload.length);
                assertThat(webhook.body().path("result").path("matches").asBoolean()).isTrue();

                // The plugin logs through the daemon's SLF4J, with the daemon's format.
                daemon.awaitOutput("Task scan-1 completed with status: completed", DEADLINE);
                assertThat(daemon.output()).contains("Processing task scan-1: checksum",
                        "Checksum of uploads/scan.bin: " + sha256);

                daemon.terminate();
                assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
            }
        }
    }
}
