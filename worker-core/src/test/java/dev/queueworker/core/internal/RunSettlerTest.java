package dev.queueworker.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookDelivery.Outcome;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.core.WorkerListener;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.core.internal.Decision.Poison;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Decisions carried out on the in-memory queue: what ends where, and what is counted. */
class RunSettlerTest {
    private static final String BODY = "{\"task_id\":\"t-1\",\"task_type\":\"echo\",\"webhook_url\":\"http://169.254.169.254/\"}";

    private final ManualScheduler time = new ManualScheduler();
    private final InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private WebhookDelivery answer = new WebhookDelivery(Outcome.DELIVERED, 200, 1, "HTTP 200");
    private final WorkerOptions options = WorkerOptions.builder().clientId("southhaven").build();
    private final WorkerMetrics metrics = new WorkerMetrics(meters);
    private final RunSettler settler = new RunSettler(queue,
            new WebhookOutbox(e -> answer, queue, "southhaven", Duration.ofSeconds(10), time.clock(), metrics,
                    WorkerListener.NONE, LoggerFactory.getLogger(RunSettlerTest.class)),
            new OutcomePolicy(options, () -> 0), "southhaven", 5, time.clock(), metrics, WorkerListener.NONE,
            LoggerFactory.getLogger(RunSettlerTest.class));

    @Test
    void aDeliveredOutcomeDeletesTheMessage() {
        Run run = received();

        settler.complete(run, task(run), TaskResult.empty(), Duration.ofSeconds(1));

        assertThat(queue.approximateDepth()).isZero();
        assertThat(queue.approximatePoisonDepth()).isZero();
        assertThat(meters.get("queueworker.tasks").tag("outcome", "completed").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aRefusedOutcomeIsKeptOnThePoisonQueueAsTheWebhookToRequeue() throws Exception {
        answer = new WebhookDelivery(Outcome.REFUSED, 0, 0, "refused: 169.254.169.254 is link-local");
        Run run = received();

        settler.complete(run, task(run), TaskResult.of(TaskResult.newData().put("chunks", 42)), Duration.ofSeconds(1));

        assertThat(queue.approximateDepth()).isZero();
        PoisonMessage kept = PoisonMessage.parse(queue.peekPoison(1).get(0).body());
        assertThat(kept.errorType()).isEqualTo("WebhookRejected");
        assertThat(kept.reason()).isEqualTo("webhook refused: refused: 169.254.169.254 is link-local");
        assertThat(kept.taskId()).isEqualTo("t-1");
        assertThat(kept.taskType()).isEqualTo("queue-worker.webhook");
        JsonNode outcome = new ObjectMapper().readTree(kept.originalBody());
        assertThat(outcome.get("task_type").asText()).isEqualTo("queue-worker.webhook");
        assertThat(outcome.toString()).contains("\"completed\"").contains("42");
        assertThat(meters.get("queueworker.poisoned").tag("error_type", "WebhookRejected").counter().count())
                .isEqualTo(1.0);
        assertThat(meters.get("queueworker.tasks").tag("outcome", "completed").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aRetryReleasesTheMessageForTheDelay() {
        Run run = received();

        settler.retry(run, task(run), new IllegalStateException("boom"), new Decision.Retry(Duration.ofSeconds(20)),
                Duration.ofSeconds(1));

        assertThat(queue.receive(1, Duration.ofSeconds(30))).isEmpty();
        time.advance(Duration.ofSeconds(20));
        List<QueueMessage> again = queue.receive(1, Duration.ofSeconds(30));
        assertThat(again).hasSize(1);
        assertThat(again.get(0).dequeueCount()).isEqualTo(2);
    }

    @Test
    void aPoisonedTaskKeepsItsBodyAndSaysWhyItsFailedWebhookWasNotTaken() {
        answer = new WebhookDelivery(Outcome.REJECTED, 410, 1, "HTTP 410");
        Run run = received();

        settler.poison(run, TaskRef.of(task(run)), new Poison("payload.text: is required", "InvalidTaskException"));

        PoisonMessage poison = PoisonMessage.parse(queue.peekPoison(1).get(0).body());
        assertThat(poison.originalBody()).isEqualTo(BODY);
        assertThat(poison.reason()).isEqualTo("payload.text: is required; the failed webhook was not taken: "
                + "webhook rejected: HTTP 410");
        assertThat(queue.approximatePoisonDepth()).as("one envelope, not two").isEqualTo(1);
    }

    @Test
    void aRunWhoseLeaseWasLostIsLeftAloneAndCounted() {
        Run run = received();
        queue.release(run.receipt(), Duration.ZERO);
        queue.receive(1, Duration.ofSeconds(30)); // another worker holds it now

        settler.complete(run, task(run), TaskResult.empty(), Duration.ofSeconds(1));

        assertThat(queue.approximateDepth()).isEqualTo(1);
        assertThat(meters.get("queueworker.tasks").tag("outcome", "lease_lost").counter().count()).isEqualTo(1.0);
    }

    private Run received() {
        queue.send(BODY, Duration.ZERO);
        QueueMessage message = queue.receive(1, Duration.ofSeconds(30)).get(0);
        return new Run(message, time.now(), r -> new RunContext(1, new InMemoryDocumentStore(), time.clock(),
                (f, t) -> { }));
    }

    private Task task(Run run) {
        Task task = new Task("t-1", "echo", new ObjectMapper().createObjectNode(), "http://169.254.169.254/", 1,
                run.message.insertedAt(), run.message.messageId());
        run.ref(TaskRef.of(task));
        return task;
    }
}
