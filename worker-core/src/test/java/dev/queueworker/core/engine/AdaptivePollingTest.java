package dev.queueworker.core.engine;

import static dev.queueworker.core.fixtures.TaskMessages.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.core.fixtures.RecordingListener;
import dev.queueworker.core.fixtures.RecordingListener.Completed;
import dev.queueworker.core.fixtures.RecordingListener.Started;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Acceptance 8: idle polling backs off to the interval; a backlog is drained back to back. */
class AdaptivePollingTest {
    private static final Duration INTERVAL = Duration.ofSeconds(60);

    private final ManualScheduler time = new ManualScheduler();
    private final InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
    private final RecordingListener events = new RecordingListener();

    @Test
    void anIdleHourCostsAtMost75ReceivesAndTheNextMessageIsTakenWithinOneInterval() throws Exception {
        try (Worker worker = start()) {
            assertThat(worker.awaitPollerWaiting(Duration.ofSeconds(10))).isTrue();

            time.advance(Duration.ofHours(1));
            long idleReceives = queue.receiveCalls();

            assertThat(idleReceives).isBetween(55L, 75L);

            queue.send(aTaskMessage("echo").taskId("after-idle").toJson(), Duration.ZERO);
            time.advance(INTERVAL);
            events.await(Started.class, s -> s.task().id().equals("after-idle"), Duration.ofSeconds(10));
            assertThat(queue.receiveCalls()).isGreaterThan(idleReceives);
        }
    }

    @Test
    void aBacklogIsReceivedBackToBackWithoutWaitingForTheClock() throws Exception {
        try (Worker worker = start()) {
            assertThat(worker.awaitPollerWaiting(Duration.ofSeconds(10))).isTrue();
            time.advance(Duration.ofMinutes(10));
            for (int i = 0; i < 500; i++) {
                queue.send(aTaskMessage("echo").taskId("backlog-" + i).toJson(), Duration.ZERO);
            }
            long before = queue.receiveCalls();

            time.advance(INTERVAL);
            // From here on time stands still: only back-to-back receives can drain the backlog.
            events.awaitCount(Completed.class, 500, Duration.ofSeconds(30));

            assertThat(queue.approximateDepth()).isZero();
            assertThat(queue.receiveCalls() - before).isGreaterThanOrEqualTo(50);
        }
    }

    private Worker start() {
        return Worker.builder().queue(queue).handler(new EchoHandler()).scheduler(time).listener(events)
                .notifier(WebhookNotifier.NONE)
                .options(WorkerOptions.builder().pollingInterval(INTERVAL).build())
                .build().start();
    }
}
