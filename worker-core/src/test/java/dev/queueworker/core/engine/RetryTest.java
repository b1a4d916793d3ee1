package dev.queueworker.core.engine;

import static dev.queueworker.core.fixtures.TaskMessages.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.RetryableException;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.core.fixtures.EngineHarness;
import dev.queueworker.core.fixtures.WebhookReceiver.Received;
import dev.queueworker.core.fixtures.RecordingListener.RetryScheduled;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Acceptance 3: transient failures back off and retry; endless ones end in the poison queue. */
class RetryTest {
    private static final Duration POLL = Duration.ofSeconds(5);

    private final AtomicInteger flakyRuns = new AtomicInteger();
    private final AtomicInteger laterRuns = new AtomicInteger();

    @RegisterExtension
    final EngineHarness worker = EngineHarness.withHandlers(
            new TaskHandler() {
                @Override
                public String taskType() {
                    return "flaky";
                }

                @Override
                public TaskResult handle(Task task, TaskContext context) {
                    if (flakyRuns.incrementAndGet() <= 2) {
                        throw new RetryableException("upstream answered 503");
                    }
                    return TaskResult.of(TaskResult.newData().put("attempt", context.attempt()));
                }
            },
            new TaskHandler() {
                @Override
                public String taskType() {
                    return "later";
                }

                @Override
                public TaskResult handle(Task task, TaskContext context) {
                    if (laterRuns.incrementAndGet() == 1) {
                        throw new RetryableException("over today's budget", Duration.ofHours(6));
                    }
                    return TaskResult.of(TaskResult.newData().put("attempt", context.attempt()));
                }
            },
            new TaskHandler() {
                @Override
                public String taskType() {
                    return "broken";
                }

                @Override
                public TaskResult handle(Task task, TaskContext context) {
                    throw new IllegalStateException("disk on fire");
                }
            })
            .options(o -> o.maxDequeueCount(4).pollingInterval(POLL));

    @Test
    void transientFailuresRetryWithGrowingDelaysAndCompleteOnAttemptThree() {
        String id = worker.submit(aTaskMessage("flaky").taskId("flaky-1"));

        RetryScheduled first = worker.events().await(RetryScheduled.class, r -> r.task().attempt() == 1,
                Duration.ofSeconds(10));
        worker.advance(first.delay().plus(POLL));
        RetryScheduled second = worker.events().await(RetryScheduled.class, r -> r.task().attempt() == 2,
                Duration.ofSeconds(10));
        worker.advance(second.delay().plus(POLL));
        TaskResult result = worker.awaitCompleted(id);

        assertThat(result.data().get("attempt").asInt()).isEqualTo(3);
        assertThat(flakyRuns).hasValue(3);
        assertThat(first.delay()).isGreaterThanOrEqualTo(Duration.ofSeconds(8));
        assertThat(second.delay()).isGreaterThan(first.delay());
        Received hook = worker.webhooks().awaitTask(id, Duration.ofSeconds(10));
        assertThat(hook.body().get("status").asText()).isEqualTo("completed");
        assertThat(hook.body().get("attempt").asInt()).isEqualTo(3);
        assertThat(hook.signatureValid()).isTrue();
        assertThat(worker.queue().approximateDepth()).isZero();
    }

    @Test
    void aFailureThatSaysWhenToRetryIsRetriedThenInsteadOfAfterTheBackoff() {
        String id = worker.submit(aTaskMessage("later").taskId("later-1"));

        RetryScheduled retry = worker.events().await(RetryScheduled.class, r -> r.task().attempt() == 1,
                Duration.ofSeconds(10));
        worker.advance(retry.delay().plus(POLL));
        TaskResult result = worker.awaitCompleted(id);

        assertThat(retry.delay()).isEqualTo(Duration.ofHours(6));
        assertThat(result.data().get("attempt").asInt()).isEqualTo(2);
        assertThat(laterRuns).hasValue(2);
    }

    @Test
    void aTaskThatAlwaysFailsEndsInThePoisonQueueAfterTheMaxDequeueCount() {
        String id = worker.submit(aTaskMessage("broken").taskId("broken-1"));

        for (int attempt = 1; attempt < 4; attempt++) {
            int expected = attempt;
            RetryScheduled retry = worker.events().await(RetryScheduled.class,
                    r -> r.task().attempt() == expected, Duration.ofSeconds(10));
            worker.advance(retry.delay().plus(POLL));
        }
        PoisonMessage poison = worker.awaitPoisoned(id);

        assertThat(poison.attempts()).isEqualTo(4);
        assertThat(poison.errorType()).isEqualTo("IllegalStateException");
        assertThat(poison.reason()).contains("failed 4 times").contains("disk on fire");
        assertThat(poison.originalBody()).isEqualTo(aTaskMessage("broken").taskId("broken-1").toJson());
        assertThat(worker.queue().approximateDepth()).isZero();
        assertThat(worker.queue().approximatePoisonDepth()).isEqualTo(1);
        assertThat(PoisonMessage.parse(worker.queue().peekPoison(1).get(0).body())).isEqualTo(poison);

        Received hook = worker.webhooks().awaitTask(id, Duration.ofSeconds(10));
        assertThat(hook.body().get("status").asText()).isEqualTo("failed");
        assertThat(hook.body().get("error").get("type").asText()).isEqualTo("IllegalStateException");
        assertThat(hook.body().get("error").get("message").asText()).contains("disk on fire");
        assertThat(hook.signatureValid()).isTrue();
        List<RetryScheduled> retries = worker.events().events(RetryScheduled.class);
        assertThat(retries).hasSize(3);
        assertThat(retries.get(1).delay()).isGreaterThan(retries.get(0).delay());
        assertThat(retries.get(2).delay()).isGreaterThan(retries.get(1).delay());
    }
}
