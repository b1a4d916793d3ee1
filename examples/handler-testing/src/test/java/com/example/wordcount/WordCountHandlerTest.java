package com.example.wordcount;

import static dev.queueworker.test.TaskMessageBuilder.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queueworker.api.CancellationReason;
import dev.queueworker.api.DocumentNotFoundException;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.TaskCancelledException;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import dev.queueworker.core.PoisonMessage;
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

class WordCountHandlerTest {

    private static final Duration WEBHOOK_WAIT = Duration.ofSeconds(10);

    private final WordCountHandler handler = new WordCountHandler();

    /** Stores a UTF-8 text document, as a frontend's upload would. */
    private static void putText(DocumentStore documents, String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        documents.put(name, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }

    /** (a) Calling the handler directly: fast, no engine, no threads. */
    @Nested
    class Directly {

        private final TestTaskContext context = new TestTaskContext();

        private TaskResult count(String filename) throws Exception {
            return handler.handle(TestTasks.aTask("word-count").payload("filename", filename).build(), context);
        }

        @Test
        void countsWordsAndLines() throws Exception {
            putText(context.documents(), "notes/a.txt", "the quick brown fox\njumps over\n\nthe lazy dog\n");

            TaskResult result = count("notes/a.txt");

            assertThat(result.data().get("filename").asText()).isEqualTo("notes/a.txt");
            assertThat(result.data().get("words").asLong()).isEqualTo(9);
            assertThat(result.data().get("lines").asLong()).isEqualTo(4);
        }

        @Test
        void countsALastLineWithoutNewlineAndAnyWhitespace() throws Exception {
            putText(context.documents(), "mixed.txt", "  Grüße,\tWelt!\r\nçà  va ?\r\nlast line");

            TaskResult result = count("mixed.txt");

            assertThat(result.data().get("words").asLong()).isEqualTo(7);
            assertThat(result.data().get("lines").asLong()).isEqualTo(3);
        }

        @Test
        void anEmptyDocumentHasNoWordsAndNoLines() throws Exception {
            putText(context.documents(), "empty.txt", "");

            TaskResult result = count("empty.txt");

            assertThat(result.data().get("words").asLong()).isZero();
            assertThat(result.data().get("lines").asLong()).isZero();
        }

        @Test
        void streamsALargeDocumentAndReportsProgress() throws Exception {
            int lines = 50_000; // about 1.2 MB: many read buffers
            putText(context.documents(), "big.txt", "one two three four five\n".repeat(lines));

            TaskResult result = count("big.txt");

            assertThat(result.data().get("words").asLong()).isEqualTo(5L * lines);
            assertThat(result.data().get("lines").asLong()).isEqualTo(lines);
            assertThat(context.progress()).hasSizeGreaterThan(2);
            assertThat(context.progress()).extracting(TestTaskContext.Progress::fraction)
                    .isSorted()
                    .allSatisfy(f -> assertThat(f).isBetween(0.0, 1.0))
                    .startsWith(0.0)
                    .endsWith(1.0);
        }

        @Test
        void aMissingDocumentIsAPermanentFailure() {
            assertThatThrownBy(() -> count("missing.txt"))
                    .isInstanceOf(DocumentNotFoundException.class)
                    .isInstanceOf(PermanentException.class)
                    .hasMessage("document not found: missing.txt");
        }

        @Test
        void theFilenameIsRequired() {
            assertThatThrownBy(() -> handler.handle(TestTasks.aTask("word-count").build(), context))
                    .isInstanceOfSatisfying(InvalidTaskException.class,
                            e -> assertThat(e.field()).isEqualTo("payload.filename"))
                    .hasMessage("payload.filename: is required");
        }

        @Test
        void aDocumentOverMaxBytesIsAPermanentFailure() {
            putText(context.documents(), "long.txt", "0123456789"); // 10 bytes

            assertThatThrownBy(() -> handler.handle(TestTasks.aTask("word-count")
                            .payload("filename", "long.txt").payload("max_bytes", 9).build(), context))
                    .isInstanceOf(PermanentException.class)
                    .hasMessage("document long.txt is larger than max_bytes: 10 > 9 bytes");
        }

        @Test
        void aDocumentOfExactlyMaxBytesIsCounted() throws Exception {
            putText(context.documents(), "long.txt", "0123456789");

            TaskResult result = handler.handle(TestTasks.aTask("word-count")
                    .payload("filename", "long.txt").payload("max_bytes", 10).build(), context);

            assertThat(result.data().get("words").asLong()).isEqualTo(1);
        }

        @Test
        void maxBytesMustBeAPositiveWholeNumber() {
            putText(context.documents(), "a.txt", "a");

            assertThatThrownBy(() -> handler.handle(TestTasks.aTask("word-count")
                            .payload("filename", "a.txt").payload("max_bytes", "lots").build(), context))
                    .isInstanceOfSatisfying(InvalidTaskException.class,
                            e -> assertThat(e.field()).isEqualTo("payload.max_bytes"));
            assertThatThrownBy(() -> handler.handle(TestTasks.aTask("word-count")
                            .payload("filename", "a.txt").payload("max_bytes", 0).build(), context))
                    .isInstanceOfSatisfying(InvalidTaskException.class,
                            e -> assertThat(e.field()).isEqualTo("payload.max_bytes"));
        }

        @Test
        void stopsWhenCancelled() {
            putText(context.documents(), "a.txt", "some words");
            context.cancel(CancellationReason.SHUTDOWN);

            assertThatThrownBy(() -> count("a.txt"))
                    .isInstanceOfSatisfying(TaskCancelledException.class,
                            e -> assertThat(e.reason()).isEqualTo(CancellationReason.SHUTDOWN));
        }

        @Test
        void isFoundByServiceLoaderAsTheDaemonWouldFindIt() {
            assertThat(ServiceLoader.load(TaskHandler.class).stream().map(ServiceLoader.Provider::get))
                    .anySatisfy(h -> {
                        assertThat(h).isInstanceOf(WordCountHandler.class);
                        assertThat(h.taskType()).isEqualTo("word-count");
                    });
        }
    }

    /** (b) Through a real engine: in-memory queue, manual clock, signed webhooks to a local receiver. */
    @Nested
    class ThroughTheEngine {

        @RegisterExtension
        final QueueWorkerExtension worker = QueueWorkerExtension.withHandlers(new WordCountHandler()).build();

        @Test
        void completesAndSendsASignedWebhook() {
            putText(worker.documents(), "reports/q1.txt", "revenue up\ncosts down\n");

            String id = worker.submit(aTaskMessage("word-count").taskId("wc-1").payload("filename", "reports/q1.txt"));

            assertThat(id).isEqualTo("wc-1");
            TaskResult result = worker.awaitCompleted(id);
            assertThat(result.data().get("words").asLong()).isEqualTo(4);
            assertThat(result.data().get("lines").asLong()).isEqualTo(2);

            ReceivedWebhook webhook = worker.webhooks().awaitTask(id, WEBHOOK_WAIT);
            assertThat(webhook.signatureValid()).isTrue();
            assertThat(webhook.body().path("status").asText()).isEqualTo("completed");
            assertThat(webhook.body().path("task_type").asText()).isEqualTo("word-count");
            JsonNode body = webhook.body().path("result");
            assertThat(body.path("filename").asText()).isEqualTo("reports/q1.txt");
            assertThat(body.path("words").asLong()).isEqualTo(4);
            assertThat(body.path("lines").asLong()).isEqualTo(2);
            assertThat(worker.queue().approximateDepth()).isZero();
        }

        @Test
        void acceptsABase64Body() {
            putText(worker.documents(), "a.txt", "hello world");

            String id = worker.submit(aTaskMessage("word-count").taskId("wc-b64").payload("filename", "a.txt")
                    .toBase64());

            assertThat(id).isEqualTo("wc-b64");
            assertThat(worker.awaitCompleted(id).data().get("words").asLong()).isEqualTo(2);
            assertThat(worker.webhooks().awaitTask(id, WEBHOOK_WAIT).signatureValid()).isTrue();
        }

        @Test
        void aMissingDocumentGoesToThePoisonQueueWithAFailedWebhook() {
            String id = worker.submit(aTaskMessage("word-count").taskId("wc-missing").payload("filename", "nope.txt"));

            PoisonMessage poison = worker.awaitPoisoned(id);
            assertThat(poison.reason()).isEqualTo("document not found: nope.txt");
            assertThat(poison.errorType()).isEqualTo("DocumentNotFoundException");
            assertThat(poison.attempts()).isEqualTo(1);
            assertThat(worker.queue().approximatePoisonDepth()).isEqualTo(1);

            ReceivedWebhook webhook = worker.webhooks().awaitTask(id, WEBHOOK_WAIT);
            assertThat(webhook.signatureValid()).isTrue();
            assertThat(webhook.body().path("status").asText()).isEqualTo("failed");
            assertThat(webhook.body().path("result").isNull()).isTrue();
            assertThat(webhook.body().path("error").path("type").asText()).isEqualTo("DocumentNotFoundException");
            assertThat(webhook.body().path("error").path("message").asText()).isEqualTo("document not found: nope.txt");
        }

        @Test
        void aDocumentOverMaxBytesIsPoisonedWithTheReason() {
            putText(worker.documents(), "long.txt", "0123456789");

            String id = worker.submit(aTaskMessage("word-count").taskId("wc-big")
                    .payload("filename", "long.txt").payload("max_bytes", 4));

            assertThat(worker.awaitPoisoned(id).reason())
                    .isEqualTo("document long.txt is larger than max_bytes: 10 > 4 bytes");
            assertThat(worker.webhooks().awaitTask(id, WEBHOOK_WAIT).body().path("status").asText())
                    .isEqualTo("failed");
        }

        @Test
        void aMessageWithoutFilenameIsPoisonedNamingTheField() {
            String id = worker.submit(aTaskMessage("word-count").taskId("wc-nofile"));

            assertThat(worker.awaitPoisoned(id).reason()).isEqualTo("payload.filename: is required");
            assertThat(worker.webhooks().awaitTask(id, WEBHOOK_WAIT).body().path("error").path("type").asText())
                    .isEqualTo("InvalidTaskException");
        }
    }
}
