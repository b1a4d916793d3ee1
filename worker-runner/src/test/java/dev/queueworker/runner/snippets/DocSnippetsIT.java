package dev.queueworker.runner.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.models.PeekedMessageItem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.azure.core.util.BinaryData;
import dev.queueworker.runner.snippets.DocSnippets.Block;
import dev.queueworker.runner.snippets.SnippetProcess.Result;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.RecordingWebhookReceiver;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code az} and Python snippet of the docs, taken from the Markdown as written and run with
 * Debian's {@code azure-cli} 2.45 and {@code python3-azure} against Azurite and the real daemon
 * ({@code queue-worker.jar run}, client {@code southhaven}): each task a snippet sends is completed
 * (its signed webhook arrives), each poison example ends on the poison queue. What the test replaces
 * in a snippet is only what a reader replaces for their machine (ports, paths, {@code sudo}), and the
 * test fails when that text leaves the docs.
 */
class DocSnippetsIT {

    /** The snippet markers this class runs; DocSnippetsTest holds the docs to exactly these. */
    static final Set<String> SNIPPETS = Set.of("messages-azurite-connection", "messages-python-send",
            "messages-python-base64", "messages-az-upload", "messages-az-put", "webhooks-python-receiver",
            "getting-started-receiver", "getting-started-az-poison", "deployment-python-connection",
            "deployment-az-connection");

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final Duration DEADLINE = Duration.ofMinutes(2);
    static final String REPORT = """
            Travel policy. Employees book economy class for flights under six hours.
            Hotel costs are reimbursed up to 150 euros a night in most cities.
            Receipts are submitted within 30 days of the end of the trip.
            """;
    static final ObjectMapper JSON = new ObjectMapper();

    static Azurite azurite;
    static RecordingWebhookReceiver receiver;
    static QueueWorkerProcess daemon;

    @TempDir
    static Path shared;

    @TempDir
    Path work;

    @BeforeAll
    static void startTheServicesAndTheDaemon() {
        azurite = Azurite.start();
        receiver = RecordingWebhookReceiver.start(SECRET);
        Map<String, String> env = new HashMap<>();
        env.put("CLIENT_ID", "southhaven");
        env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("WEBHOOK_URL", receiver.url());
        env.put("WEBHOOK_SECRET", SECRET);
        env.put("WORKER_POLLING_INTERVAL", "1s");
        env.put("WORKER_DATA_DIR", shared.resolve("data").toString());
        daemon = QueueWorkerProcess.start(shared, env, "384m", "run");
        daemon.awaitOutput("queue-worker ready", DEADLINE);
        // The document the tasks name, for the snippets that only send (they say to upload it first).
        BlobContainerClient documents = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .buildClient().getBlobContainerClient("documents");
        documents.getBlobClient("report.txt").upload(BinaryData.fromString(REPORT), true);
    }

