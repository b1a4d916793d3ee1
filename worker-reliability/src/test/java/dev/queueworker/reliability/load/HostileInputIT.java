package dev.queueworker.reliability.load;

import static dev.queueworker.reliability.load.LoadKit.await;
import static dev.queueworker.reliability.load.LoadKit.figure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.queue.QueueClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.queueworker.ai.testing.Documents;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.RecordingWebhookReceiver;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 6 of docs/reliability.md: a corpus of 32 bad messages and documents, interleaved with
 * good ingest tasks, sent through the Azure SDK to one daemon ({@code -Xmx256m}, local model, memory
 * vector store). Each bad one ends on the poison queue with its original body, a reason and an
 * error type, with a {@code failed} webhook where its URL is allowed; webhooks aimed at
 * 169.254.169.254, directly or through a redirect, are refused before any connection; the daemon
 * never crashes or runs out of heap, and the good tasks all complete.
 */
class HostileInputIT {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String METADATA = "http://169.254.169.254/latest/meta-data/iam/security-credentials/";
    static final int MAX_MESSAGE_BYTES = 16_384;
    static final int INGEST_MAX_BYTES = 1_048_576;
    static final Duration DEADLINE = Duration.ofMinutes(4);

    @TempDir
    Path work;

    record Bad(String name, String body, boolean webhookAllowed) {
    }

