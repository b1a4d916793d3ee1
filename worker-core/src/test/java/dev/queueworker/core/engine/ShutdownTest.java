package dev.queueworker.core.engine;

import static dev.queueworker.core.fixtures.TaskMessages.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.CancellationReason;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.core.fixtures.RecordingListener;
import dev.queueworker.core.fixtures.RecordingListener.Completed;
import dev.queueworker.core.fixtures.RecordingListener.Released;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Acceptance 5: shutdown drains what finishes in time and releases the rest, never deleting it. */
class ShutdownTest {
    private static final Duration DRAIN = Duration.ofSeconds(20);

    @Test
    void tasksFinishingWithinTheDrainCompleteAndTheRestAreReleasedAtOnceNotDeleted() throws Exception {
        ManualScheduler time = new ManualScheduler();
        InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
        BlockingHandler handler = new BlockingHandler();
        RecordingListener events = new RecordingListener();
        for (String name : List.of("quick-1", "quick-2", "slow-1", "slow-2")) {
            queue.send(aTaskMessage("block").taskId(name).payload("name", name).toJson(), Duration.ZERO);
        }
        Worker worker = Worker.builder().queue(queue).handler(handler).scheduler(time).listener(events)
                .notifier(WebhookNotifier.NONE)
                .options(WorkerOptions.builder().maxMessages(4).shutdownTimeout(DRAIN)
                        .visibilityTimeout(Duration.ofMinutes(5)).build())
                .build().start();
        handler.awaitStarted(4, Duration.ofSeconds(10));

        worker.shutdown();
        long receivesAtShutdown = queue.receiveCalls();
        handler.release("quick-1");
        handler.release("quick-2");
        events.awaitCount(Completed.class, 2, Duration.ofSeconds(10));
        assertThat(worker.awaitTermination(Duration.ZERO)).as("still draining the slow tasks").isFalse();
        assertThat(queue.approximateDepth()).isEqualTo(2);

        time.advance(DRAIN);

        assertThat(worker.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(events.events(Released.class)).extracting(r -> r.task().id())
                .containsExactlyInAnyOrder("slow-1", "slow-2");
        assertThat(handler.cancellations).containsOnlyKeys("slow-1", "slow-2")
                .containsValue(CancellationReason.SHUTDOWN);
        assertThat(queue.receiveCalls()).as("no receive after shutdown").isEqualTo(receivesAtShutdown);
        // Released at once: visible now, without advancing time, and never deleted.
        List<QueueMessage> again = queue.receive(10, Duration.ofSeconds(30));
        assertThat(again).extracting(QueueMessage::dequeueCount).containsOnly(2L);
        assertThat(again).hasSize(2);
        assertThat(again).extracting(QueueMessage::body).allMatch(b -> b.contains("slow-"));
        assertThat(events.events(Completed.class)).extracting(c -> c.task().id())
                .containsExactlyInAnyOrder("quick-1", "quick-2");
    }

    @Test
    void shutdownWithNothingRunningStopsAtOnce() throws Exception {
        ManualScheduler time = new ManualScheduler();
        InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
        Worker worker = Worker.builder().queue(queue).handler(new EchoHandler()).scheduler(time)
                .notifier(WebhookNotifier.NONE).build().start();
        worker.shutdown();
        assertThat(worker.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(worker.isRunning()).isFalse();
    }
}
