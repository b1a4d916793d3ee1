package dev.queueworker.reliability.load;

import static dev.queueworker.reliability.load.LoadKit.await;
import static dev.queueworker.reliability.load.LoadKit.figure;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.queue.QueueClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.PostgresServer;
import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.RecordingWebhookReceiver;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 8 of docs/reliability.md: with an OpenAI key, a database password (a role of a private
 * PostgreSQL), a webhook secret and a storage connection string configured, no log line, error
 * message, metric, health answer, webhook (body or header), poison envelope, {@code check} or
 * {@code poison} output holds any of them or any 12 characters of them — on the happy path and on
 * the failure paths: the model API answering 401 (echoing the whole key back, as a careless
 * OpenAI-compatible server might) and PostgreSQL stopped. The daemon logs at DEBUG.
 */
class SecretsIT {

    static final Duration DEADLINE = Duration.ofMinutes(3);
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path work;

    @Test
    void noSecretAppearsInAnythingTheWorkerOrItsCommandsWrite() throws Exception {
        String openAiKey = "sk-proj-" + random(48);
        String dbPassword = random(28);
        String webhookSecret = "whsec_" + Base64.getEncoder().encodeToString(random(32).getBytes(StandardCharsets.UTF_8));
        try (Azurite azurite = Azurite.start(); PostgresServer pg = PostgresServer.start();
                FakeOpenAi openAi = new FakeOpenAi();
                RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start(webhookSecret)) {
            pg.psql("postgres", "CREATE ROLE reliability_app LOGIN PASSWORD '" + dbPassword + "'");
            pg.execute("GRANT ALL ON SCHEMA public TO reliability_app");
            String conn = azurite.connectionString();
            String accountKey = conn.replaceAll(".*AccountKey=([^;]+);.*", "$1");
            Map<String, String> secrets = new LinkedHashMap<>();
            secrets.put("OPENAI_API_KEY", openAiKey);
            secrets.put("DATABASE_URL password", dbPassword);
            secrets.put("WEBHOOK_SECRET", webhookSecret);
            secrets.put("storage AccountKey", accountKey);

            QueueClient tasks = LoadKit.queue(conn, "secrets-tasks");
            QueueClient poison = LoadKit.queue(conn, "secrets-tasks-poison");
            BlobContainerClient documents = LoadKit.container(conn, "documents");
            // One document per task: an unchanged document is not embedded again.
            for (String id : List.of("ok-ingest", "ok-summary", "bad-key-ingest", "bad-key-summary", "db-down-ingest")) {
                LoadKit.upload(documents, id + ".txt", ("The harbour of Southhaven opens at nine and closes at five ("
                        + id + "). ").repeat(30).getBytes(StandardCharsets.UTF_8), "text/plain");
            }

            int httpPort = LoadKit.freePort();
            Map<String, String> env = new HashMap<>();
            env.put("CLIENT_ID", "secrets");
            env.put("AZURE_STORAGE_CONNECTION_STRING", conn);
            env.put("OPENAI_API_KEY", openAiKey);
            env.put("OPENAI_API_BASE", openAi.url());
            env.put("OPENAI_EMBEDDING_DIMENSIONS", "16");
            env.put("OPENAI_TIMEOUT", "10s");
            env.put("DATABASE_URL", "postgresql://reliability_app:" + dbPassword + "@127.0.0.1:" + pg.port()
                    + "/" + PostgresServer.DATABASE);
            env.put("WEBHOOK_SECRET", webhookSecret);
            env.put("WEBHOOK_URL", receiver.url());
            env.put("WORKER_HTTP_PORT", Integer.toString(httpPort));
            env.put("WORKER_MAX_DEQUEUE_COUNT", "2");
            env.put("WORKER_RETRY_BASE_DELAY", "1s");
            env.put("WORKER_POLLING_INTERVAL", "1s");
            env.put("LOG_LEVEL", "DEBUG");

            Map<String, String> captured = new LinkedHashMap<>();
            captured.put("check (all up)", QueueWorkerProcess.run(work, env, DEADLINE, "check").output());

            try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, env, "384m", "run")) {
                daemon.awaitOutput("queue-worker ready", DEADLINE);
                captured.put("/health/ready (up)", LoadKit.get(httpPort, "/health/ready"));

                // Happy path: an ingest into pgvector and an LLM summary.
                tasks.sendMessage(task("ok-ingest", "ingest"));
                tasks.sendMessage(task("ok-summary", "summarize"));
                assertThat(receiver.awaitTask("ok-ingest", DEADLINE).body().path("status").asText()).isEqualTo("completed");
                assertThat(receiver.awaitTask("ok-summary", DEADLINE).body().path("status").asText())
                        .isEqualTo("completed");

                // The model API refuses the key with 401, quoting it whole.
                openAi.reject.set(true);
                tasks.sendMessage(task("bad-key-ingest", "ingest"));
                tasks.sendMessage(task("bad-key-summary", "summarize"));
                ReceivedWebhook badKey = receiver.awaitTask("bad-key-ingest", DEADLINE);
                assertThat(badKey.body().path("status").asText()).isEqualTo("failed");
                assertThat(badKey.body().path("error").path("message").asText()).contains("401");
                assertThat(receiver.awaitTask("bad-key-summary", DEADLINE).body().path("status").asText())
                        .isEqualTo("failed");
                captured.put("check (401)", QueueWorkerProcess.run(work, env, DEADLINE, "check").output());

                // PostgreSQL stopped: the ingest fails, is retried, and ends on the poison queue.
                openAi.reject.set(false);
                pg.stop();
                tasks.sendMessage(task("db-down-ingest", "ingest"));
                ReceivedWebhook dbDown = receiver.awaitTask("db-down-ingest", DEADLINE);
                assertThat(dbDown.body().path("status").asText()).isEqualTo("failed");
                captured.put("/health/live (db down)", LoadKit.get(httpPort, "/health/live"));
                captured.put("/health/ready (db down)", LoadKit.get(httpPort, "/health/ready"));
                captured.put("/metrics (db down)", LoadKit.get(httpPort, "/metrics"));
                captured.put("check --json (db down)", QueueWorkerProcess.run(work, env, DEADLINE, "check", "--json")
                        .output());
                captured.put("poison list", QueueWorkerProcess.run(work, env, DEADLINE, "poison", "list").output());
                captured.put("poison show", QueueWorkerProcess.run(work, env, DEADLINE, "poison", "show",
                        "bad-key-ingest").output());
                daemon.terminate();
                assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
                captured.put("daemon output", daemon.output());
            }