    @AfterAll
    static void stopThem() {
        if (daemon != null) {
            daemon.terminate();
            daemon.awaitExit(DEADLINE);
            daemon.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void theDocumentedAzuriteConnectionStringIsTheOneEveryClientHereUses() {
        Block block = DocSnippets.snippet("messages-azurite-connection");
        String code = block.with(Map.of("127.0.0.1:10000", "127.0.0.1:" + azurite.blobPort(),
                "127.0.0.1:10001", "127.0.0.1:" + azurite.queuePort()));

        Result result = SnippetProcess.runBash(work, Map.of(), code + "\nprintf %s \"$AZURE_STORAGE_CONNECTION_STRING\"",
                DEADLINE);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo(azurite.connectionString());
    }

    @Test
    void pythonUploadsAndSendsAPlainMessageThatTheWorkerCompletes() throws IOException {
        Files.writeString(work.resolve("report.txt"), REPORT);

        Result sent = SnippetProcess.runPython(work, connection(), "send.py",
                DocSnippets.snippet("messages-python-send").code(), DEADLINE);

        assertThat(sent.exitCode()).as(sent.toString()).isZero();
        assertCompleted(sent.stdout().strip());
    }

    @Test
    void pythonSendsABase64MessageThatTheWorkerCompletes() {
        Result sent = SnippetProcess.runPython(work, connection(), "send_base64.py",
                DocSnippets.snippet("messages-python-base64").code(), DEADLINE);

        assertThat(sent.exitCode()).as(sent.toString()).isZero();
        assertCompleted(sent.stdout().strip());
    }

    @Test
    void azUploadsAndPutsAMessageThatTheWorkerCompletes() throws IOException {
        Files.writeString(work.resolve("report.txt"), REPORT);

        Result uploaded = SnippetProcess.runBash(work, connection(), DocSnippets.snippet("messages-az-upload").code(),
                DEADLINE);
        assertThat(uploaded.exitCode()).as(uploaded.toString()).isZero();
        Result put = SnippetProcess.runBash(work, connection(), DocSnippets.snippet("messages-az-put").code(), DEADLINE);

        assertThat(put.exitCode()).as(put.toString()).isZero();
        assertThat(put.stderr()).as("az's preview warning, as the docs say").contains("WARNING");
        assertCompleted(JSON.readTree(put.stdout()).path("id").asText());
    }

    @Test
    void eachProducerEncodesAsTheBase64TableSays() throws IOException {
        String queueName = "encoding-check";
        QueueClient queue = queue(queueName);
        Map<String, String> renamed = Map.of("\"southhaven-tasks\"", "\"" + queueName + "\"");
        Files.writeString(work.resolve("report.txt"), REPORT);

        for (String[] python : List.of(new String[] {"messages-python-send", "send.py"},
                new String[] {"messages-python-base64", "send_base64.py"})) {
            Result sent = SnippetProcess.runPython(work, connection(), python[1],
                    DocSnippets.snippet(python[0]).with(renamed), DEADLINE);
            assertThat(sent.exitCode()).as(sent.toString()).isZero();
        }
        Result put = SnippetProcess.runBash(work, connection(),
                DocSnippets.snippet("messages-az-put").with(Map.of("--queue-name southhaven-tasks",
                        "--queue-name " + queueName)), DEADLINE);
        assertThat(put.exitCode()).as(put.toString()).isZero();

        List<String> bodies = StreamSupport.stream(queue.peekMessages(32, null, null).spliterator(), false)
                .map(PeekedMessageItem::getBody).map(BinaryData::toString).toList();
        assertThat(bodies).hasSize(3);
        assertThat(bodies.get(0)).as("Python without an encode policy: plain").startsWith("{\"task_id\"");
        assertThat(bodies.get(1)).as("TextBase64EncodePolicy: Base64").doesNotStartWith("{");
        assertThat(JSON.readTree(Base64.getDecoder().decode(bodies.get(1))).path("task_type").asText())
                .isEqualTo("ingest");
        assertThat(bodies.get(2)).as("az: as given").startsWith("{\"task_type\": \"ingest\"");
    }

    @Test
    void gettingStartedPutsARawBodyThatEndsOnThePoisonQueue() throws IOException {
        Files.writeString(work.resolve(".env"), "CLIENT_ID=southhaven\nAZURE_STORAGE_CONNECTION_STRING="
                + azurite.connectionString() + "\n");
        String code = DocSnippets.snippet("getting-started-az-poison").with(Map.of("cd ~/qw-local", "cd " + work));

        Result put = SnippetProcess.runBash(work, Map.of(), code, DEADLINE);

        assertThat(put.exitCode()).as(put.toString()).isZero();
        String taskId = JSON.readTree(put.stdout()).path("id").asText();
        ReceivedWebhook webhook = receiver.awaitTask(taskId, DEADLINE);
        assertThat(webhook.body().path("status").asText()).isEqualTo("failed");
        assertThat(webhook.body().path("error").path("type").asText()).isEqualTo("InvalidMessage");
        daemon.awaitOutput("Task " + taskId + " completed with status: failed", DEADLINE);
        List<JsonNode> poisoned = StreamSupport.stream(queue("southhaven-tasks-poison").peekMessages(32, null, null)
                .spliterator(), false).map(m -> readTree(m.getBody().toString())).toList();
        assertThat(poisoned).anySatisfy(envelope -> {
            assertThat(envelope.path("original_body").asText()).isEqualTo("this is not JSON");
            assertThat(envelope.path("task_id").asText()).isEqualTo(taskId);
        });
    }

    @Test
    void gettingStartedsReceiverPrintsTheWorkersWebhook() {
        int port = freePort();
        String code = DocSnippets.snippet("getting-started-receiver").with(Map.of("8080", Integer.toString(port)));
        try (SnippetProcess printer = SnippetProcess.bash(work, Map.of(), code)) {
            awaitListening(port, printer);
            String taskId = "snippet-receiver-" + UUID.randomUUID();

            sendTranslateTask(taskId, "http://127.0.0.1:" + port + "/internal/notify");

            printer.awaitStdout(taskId, DEADLINE);
            assertThat(printer.stdout()).containsPattern("(?m)^msg_[0-9a-f]+ \\{\"task_id\":\"" + taskId
                    + "\",\"task_type\":\"translate\",\"client_id\":\"southhaven\",\"status\":\"failed\"");
        }
    }

    @Test
    void webhooksPythonReceiverAcceptsTheWorkersSignatureAndRefusesAForgedOne() throws Exception {
        int port = freePort();
        String code = DocSnippets.snippet("webhooks-python-receiver").with(Map.of("8080", Integer.toString(port)));
        try (SnippetProcess verifier = SnippetProcess.python(work, Map.of("WEBHOOK_SECRET", SECRET), "receiver.py",
                code)) {
            awaitListening(port, verifier);
            String taskId = "snippet-verify-" + UUID.randomUUID();

            sendTranslateTask(taskId, "http://127.0.0.1:" + port + "/");

            verifier.awaitStdout(taskId, DEADLINE);
            assertThat(verifier.stdout()).containsPattern("(?m)^msg_[0-9a-f]+ " + taskId + " failed$");
            String body = "{\"task_id\":\"forged\",\"status\":\"completed\"}";
            String now = Long.toString(System.currentTimeMillis() / 1000);
            HttpClient http = HttpClient.newHttpClient();
            for (String signature : List.of("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "")) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .header("webhook-id", "msg_forged").header("webhook-timestamp", now)
                        .header("webhook-signature", signature)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as("signature '" + signature + "'").isEqualTo(401);
            }
            assertThat(verifier.stdout()).doesNotContain("forged");
        }
    }

    @Test
    void deploymentsConnectionOneLinersListTheWorkersQueuesAndFailOnAWrongKey() throws IOException {
        for (String name : List.of("deployment-python-connection", "deployment-az-connection")) {
            Path env = work.resolve(name + ".env");
            Files.writeString(env, "CLIENT_ID=southhaven\nAZURE_STORAGE_CONNECTION_STRING=" + azurite.connectionString()
                    + "\n");
            String code = DocSnippets.snippet(name).with(Map.of("/opt/queue-worker/.env", env.toString(), "sudo ", ""));

            Result listed = SnippetProcess.runBash(work, Map.of(), code, DEADLINE);
            assertThat(listed.exitCode()).as(name + ": " + listed).isZero();
            assertThat(listed.stdout()).as(name).contains("southhaven-tasks", "southhaven-tasks-poison");

            String wrongKey = azurite.connectionString().replaceFirst("AccountKey=[^;]+",
                    "AccountKey=" + Base64.getEncoder().encodeToString("not the key".getBytes(StandardCharsets.UTF_8)));
            Files.writeString(env, "AZURE_STORAGE_CONNECTION_STRING=" + wrongKey + "\n");
            Result refused = SnippetProcess.runBash(work, Map.of(), code, DEADLINE);
            assertThat(refused.exitCode()).as(name + " with a wrong key: " + refused).isNotZero();
            assertThat(refused.stdout() + refused.stderr()).as(name).containsIgnoringCase("authenticat");
        }
    }

    private static Map<String, String> connection() {
        return Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
    }

    private static void assertCompleted(String taskId) {
        assertThat(taskId).as("the task id the snippet printed").isNotBlank();
        ReceivedWebhook webhook = receiver.awaitTask(taskId, DEADLINE);
        assertThat(webhook.signatureValid()).isTrue();
        assertThat(webhook.body().path("status").asText()).as(webhook.body().toString()).isEqualTo("completed");
        assertThat(webhook.body().path("client_id").asText()).isEqualTo("southhaven");
        assertThat(webhook.body().path("result").path("chunks").asInt()).isPositive();
        daemon.awaitOutput("Task " + taskId + " completed with status: completed", DEADLINE);
    }

    private static void sendTranslateTask(String taskId, String webhookUrl) {
        queue("southhaven-tasks").sendMessage("{\"task_id\":\"" + taskId + "\",\"task_type\":\"translate\","
                + "\"payload\":{\"text\":\"hello\",\"to\":\"fr\"},\"webhook_url\":\"" + webhookUrl + "\"}");
    }

    private static QueueClient queue(String name) {
        QueueClient client = new QueueServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getQueueClient(name);
        client.createIfNotExists();
        return client;
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static void awaitListening(int port, SnippetProcess process) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nothing listens on " + port + "\n--- stdout\n" + process.stdout()
                            + "--- stderr\n" + process.stderr());
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
