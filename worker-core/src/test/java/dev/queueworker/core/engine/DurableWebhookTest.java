package dev.queueworker.core.engine;

import static dev.queueworker.core.fixtures.TaskMessages.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import dev.queueworker.core.OkHttpWebhookNotifier;
import dev.queueworker.core.WebhookSignature;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.core.fixtures.EngineHarness;
import dev.queueworker.core.fixtures.WebhookReceiver;
import dev.queueworker.core.fixtures.WebhookReceiver.Received;
import dev.queueworker.core.fixtures.RecordingListener;
import dev.queueworker.core.fixtures.RecordingListener.Completed;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Acceptance 6: outcomes survive a receiver outage and a worker restart; signatures verify. */
class DurableWebhookTest {
    private static final String SECRET = EngineHarness.WEBHOOK_SECRET;
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void outcomesAreDeliveredAfterTheReceiverComesBackEvenAcrossAWorkerRestart() throws Exception {
        ManualScheduler time = new ManualScheduler();
        InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET)) {
            receiver.stop();
            RecordingListener events = new RecordingListener();
            for (int i = 0; i < 5; i++) {
                queue.send(aTaskMessage("echo").taskId("t-" + i).payload("text", "n" + i).toJson(), Duration.ZERO);
            }
            Worker first = worker(queue, time, receiver, events);
            events.awaitCount(Completed.class, 5, WAIT);
            // The tasks are done and deleted; their outcomes wait on the queue.
            assertThat(queue.approximateDepth()).isEqualTo(5);
            first.close();

            receiver.restart();
            RecordingListener laterEvents = new RecordingListener();
            try (Worker second = worker(queue, time, receiver, laterEvents)) {
                assertThat(second.awaitPollerWaiting(WAIT)).isTrue();
                time.advance(Duration.ofSeconds(30), Duration.ofSeconds(1));
                List<Received> hooks = receiver.awaitCount(5, WAIT);

                assertThat(hooks).extracting(Received::taskId)
                        .containsExactlyInAnyOrder("t-0", "t-1", "t-2", "t-3", "t-4");
                assertThat(hooks).allSatisfy(h -> {
                    assertThat(h.signatureValid()).isTrue();
                    assertThat(WebhookSignature.verify(SECRET, h.webhookId(), h.timestamp(),
                            h.signature(), h.rawBody())).isTrue();
                    assertThat(h.body().get("status").asText()).isEqualTo("completed");
                    assertThat(h.body().get("client_id").asText()).isEqualTo("durable");
                });
                assertThat(laterEvents.events(Completed.class)).as("no task ran twice").isEmpty();
                awaitDepth(queue, 0);
            }
        }
    }

    @Test
    void repeatedDeliveriesOfOneOutcomeShareTheirWebhookId() throws Exception {
        ManualScheduler time = new ManualScheduler();
        InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET)) {
            receiver.respondWith(500, 503, 500, 502);
            RecordingListener events = new RecordingListener();
            queue.send(aTaskMessage("echo").taskId("again").toJson(), Duration.ZERO);
            try (Worker worker = worker(queue, time, receiver, events)) {
                events.awaitCount(Completed.class, 1, WAIT);
                assertThat(worker.awaitPollerWaiting(WAIT)).isTrue();
                time.advance(Duration.ofSeconds(30), Duration.ofSeconds(1));
                List<Received> hooks = receiver.awaitCount(5, WAIT);

                assertThat(hooks).extracting(Received::responseStatus).containsExactly(500, 503, 500, 502, 200);
                Map<String, Long> ids = hooks.stream()
                        .collect(Collectors.groupingBy(Received::webhookId, Collectors.counting()));
                assertThat(ids).hasSize(1);
                assertThat(ids.keySet().iterator().next()).startsWith("msg_");
                assertThat(hooks).allMatch(Received::signatureValid);
                awaitDepth(queue, 0);
            }
        }
    }

    private static Worker worker(InMemoryQueueProvider queue, ManualScheduler time, WebhookReceiver receiver,
            RecordingListener events) {
        return Worker.builder().queue(queue).handler(new EchoHandler()).scheduler(time).listener(events)
                .notifier(OkHttpWebhookNotifier.builder().secret(SECRET).initialBackoff(Duration.ofMillis(5))
                        .connectTimeout(Duration.ofSeconds(1)).build())
                .options(WorkerOptions.builder().clientId("durable").defaultWebhookUrl(receiver.url())
                        .retryBaseDelay(Duration.ofSeconds(10)).pollingInterval(Duration.ofSeconds(2))
                        .shutdownTimeout(Duration.ofSeconds(5)).build())
                .build().start();
    }

    private static void awaitDepth(InMemoryQueueProvider queue, long depth) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (queue.approximateDepth() != depth) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("queue depth stayed " + queue.approximateDepth() + ", expected " + depth);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
    }
}
