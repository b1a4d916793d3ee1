package dev.queueworker.runner.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.models.QueueMessageItem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queueworker.test.Azurite;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code queue-worker submit} against a real Azurite: the blob and the message a worker would read. */
class SubmitCommandIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static Azurite azurite;

    @TempDir
    Path dir;

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.start();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    private static Map<String, String> env(String clientId, String... more) {
        Map<String, String> env = new HashMap<>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("CLIENT_ID", clientId);
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static List<QueueMessageItem> receiveAll(String queue) {
        QueueClient client = new QueueServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getQueueClient(queue);
        List<QueueMessageItem> items = new ArrayList<>();
        client.receiveMessages(32).forEach(items::add);
        return items;
    }

    private static byte[] blob(String container, String name) {
        return new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient(container).getBlobClient(name).downloadContent().toBytes();
    }

    @Test
    void uploads_the_file_under_the_templated_name_and_queues_the_contract_message() throws Exception {
        String client = "submit-" + CLIENTS.incrementAndGet();
        Files.writeString(dir.resolve("report.txt"), "The quarterly report.");

        AdminCli.Run run = AdminCli.run(env(client, "BLOB_NAME_TEMPLATE", "{document_set}/{filename}",
                        "AZURE_STORAGE_CONTAINER_NAME", "uploads"), dir,
                "submit", "ingest", "--file", "report.txt", "--document-set", "policies",
                "--webhook-url", "https://app.example/notify", "--payload", "{\"priority\": \"high\"}");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String taskId = run.out().strip();
        assertThat(run.out()).as("only the task id on stdout").isEqualTo(taskId + "\n");
        assertThat(taskId).matches("[0-9a-f-]{36}");
        assertThat(new String(blob("uploads", "policies/report.txt"), StandardCharsets.UTF_8))
                .isEqualTo("The quarterly report.");
        List<QueueMessageItem> messages = receiveAll(client + "-tasks");
        assertThat(messages).hasSize(1);
        JsonNode body = JSON.readTree(messages.get(0).getBody().toString());
        assertThat(body).isEqualTo(JSON.readTree("{\"task_id\": \"" + taskId + "\", \"task_type\": \"ingest\","
                + " \"payload\": {\"filename\": \"report.txt\", \"document_set\": \"policies\", \"priority\": \"high\"},"
                + " \"webhook_url\": \"https://app.example/notify\"}"));
        assertThat(run.err()).contains("task " + taskId).contains("policies/report.txt");
    }

    @Test
    void base64_encoding_stores_the_message_as_base64_and_payload_only_tasks_need_no_file() throws Exception {
        String client = "submit-" + CLIENTS.incrementAndGet();

        AdminCli.Run run = AdminCli.run(env(client, "QUEUE_MESSAGE_ENCODING", "base64"), dir,
                "submit", "report", "--payload", "{\"month\": \"2026-11\"}", "--task-id", "monthly-11");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("monthly-11\n");
        List<QueueMessageItem> messages = receiveAll(client + "-tasks");
        assertThat(messages).hasSize(1);
        String stored = messages.get(0).getBody().toString();
        assertThat(stored).doesNotContain("{").matches("[A-Za-z0-9+/=]+");
        JsonNode body = JSON.readTree(Base64.getDecoder().decode(stored));
        assertThat(body).isEqualTo(JSON.readTree(
                "{\"task_id\": \"monthly-11\", \"task_type\": \"report\", \"payload\": {\"month\": \"2026-11\"}}"));
    }

    @Test
    void raw_puts_the_body_on_the_queue_exactly_as_given_and_says_when_the_worker_will_refuse_it() {
        String client = "submit-" + CLIENTS.incrementAndGet();

        AdminCli.Run bad = AdminCli.run(env(client, "QUEUE_MESSAGE_ENCODING", "base64"), dir,
                "submit", "--raw", "not json, on purpose");
        assertThat(bad.exitCode()).as(bad.toString()).isZero();
        List<QueueMessageItem> messages = receiveAll(client + "-tasks");
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).getBody().toString()).as("neither checked nor encoded")
                .isEqualTo("not json, on purpose");
        assertThat(bad.out()).as("the message id, which the worker uses as the task id")
                .isEqualTo(messages.get(0).getMessageId() + "\n");
        assertThat(bad.err()).contains("note: the worker will move this message to the poison queue: body: is neither"
                + " JSON nor valid Base64");

        AdminCli.Run good = AdminCli.run(env(client), dir, "submit", "--raw",
                "{\"task_id\": \"raw-1\", \"task_type\": \"translate\"}");
        assertThat(good.exitCode()).as(good.toString()).isZero();
        assertThat(good.out()).isEqualTo("raw-1\n");
        assertThat(good.err()).doesNotContain("note:");
        assertThat(receiveAll(client + "-tasks")).extracting(m -> m.getBody().toString())
                .containsExactly("{\"task_id\": \"raw-1\", \"task_type\": \"translate\"}");
    }

    @Test
    void a_task_the_handler_or_the_webhook_policy_would_refuse_is_not_queued() {
        String client = "submit-" + CLIENTS.incrementAndGet();

        AdminCli.Run noFile = AdminCli.run(env(client), dir, "submit", "ingest", "--document-set", "policies");
        assertThat(noFile.exitCode()).as(noFile.toString()).isEqualTo(2);
        assertThat(noFile.err().strip()).isEqualTo("queue-worker: the ingest handler refuses this task:"
                + " payload.filename: is required (give --file); nothing was queued");
        AdminCli.Run metadata = AdminCli.run(env(client), dir, "submit", "translate", "--payload", "{}",
                "--webhook-url", "http://169.254.169.254/");
        assertThat(metadata.exitCode()).as(metadata.toString()).isEqualTo(2);
        assertThat(metadata.err().strip().lines()).hasSize(1);
        assertThat(dev.queueworker.azure.AzureQueueProvider.builder().connectionString(azurite.connectionString())
                .clientId(client).createQueues(false).build().exists()).as("nothing reached Azurite").isFalse();
    }

    @Test
    void the_filesystem_store_writes_into_documents_dir() throws Exception {
        String client = "submit-" + CLIENTS.incrementAndGet();
        Files.writeString(dir.resolve("notes.md"), "# Notes");
        Path documents = dir.resolve("documents");

        AdminCli.Run run = AdminCli.run(env(client, "DOCUMENT_STORE", "filesystem", "DOCUMENTS_DIR",
                documents.toString()), dir, "submit", "summarize", "--file", "notes.md", "--document-set", "team");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(documents.resolve("notes.md")).hasContent("# Notes");
        assertThat(receiveAll(client + "-tasks")).hasSize(1);
    }

    @Test
    void errors_exit_2_for_options_and_1_with_one_line_when_the_queue_is_unreachable() throws Exception {
        String client = "submit-" + CLIENTS.incrementAndGet();
        Files.writeString(dir.resolve("a.txt"), "a");

        AdminCli.Run missing = AdminCli.run(env(client), dir, "submit", "ingest", "--file", "nope.pdf",
                "--document-set", "s");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--file nope.pdf: no such file");

        AdminCli.Run badJson = AdminCli.run(env(client), dir, "submit", "ingest", "--file", "a.txt",
                "--document-set", "s", "--payload", "{\"a\":");
        assertThat(badJson.exitCode()).isEqualTo(2);
        assertThat(badJson.err()).contains("--payload is not valid JSON");

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String unreachable = azurite.connectionString().replace(":" + azurite.queuePort() + "/", ":" + closed + "/")
                .replace(":" + azurite.blobPort() + "/", ":" + closed + "/");
        Map<String, String> env = env(client, "AZURE_STORAGE_CONNECTION_STRING", unreachable,
                "AZURE_STORAGE_MAX_TRIES", "1");
        AdminCli.Run down = AdminCli.run(env, dir, "submit", "ingest", "--file", "a.txt", "--document-set", "s");
        assertThat(down.exitCode()).as(down.toString()).isEqualTo(1);
        assertThat(down.out()).isEmpty();
        assertThat(down.err().strip().lines()).as(down.toString()).hasSize(1);
        assertThat(down.err()).startsWith("queue-worker: the queue is not reachable:")
                .contains("Connection refused").doesNotContain("AccountKey").doesNotContain("Eby8vdM02");
        assertThat(dev.queueworker.azure.AzureQueueProvider.builder().connectionString(azurite.connectionString())
                .clientId(client).createQueues(false).build().exists()).as("nothing reached Azurite").isFalse();
    }
}