            // The failure paths did happen, and the key really was used.
            assertThat(openAi.authorizations).containsOnly("Bearer " + openAiKey);
            assertThat(captured.get("poison list")).contains("bad-key-ingest", "db-down-ingest");
            assertThat(captured.get("check (401)")).contains("401");
            assertThat(captured.get("check --json (db down)")).contains("\"result\" : \"fail\"", "PostgreSQL");
            List<JsonNode> envelopes = LoadKit.drain(poison);
            assertThat(envelopes).extracting(e -> e.path("task_id").asText())
                    .containsExactlyInAnyOrder("bad-key-ingest", "bad-key-summary", "db-down-ingest");
            for (JsonNode envelope : envelopes) {
                captured.put("poison envelope " + envelope.path("task_id").asText(), envelope.toString());
            }
            for (ReceivedWebhook h : receiver.received()) {
                captured.put("webhook " + h.taskId() + " " + h.webhookId(), h.headers() + "\n"
                        + new String(h.rawBody(), StandardCharsets.UTF_8));
            }
            assertThat(receiver.received()).allSatisfy(h -> assertThat(h.signatureValid()).isTrue());

            // Nothing holds a secret or any 12 characters of one.
            List<String> leaks = new ArrayList<>();
            long bytes = 0;
            for (Map.Entry<String, String> c : captured.entrySet()) {
                bytes += c.getValue().length();
                for (Map.Entry<String, String> s : secrets.entrySet()) {
                    String leak = leak(c.getValue(), s.getValue());
                    if (leak != null) {
                        leaks.add(s.getKey() + " in " + c.getKey() + ": ..." + leak.replace(s.getValue(), "<SECRET>")
                                + "...");
                    }
                }
            }
            assertThat(leaks).as("secrets found").isEmpty();
            figure("8", "secrets=" + secrets.size() + " sources=" + captured.size() + " bytes_checked=" + bytes
                    + " failure_paths=openai_401,postgres_stopped leaks=0");
        }
    }

    /** The context of the first 12-character window of {@code secret} found in {@code text}, or null. */
    private static String leak(String text, String secret) {
        for (int i = 0; i + 12 <= secret.length(); i++) {
            int at = text.indexOf(secret.substring(i, i + 12));
            if (at >= 0) {
                return text.substring(Math.max(0, at - 60), Math.min(text.length(), at + 72)).replace(secret.substring(i,
                        i + 12), "<12 CHARACTERS OF THE SECRET>");
            }
        }
        return null;
    }

    private static String task(String id, String type) {
        return "{\"task_id\":\"" + id + "\",\"task_type\":\"" + type + "\",\"payload\":{\"filename\":\"" + id + ".txt\","
                + "\"document_set\":\"town\"}}";
    }

    private static String random(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /**
     * An OpenAI-compatible server in the real wire format: embeddings of the asked dimensions and chat
     * completions, or 401 for everything when {@link #reject} is set.
     */
    static final class FakeOpenAi implements AutoCloseable {
        final AtomicBoolean reject = new AtomicBoolean();
        final Set<String> authorizations = ConcurrentHashMap.newKeySet();
        private final HttpServer server;

        FakeOpenAi() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                JsonNode request = LoadKit.JSON.readTree(exchange.getRequestBody().readAllBytes());
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                authorizations.add(String.valueOf(auth));
                String path = exchange.getRequestURI().getPath();
                if (reject.get()) {
                    String key = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
                    respond(exchange, 401, "{\"error\":{\"message\":\"Incorrect API key provided: " + key
                            + ". You can find your API key at https://platform.openai.com/account/api-keys.\","
                            + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
                    return;
                }
                ObjectNode answer = LoadKit.JSON.createObjectNode();
                if (path.endsWith("/embeddings")) {
                    JsonNode input = request.path("input");
                    int n = input.isArray() ? input.size() : 1;
                    int dims = request.path("dimensions").asInt(16);
                    answer.put("object", "list");
                    ArrayNode data = answer.putArray("data");
                    for (int i = 0; i < n; i++) {
                        ObjectNode e = data.addObject().put("object", "embedding").put("index", i);
                        ArrayNode v = e.putArray("embedding");
                        String text = input.isArray() ? input.get(i).asText() : input.asText();
                        for (int d = 0; d < dims; d++) {
                            v.add(((text.hashCode() >> (d % 16)) & 0xff) / 255.0 + 0.01);
                        }
                    }
                    answer.put("model", request.path("model").asText());
                    answer.putObject("usage").put("prompt_tokens", 10).put("total_tokens", 10);
                } else if (path.endsWith("/chat/completions")) {
                    answer.put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1_700_000_000L)
                            .put("model", request.path("model").asText());
                    ObjectNode choice = answer.putArray("choices").addObject();
                    choice.put("index", 0).put("finish_reason", "stop");
                    choice.putObject("message").put("role", "assistant").put("content", "The harbour opens at nine.");
                    answer.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 6)
                            .put("total_tokens", 16);
                } else {
                    respond(exchange, 404, "{\"error\":{\"message\":\"Unknown path\",\"type\":\"invalid_request_error\"}}");
                    return;
                }
                respond(exchange, 200, answer.toString());
            }
        }

        private static void respond(HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
