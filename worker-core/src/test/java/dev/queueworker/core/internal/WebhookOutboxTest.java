package dev.queueworker.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.TaskStatus;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookDelivery.Outcome;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.core.fixtures.ForwardingQueue;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import dev.queueworker.core.WorkerListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Outcomes delivered now or kept on the queue as {@code queue-worker.webhook} messages. */
class WebhookOutboxTest {
    private static final Duration FIRST_RETRY = Duration.ofSeconds(10);

    private final ManualScheduler time = new ManualScheduler();
    private final InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
    private final Deque<Object> answers = new ArrayDeque<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WebhookOutbox outbox = new WebhookOutbox(event -> {
        Object next = answers.poll();
        if (next instanceof RuntimeException e) {
            throw e;
        }
        return (WebhookDelivery) next;
    }, queue, "southhaven", FIRST_RETRY, time.clock(), new WorkerMetrics(meters), WorkerListener.NONE,
            LoggerFactory.getLogger(WebhookOutboxTest.class));

    @Test
    void aDeliveredOutcomeLeavesNothingOnTheQueue() {
        answers.add(new WebhookDelivery(Outcome.DELIVERED, 200, 1, "HTTP 200"));

        assertThat(outbox.send(event()).outcome()).isEqualTo(Outcome.DELIVERED);

        assertThat(queue.approximateDepth()).isZero();
        assertThat(meters.get("queueworker.webhooks").tag("outcome", "delivered").counter().count()).isEqualTo(1.0);
    }

    @Test
    void anOutcomeTheReceiverCannotTakeNowIsKeptOnTheQueueAfterTheFirstRetryDelay() {
        answers.add(new WebhookDelivery(Outcome.RETRY_LATER, 503, 3, "HTTP 503"));
        WebhookEvent event = event();

        outbox.send(event);

        assertThat(queue.receive(1, Duration.ofSeconds(30))).as("not before the delay").isEmpty();
        time.advance(FIRST_RETRY);
        List<QueueMessage> kept = queue.receive(1, Duration.ofSeconds(30));
        assertThat(kept).hasSize(1);
        assertThat(kept.get(0).body()).isEqualTo(WebhookOutbox.storedMessage(event));
        MessageCodec.Decoded decoded = new MessageCodec(65536).decode(kept.get(0));
        assertThat(decoded.taskType()).isEqualTo("queue-worker.webhook");
        WebhookEvent read = WebhookOutbox.readStored(decoded.payload());
        assertThat(read.webhookId()).isEqualTo(event.webhookId());
        assertThat(read.taskId()).isEqualTo("t-1");
        assertThat(read.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(read.url()).isEqualTo(event.url());
    }

    @Test
    void aNotifierThatThrowsCountsAsRetryLater() {
        answers.add(new IllegalStateException("connection pool shut down"));

        WebhookDelivery delivery = outbox.send(event());

        assertThat(delivery.outcome()).isEqualTo(Outcome.RETRY_LATER);
        assertThat(delivery.detail()).contains("connection pool shut down");
        assertThat(queue.approximateDepth()).isEqualTo(1);
    }

    @Test
    void aRefusedOutcomeIsNotKeptOnTheQueue() {
        answers.add(new WebhookDelivery(Outcome.REFUSED, 0, 0, "refused: 169.254.169.254 is link-local"));

        assertThat(outbox.send(event()).outcome()).isEqualTo(Outcome.REFUSED);

        assertThat(queue.approximateDepth()).as("the caller keeps it on the poison queue").isZero();
    }

    @Test
    void whenTheQueueCannotKeepItTheTaskMustRunAgain() {
        WebhookOutbox broken = new WebhookOutbox(e -> new WebhookDelivery(Outcome.RETRY_LATER, 0, 1, "down"),
                new FailingSends(time), "c", FIRST_RETRY, time.clock(), new WorkerMetrics(meters), WorkerListener.NONE,
                LoggerFactory.getLogger(WebhookOutboxTest.class));

        assertThatThrownBy(() -> broken.send(event())).isInstanceOf(RetryableException.class);
    }

    /** A queue whose sends fail as in an outage. */
    private static final class FailingSends extends ForwardingQueue {
        FailingSends(ManualScheduler time) {
            super(new InMemoryQueueProvider(time.clock()));
        }

        @Override
        public String send(String body, Duration initialDelay) {
            throw new RetryableException("queue unavailable");
        }
    }

    private WebhookEvent event() {
        return new WebhookEvent("msg_1", "http://127.0.0.1:9/hook", "t-1", "echo", "southhaven", TaskStatus.COMPLETED,
                null, null, 1, time.now(), time.now());
    }
}