    @Test
    void everyBadMessageAndDocumentIsPoisonedWithAReasonAndTheWorkerCarriesOn() {
        try (Azurite azurite = Azurite.start(); RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start(SECRET);
                RecordingWebhookReceiver redirector = RecordingWebhookReceiver.start(SECRET)) {
            redirector.redirectTo(METADATA);
            String conn = azurite.connectionString();
            QueueClient tasks = LoadKit.queue(conn, "hostile-tasks");
            QueueClient poison = LoadKit.queue(conn, "hostile-tasks-poison");
            BlobContainerClient documents = LoadKit.container(conn, "documents");

            // Documents first: hostile ones and the good ones.
            LoadKit.upload(documents, "bomb.docx", Documents.zipBombDocx(40L * 1024 * 1024),
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
            LoadKit.upload(documents, "locked.pdf", Documents.encryptedPdf("Locked minutes", "s3cret"), "application/pdf");
            LoadKit.upload(documents, "empty.txt", new byte[0], "text/plain");
            LoadKit.upload(documents, "mislabelled.pdf", Documents.unknownBinary(20_000), "application/pdf");
            LoadKit.upload(documents, "binary.txt", Documents.unknownBinary(20_000), "text/plain");
            byte[] pdf = Documents.pdf("Harbour opening hours");
            LoadKit.upload(documents, "truncated.pdf", java.util.Arrays.copyOf(pdf, pdf.length / 3), "application/pdf");
            LoadKit.upload(documents, "nested.zip", Documents.nestedZip(40, "deep"), "application/zip");
            LoadKit.upload(documents, "big.txt", "The harbour opens at nine. ".repeat(2 * 1024 * 1024 / 27 + 1)
                    .getBytes(StandardCharsets.UTF_8), "text/plain");
            List<String> good = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                LoadKit.upload(documents, "good-" + i + ".txt", ("Southhaven notice " + i
                        + ": the library opens at nine and the parks close at dusk. ").repeat(20)
                        .getBytes(StandardCharsets.UTF_8), "text/plain");
                good.add("good-" + i);
            }

            List<Bad> corpus = corpus(redirector.url());
            assertThat(corpus).hasSizeGreaterThanOrEqualTo(25);
            // Azure itself refuses a body over 64 KiB: it never reaches a worker.
            assertThatThrownBy(() -> tasks.sendMessage(ingest("too-big", "a.txt", "x".repeat(70 * 1024))))
                    .hasMessageContaining("413");

            Map<String, Bad> byMessageId = new LinkedHashMap<>();
            int g = 0;
            for (int i = 0; i < corpus.size(); i++) {
                Bad bad = corpus.get(i);
                byMessageId.put(tasks.sendMessage(bad.body()).getMessageId(), bad);
                if (i % 5 == 4 && g < good.size()) {
                    String id = good.get(g++);
                    tasks.sendMessage(ingest(id, id + ".txt", null));
                }
            }
            while (g < good.size()) {
                String id = good.get(g++);
                tasks.sendMessage(ingest(id, id + ".txt", null));
            }

            int httpPort = LoadKit.freePort();
            Map<String, String> env = new HashMap<>();
            env.put("CLIENT_ID", "hostile");
            env.put("AZURE_STORAGE_CONNECTION_STRING", conn);
            env.put("WORKER_TASK_TYPES", "ingest");
            env.put("VECTOR_STORE", "memory");
            env.put("WORKER_DATA_DIR", work.resolve("data").toString());
            env.put("INGEST_MAX_BYTES", Integer.toString(INGEST_MAX_BYTES));
            env.put("WORKER_MAX_MESSAGE_BYTES", Integer.toString(MAX_MESSAGE_BYTES));
            env.put("WORKER_MAX_DEQUEUE_COUNT", "3");
            env.put("WORKER_RETRY_BASE_DELAY", "1s");
            env.put("WORKER_POLLING_INTERVAL", "1s");
            env.put("WORKER_CONCURRENCY", "4");
            env.put("WEBHOOK_URL", receiver.url());
            env.put("WEBHOOK_SECRET", SECRET);
            env.put("WORKER_HTTP_PORT", Integer.toString(httpPort));

            try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, env, "256m", "run")) {
                long pid = daemon.pid();
                long[] heapMax = {0};
                await(() -> {
                    if (daemon.isAlive()) {
                        heapMax[0] = Math.max(heapMax[0], heapUsed(httpPort));
                    }
                    return !daemon.isAlive() || (LoadKit.approximateDepth(tasks) == 0
                            && LoadKit.approximateDepth(poison) >= corpus.size());
                }, DEADLINE, () -> "every message handled; tasks " + LoadKit.approximateDepth(tasks) + ", poison "
                        + LoadKit.approximateDepth(poison) + "; output:\n" + daemon.output());
                assertThat(daemon.isAlive()).as(daemon.output()).isTrue();
                assertThat(daemon.pid()).isEqualTo(pid);
                assertThat(LoadKit.get(httpPort, "/health/live")).isEqualTo("200 live\n");
                String metrics = LoadKit.get(httpPort, "/metrics");
                heapMax[0] = Math.max(heapMax[0], heapUsed(httpPort));

                // The good tasks all completed.
                for (String id : good) {
                    ReceivedWebhook hook = receiver.awaitTask(id, DEADLINE);
                    assertThat(hook.body().path("status").asText()).as(hook.body().toString()).isEqualTo("completed");
                }

                // Each bad one is on the poison queue with its body, a reason and an error type.
                List<JsonNode> envelopes = LoadKit.drain(poison);
                assertThat(envelopes).hasSize(corpus.size());
                Map<String, Integer> errorTypes = new java.util.TreeMap<>();
                StringBuilder table = new StringBuilder();
                for (JsonNode envelope : envelopes) {
                    Bad bad = byMessageId.get(envelope.path("message_id").asText());
                    assertThat(bad).as("envelope of an unknown message: %s", envelope).isNotNull();
                    String original = envelope.path("original_body").asText();
                    if (bad.body().length() < 60_000) {
                        assertThat(original).as(bad.name()).isEqualTo(bad.body());
                    } else {
                        assertThat(bad.body()).as(bad.name()).startsWith(original.substring(0, 1000));
                    }
                    assertThat(envelope.path("reason").asText()).as(bad.name()).isNotBlank();
                    assertThat(envelope.path("error_type").asText()).as(bad.name()).isNotBlank()
                            .isNotEqualTo("MaxDequeueCountExceeded");
                    assertThat(envelope.path("attempts").asInt()).as(bad.name() + " is a permanent failure at once")
                            .isEqualTo(1);
                    errorTypes.merge(envelope.path("error_type").asText(), 1, Integer::sum);
                    table.append(String.format("  %-24s %-28s %s%n", bad.name(), envelope.path("error_type").asText(),
                            envelope.path("reason").asText()));

                    // A failed webhook where the URL is allowed.
                    String taskId = envelope.path("task_id").asText();
                    List<ReceivedWebhook> hooks = receiver.received().stream().filter(h -> taskId.equals(h.taskId()))
                            .toList();
                    if (bad.webhookAllowed()) {
                        assertThat(hooks).as(bad.name()).isNotEmpty();
                        assertThat(hooks).allSatisfy(h -> {
                            assertThat(h.signatureValid()).isTrue();
                            assertThat(h.body().path("status").asText()).isEqualTo("failed");
                            assertThat(h.body().path("error").path("type").asText())
                                    .isEqualTo(envelope.path("error_type").asText());
                        });
                    } else {
                        assertThat(hooks).as(bad.name() + ": nothing for a refused URL").isEmpty();
                    }
                }
                System.out.println("Hostile corpus outcomes:\n" + table);

                // 169.254.169.254 is refused directly and after the redirect; nothing was sent there.
                assertThat(redirector.received()).as("the redirecting receiver got the one POST").hasSize(1);
                String log = daemon.output();
                long refusals = log.lines().filter(l -> l.contains("Webhook failed: refused")).count();
                assertThat(refusals).as(log).isEqualTo(2);
                assertThat(log.lines().filter(l -> l.contains("Webhook failed: refused")))
                        .allSatisfy(l -> assertThat(l).contains("169.254.169.254"));
                assertThat(metrics).containsPattern("queueworker_webhooks_total\\{[^}]*outcome=\"refused\"[^}]*} 2\\.0");

                // Never crashed, never out of heap.
                assertThat(log).doesNotContain("OutOfMemoryError", "Unexpected engine error");
                long heapLimit = maxHeap(metrics);
                assertThat(heapMax[0]).isLessThanOrEqualTo(heapLimit);
                figure("6", String.format(java.util.Locale.ROOT,
                        "bad=%d good=%d poisoned=%d good_completed=%d refused_webhooks=%d crashes=0 heap_used_max_mb=%d"
                                + " heap_limit_mb=%d error_types=%s",
                        corpus.size(), good.size(), envelopes.size(), good.size(), refusals, heapMax[0] >> 20,
                        heapLimit >> 20, errorTypes.toString().replace(" ", "")));
                daemon.terminate();
                assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
            }
        }
    }

    private static List<Bad> corpus(String redirectingUrl) {
        List<Bad> c = new ArrayList<>();
        c.add(new Bad("invalid-json", "{\"task_type\":\"ingest\",\"payload\":{\"filename\":\"a.txt\"", true));
        c.add(new Bad("bad-base64", "%%% not base64 %%%", true));
        c.add(new Bad("base64-not-json", Base64.getEncoder().encodeToString("this is not json".getBytes(
                StandardCharsets.UTF_8)), true));
        c.add(new Bad("json-array", "[1,2,3]", true));
        c.add(new Bad("json-null", "null", true));
        c.add(new Bad("over-max-bytes", ingest("over-max-bytes", "a.txt", "x".repeat(60_000)), true));
        c.add(new Bad("missing-task-type", "{\"task_id\":\"missing-task-type\",\"payload\":{\"filename\":\"a.txt\"}}",
                true));
        c.add(new Bad("unknown-task-type", "{\"task_id\":\"unknown-task-type\",\"task_type\":\"translate\","
                + "\"payload\":{}}", true));
        c.add(new Bad("task-type-number", "{\"task_id\":\"task-type-number\",\"task_type\":42,\"payload\":{}}", true));
        c.add(new Bad("task-type-traversal", "{\"task_id\":\"task-type-traversal\",\"task_type\":\"../ingest\","
                + "\"payload\":{}}", true));
        c.add(new Bad("payload-string", "{\"task_id\":\"payload-string\",\"task_type\":\"ingest\","
                + "\"payload\":\"filename=a.txt\"}", true));
        c.add(new Bad("task-id-object", "{\"task_id\":{\"x\":1},\"task_type\":\"ingest\",\"payload\":{}}", true));
        c.add(new Bad("missing-filename", "{\"task_id\":\"missing-filename\",\"task_type\":\"ingest\","
                + "\"payload\":{\"document_set\":\"town\"}}", true));
        c.add(new Bad("filename-number", "{\"task_id\":\"filename-number\",\"task_type\":\"ingest\","
                + "\"payload\":{\"filename\":12,\"document_set\":\"town\"}}", true));
        c.add(new Bad("document-set-array", "{\"task_id\":\"document-set-array\",\"task_type\":\"ingest\","
                + "\"payload\":{\"filename\":\"good-0.txt\",\"document_set\":[\"town\"]}}", true));
        c.add(new Bad("filename-traversal", ingest("filename-traversal", "../../etc/passwd", null), true));
        c.add(new Bad("filename-absolute", ingest("filename-absolute", "/etc/passwd", null), true));
        c.add(new Bad("filename-control-char", ingest("filename-control-char", "good-0\\u0000.txt", null), true));
        c.add(new Bad("blob-name-traversal", "{\"task_id\":\"blob-name-traversal\",\"task_type\":\"ingest\","
                + "\"payload\":{\"filename\":\"key.pem\",\"document_set\":\"town\",\"blob_name\":\"../secrets/key.pem\"}}",
                true));
        c.add(new Bad("blob-name-backslash", "{\"task_id\":\"blob-name-backslash\",\"task_type\":\"ingest\","
                + "\"payload\":{\"filename\":\"key.pem\",\"document_set\":\"town\",\"blob_name\":\"..\\\\key.pem\"}}",
                true));
        c.add(new Bad("webhook-ftp", "{\"task_id\":\"webhook-ftp\",\"task_type\":\"ingest\",\"payload\":"
                + "{\"filename\":\"good-0.txt\",\"document_set\":\"town\"},\"webhook_url\":\"ftp://example.com/x\"}",
                true));
        c.add(new Bad("missing-document", ingest("missing-document", "nowhere.txt", null), true));
        c.add(new Bad("zip-bomb", ingest("zip-bomb", "bomb.docx", null), true));
        c.add(new Bad("encrypted-pdf", ingest("encrypted-pdf", "locked.pdf", null), true));
        c.add(new Bad("zero-bytes", ingest("zero-bytes", "empty.txt", null), true));
        c.add(new Bad("mislabelled-pdf", ingest("mislabelled-pdf", "mislabelled.pdf", null), true));
        c.add(new Bad("binary-labelled-text", ingest("binary-labelled-text", "binary.txt", null), true));
        c.add(new Bad("truncated-pdf", ingest("truncated-pdf", "truncated.pdf", null), true));
        c.add(new Bad("nested-zip", ingest("nested-zip", "nested.zip", null), true));
        c.add(new Bad("over-ingest-max-bytes", ingest("over-ingest-max-bytes", "big.txt", null), true));
        c.add(new Bad("webhook-metadata", "{\"task_id\":\"webhook-metadata\",\"task_type\":\"ingest\",\"payload\":"
                + "{\"document_set\":\"town\"},\"webhook_url\":\"" + METADATA + "\"}", false));
        c.add(new Bad("webhook-metadata-redirect", "{\"task_id\":\"webhook-metadata-redirect\",\"task_type\":\"ingest\","
                + "\"payload\":{\"document_set\":\"town\"},\"webhook_url\":\"" + redirectingUrl + "\"}", false));
        return c;
    }

    /** An ingest task body; {@code padding} (nullable) pads it with an extra payload field. */
    static String ingest(String taskId, String filename, String padding) {
        return "{\"task_id\":\"" + taskId + "\",\"task_type\":\"ingest\",\"payload\":{\"filename\":\"" + filename
                + "\",\"document_set\":\"town\"" + (padding == null ? "" : ",\"padding\":\"" + padding + "\"") + "}}";
    }

    private static final Pattern HEAP = Pattern.compile("jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.E+]+)");
    private static final Pattern HEAP_MAX = Pattern.compile("jvm_memory_max_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.E+-]+)");

    private static long heapUsed(int port) {
        try {
            return sum(HEAP.matcher(LoadKit.get(port, "/metrics")));
        } catch (RuntimeException notYet) {
            return 0;
        }
    }

    private static long maxHeap(String metrics) {
        return sum(HEAP_MAX.matcher(metrics));
    }

    private static long sum(Matcher m) {
        double total = 0;
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            if (v > 0) {
                total += v;
            }
        }
        return (long) total;
    }
}
