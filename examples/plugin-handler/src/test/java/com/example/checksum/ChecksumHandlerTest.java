package com.example.checksum;

import static dev.queueworker.test.TaskMessageBuilder.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.DocumentNotFoundException;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import dev.queueworker.test.QueueWorkerExtension;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import dev.queueworker.test.TestTaskContext;
import dev.queueworker.test.TestTasks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ChecksumHandlerTest {

    // SHA-256 of "abc", from FIPS 180-2's test vectors.
    static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    static void put(DocumentStore documents, String name, byte[] bytes) {
        documents.put(name, new ByteArrayInputStream(bytes), bytes.length, "application/octet-stream");
    }

    /** The handler called directly with the test kit's context: no engine, no threads. */
    @Nested
    class Directly {

        final TestTaskContext context = new TestTaskContext();
        final ChecksumHandler handler = new ChecksumHandler();

        TaskResult checksum(String filename, String expected) throws Exception {
            TestTasks task = TestTasks.aTask("checksum").payload("filename", filename);
            if (expected != null) {
                task.payload("expected_sha256", expected);
            }
            return handler.handle(task.build(), context);
        }

        @Test
        void computesTheSha256() throws Exception {
            put(context.documents(), "a.txt", "abc".getBytes(StandardCharsets.UTF_8));

            TaskResult result = checksum("a.txt", null);

            assertThat(result.data().get("sha256").asText()).isEqualTo(ABC_SHA256);
            assertThat(result.data().get("bytes").asLong()).isEqualTo(3);
            assertThat(result.data().has("matches")).isFalse();
        }

        @Test
        void streamsALargeDocumentReportingProgressInTenths() throws Exception {
            byte[] big = new byte[3 * 1024 * 1024 + 17];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            put(context.documents(), "big.bin", big);

            TaskResult result = checksum("big.bin", null);

            assertThat(result.data().get("bytes").asLong()).isEqualTo(big.length);
            assertThat(context.progress()).hasSizeBetween(2, 10);
            assertThat(context.progress()).extracting(TestTaskContext.Progress::fraction).isSorted().endsWith(1.0);
        }

        @Test
        void acceptsTheExpectedDigestInAnyCase() throws Exception {
            put(context.documents(), "a.txt", "abc".getBytes(StandardCharsets.UTF_8));

            TaskResult result = checksum("a.txt", ABC_SHA256.toUpperCase());

            assertThat(result.data().get("matches").asBoolean()).isTrue();
        }

        @Test
        void aMismatchIsPermanent() {
            put(context.documents(), "a.txt", "abd".getBytes(StandardCharsets.UTF_8));

            assertThatThrownBy(() -> checksum("a.txt", ABC_SHA256))
                    .isInstanceOf(PermanentException.class)
                    .hasMessageStartingWith("checksum mismatch for a.txt: expected " + ABC_SHA256 + ", was ");
        }

        @Test
        void aMalformedExpectedDigestIsAnInvalidTask() {
            assertThatThrownBy(() -> checksum("a.txt", "abc123"))
                    .isInstanceOfSatisfying(InvalidTaskException.class,
                            e -> assertThat(e.field()).isEqualTo("payload.expected_sha256"));
        }

        @Test
        void aMissingDocumentIsPermanent() {
            assertThatThrownBy(() -> checksum("missing.bin", null))
                    .isInstanceOf(DocumentNotFoundException.class)
                    .hasMessage("document not found: missing.bin");
        }

        @Test
        void isFoundByServiceLoaderAsTheDaemonFindsIt() {
            assertThat(ServiceLoader.load(TaskHandler.class).stream().map(ServiceLoader.Provider::get))
                    .anySatisfy(h -> assertThat(h.taskType()).isEqualTo("checksum"));
        }
    }

    /** Through a real engine on the in-memory queue, with signed webhooks to a local receiver. */
    @Nested
    class ThroughTheEngine {

        @RegisterExtension
        final QueueWorkerExtension worker = QueueWorkerExtension.withHandlers(new ChecksumHandler()).build();

        @Test
        void completesWithASignedWebhook() {
            put(worker.documents(), "uploads/a.txt", "abc".getBytes(StandardCharsets.UTF_8));

            String id = worker.submit(aTaskMessage("checksum").taskId("sum-1")
                    .payload("filename", "uploads/a.txt").payload("expected_sha256", ABC_SHA256));

            ReceivedWebhook webhook = worker.webhooks().awaitTask(id, Duration.ofSeconds(10));
            assertThat(webhook.signatureValid()).isTrue();
            assertThat(webhook.body().path("status").asText()).isEqualTo("completed");
            assertThat(webhook.body().path("result").path("sha256").asText()).isEqualTo(ABC_SHA256);
            assertThat(webhook.body().path("result").path("matches").asBoolean()).isTrue();
        }

        @Test
        void aMismatchGoesToThePoisonQueueWithAFailedWebhook() {
            put(worker.documents(), "uploads/a.txt", "tampered".getBytes(StandardCharsets.UTF_8));

            String id = worker.submit(aTaskMessage("checksum").taskId("sum-2")
                    .payload("filename", "uploads/a.txt").payload("expected_sha256", ABC_SHA256));

            assertThat(worker.awaitPoisoned(id).reason()).startsWith("checksum mismatch for uploads/a.txt");
            ReceivedWebhook webhook = worker.webhooks().awaitTask(id, Duration.ofSeconds(10));
            assertThat(webhook.body().path("status").asText()).isEqualTo("failed");
            assertThat(webhook.body().path("error").path("type").asText()).isEqualTo("PermanentException");
        }
    }
}
