package dev.queueworker.test;

import dev.queueworker.api.TaskHandler;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import dev.queueworker.core.OkHttpWebhookNotifier;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives each test a running {@link Worker} on an in-memory queue, a
 * manual clock, an in-memory document store and a {@link RecordingWebhookReceiver} that checks
 * signatures; everything is new for each test and closed after it.
 *
 * <pre>{@code
 * class EchoHandlerTest {
 *     @RegisterExtension
 *     final QueueWorkerExtension worker = QueueWorkerExtension.withHandlers(new EchoHandler()).build();
 *
 *     @Test
 *     void echoes() {
 *         String id = worker.submit(aTaskMessage("echo").payload("text", "hi"));
 *         assertThat(worker.awaitCompleted(id).data().get("text").asText()).isEqualTo("hi");
 *         assertThat(worker.webhooks().awaitTask(id, Duration.ofSeconds(5)).signatureValid()).isTrue();
 *     }
 * }
 * }</pre>
 *
 * <p>Time stands still unless the test moves it: {@link #submit(String)} advances one polling
 * interval so the idle worker picks the message up, and a task that fails transiently is retried
 * only once the test has {@linkplain #advance(Duration) advanced} past its backoff.
 */
public final class QueueWorkerExtension implements BeforeEachCallback, AfterEachCallback {

    /** The webhook secret the extension signs with and the receiver checks. */
    public static final String WEBHOOK_SECRET = "whsec_dGVzdC1zZWNyZXQtZm9yLXF1ZXVlLXdvcmtlci10ZXN0cw==";

    private final List<TaskHandler> handlers;
    private final Consumer<WorkerOptions.Builder> options;
    private final Duration timeout;

    private ManualScheduler time;
    private InMemoryQueueProvider queue;
    private InMemoryDocumentStore documents;
    private RecordingWebhookReceiver webhooks;
    private RecordingWorkerListener events;
    private SimpleMeterRegistry meters;
    private Worker worker;

    private QueueWorkerExtension(Builder builder) {
        this.handlers = List.copyOf(builder.handlers);
        this.options = builder.options;
        this.timeout = builder.timeout;
    }

    /** Starts building an extension that runs {@code handlers}. */
    public static Builder withHandlers(TaskHandler... handlers) {
        Builder builder = new Builder();
        for (TaskHandler handler : handlers) {
            builder.handlers.add(Objects.requireNonNull(handler, "'handler' cannot be null."));
        }
        return builder;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        time = new ManualScheduler();
        queue = new InMemoryQueueProvider(time.clock());
        documents = new InMemoryDocumentStore();
        webhooks = RecordingWebhookReceiver.start(WEBHOOK_SECRET);
        events = new RecordingWorkerListener();
        meters = new SimpleMeterRegistry();
        WorkerOptions.Builder opts = WorkerOptions.builder()
                .clientId("test")
                .defaultWebhookUrl(webhooks.url())
                .shutdownTimeout(Duration.ofSeconds(5));
        options.accept(opts);
        worker = Worker.builder()
                .queue(queue)
                .handlers(handlers)
                .documents(documents)
                .notifier(OkHttpWebhookNotifier.builder().secret(WEBHOOK_SECRET)
                        .initialBackoff(Duration.ofMillis(10)).build())
                .options(opts.build())
                .scheduler(time)
                .meterRegistry(meters)
                .listener(events)
                .build()
                .start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (worker != null) {
                worker.close();
            }
        } finally {
            if (webhooks != null) {
                webhooks.close();
            }
        }
    }

    /** Puts a message on the queue; returns its task id (the builder's, else the queue message id). */
    public String submit(TaskMessageBuilder message) {
        return submit(message.toJson());
    }

    /**
     * Puts a raw body on the queue, for malformed messages too, then advances the clock by one
     * polling interval so that the idle worker's next receive runs and takes it.
     *
     * @return the body's {@code task_id} when it has one, else the queue message id
     */
    public String submit(String body) {
        String messageId = queue.send(body, Duration.ZERO);
        advance(worker.options().pollingInterval());
        String taskId = taskIdOf(body);
        return taskId != null ? taskId : messageId;
    }

    /** Waits for the task to complete and returns its result. */
    public dev.queueworker.api.TaskResult awaitCompleted(String taskId) {
        return events.awaitCompleted(taskId, timeout);
    }

    /** Waits for the task's message to reach the poison queue and returns the envelope. */
    public PoisonMessage awaitPoisoned(String taskId) {
        return events.awaitPoisoned(taskId, timeout);
    }

    /** Moves the manual clock forward, running polls, lease renewals and retries that fall due. */
    public void advance(Duration duration) {
        try {
            if (!worker.awaitPollerWaiting(timeout)) {
                throw new AssertionError("the worker kept receiving for " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        time.advance(duration);
    }

    public Worker worker() {
        return worker;
    }

    public InMemoryQueueProvider queue() {
        return queue;
    }

    public InMemoryDocumentStore documents() {
        return documents;
    }

    public ManualScheduler time() {
        return time;
    }

    public RecordingWebhookReceiver webhooks() {
        return webhooks;
    }

    public RecordingWorkerListener events() {
        return events;
    }

    public SimpleMeterRegistry meters() {
        return meters;
    }

    /** The body's task_id, for plain and Base64 bodies alike; null when there is none. */
    private static String taskIdOf(String body) {
        String json = body;
        if (!body.stripLeading().startsWith("{")) {
            try {
                json = new String(java.util.Base64.getDecoder().decode(body.strip()),
                        java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        try {
            com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            com.fasterxml.jackson.databind.JsonNode id = node == null ? null : node.get("task_id");
            return id != null && id.isTextual() ? id.textValue() : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    /** Configures a {@link QueueWorkerExtension}. */
    public static final class Builder {
        private final List<TaskHandler> handlers = new ArrayList<>();
        private Consumer<WorkerOptions.Builder> options = o -> { };
        private Duration timeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /** Adjusts the worker's options; the default webhook URL already points at the receiver. */
        public Builder options(Consumer<WorkerOptions.Builder> options) {
            this.options = Objects.requireNonNull(options, "'options' cannot be null.");
            return this;
        }

        /** How long the await methods wait, in real time. Default 10 s. */
        public Builder awaitTimeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "'timeout' cannot be null.");
            return this;
        }

        public QueueWorkerExtension build() {
            return new QueueWorkerExtension(this);
        }
    }
}
