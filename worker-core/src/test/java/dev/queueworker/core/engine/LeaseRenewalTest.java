package dev.queueworker.core.engine;

import static dev.queueworker.core.fixtures.TaskMessages.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.CancellationReason;
import dev.queueworker.api.LeaseLostException;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.Receipt;
import dev.queueworker.api.WebhookNotifier;
import java.util.concurrent.atomic.AtomicInteger;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.core.fixtures.ForwardingQueue;
import dev.queueworker.core.fixtures.RecordingListener;
import dev.queueworker.core.fixtures.RecordingListener.Completed;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Acceptance 2: a task running for 3x the visibility timeout runs once while a second worker polls. */
class LeaseRenewalTest {
    private static final Duration VISIBILITY = Duration.ofSeconds(30);

    @Test
    void aTaskLongerThanThreeVisibilityTimeoutsRunsOnceWithTwoWorkersPolling() throws Exception {
        ManualScheduler time = new ManualScheduler();
        InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
        BlockingHandler handler = new BlockingHandler();
        RecordingListener events = new RecordingListener();
        WorkerOptions options = WorkerOptions.builder().visibilityTimeout(VISIBILITY)
                .pollingInterval(Duration.ofSeconds(2)).minPollingInterval(Duration.ofSeconds(1)).build();
        queue.send(aTaskMessage("block").taskId("long-1").payload("name", "long").toJson(), Duration.ZERO);
        try (Worker first = worker(queue, handler, time, options, events);
                Worker second = worker(queue, handler, time, options, events)) {
            handler.awaitStarted(1, Duration.ofSeconds(10));
            assertThat(first.awaitPollerWaiting(Duration.ofSeconds(10))).isTrue();
            assertThat(second.awaitPollerWaiting(Duration.ofSeconds(10))).isTrue();
            long receivesBefore = queue.receiveCalls();

            time.advance(VISIBILITY.multipliedBy(3).plusSeconds(10), Duration.ofSeconds(1));

            assertThat(handler.runs("long")).isEqualTo(1);
            assertThat(queue.receiveCalls() - receivesBefore)
                    .as("both workers kept polling the queue meanwhile").isGreaterThan(40);
            handler.release("long");
            Completed done = events.await(Completed.class, c -> c.task().id().equals("long-1"), Duration.ofSeconds(10));
            assertThat(done.duration()).isGreaterThan(VISIBILITY.multipliedBy(3));
            assertThat(handler.runs("long")).isEqualTo(1);
            assertThat(queue.approximateDepth()).isZero();
            assertThat(events.events(RecordingListener.LeaseLost.class)).isEmpty();
        }
    }

    @Test
    void aLeaseLostOnRenewalCancelsTheTaskAndLeavesTheMessageAlone() throws Exception {
        ManualScheduler time = new ManualScheduler();
        InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
        LosingQueue losing = new LosingQueue(queue);
        BlockingHandler handler = new BlockingHandler();
        RecordingListener events = new RecordingListener();
        WorkerOptions options = WorkerOptions.builder().visibilityTimeout(VISIBILITY).build();
        queue.send(aTaskMessage("block").taskId("stolen-1").payload("name", "stolen").toJson(), Duration.ZERO);
        try (Worker worker = worker(losing, handler, time, options, events)) {
            handler.awaitStarted(1, Duration.ofSeconds(10));
            assertThat(worker.awaitPollerWaiting(Duration.ofSeconds(10))).isTrue();

            time.advance(VISIBILITY);

            events.await(RecordingListener.LeaseLost.class, l -> l.task().id().equals("stolen-1"),
                    Duration.ofSeconds(10));
            assertThat(handler.cancellations).containsEntry("stolen", CancellationReason.LEASE_LOST);
            handler.release("stolen");
            worker.shutdown();
            assertThat(worker.awaitTermination(Duration.ofSeconds(10))).isTrue();
            assertThat(events.events(Completed.class)).isEmpty();
            assertThat(losing.deletes).hasValue(0);
            assertThat(queue.approximateDepth()).isEqualTo(1);
        }
    }

    @Test
    void aReceivedMessageWaitingForASlotIsKeptUnderLeaseAndRunsHereLater() throws Exception {
        ManualScheduler time = new ManualScheduler();
        InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
        BlockingHandler handler = new BlockingHandler();
        RecordingListener events = new RecordingListener();
        // One slot plus one batch of one: the second message waits, received, for the slot.
        WorkerOptions options = WorkerOptions.builder().visibilityTimeout(VISIBILITY).concurrency(1).maxMessages(1)
                .pollingInterval(Duration.ofSeconds(2)).minPollingInterval(Duration.ofSeconds(1)).build();
        queue.send(aTaskMessage("block").taskId("first").payload("name", "first").toJson(), Duration.ZERO);
        queue.send(aTaskMessage("block").taskId("waiting").payload("name", "waiting").toJson(), Duration.ZERO);
        try (Worker first = worker(queue, handler, time, options, events)) {
            handler.awaitStarted(1, Duration.ofSeconds(10));
            // The receive that takes the waiting message follows the first one; wait until it has run.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (queue.receiveCalls() < 2 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            }
            assertThat(queue.receiveCalls()).as("receives by the first worker").isGreaterThanOrEqualTo(2);
            assertThat(first.awaitPollerWaiting(Duration.ofSeconds(10))).isTrue();
            assertThat(queue.receive(32, VISIBILITY)).as("both held by the first worker").isEmpty();
            try (Worker second = worker(queue, handler, time, options, events)) {
                assertThat(second.awaitPollerWaiting(Duration.ofSeconds(10))).isTrue();

                time.advance(VISIBILITY.multipliedBy(3), Duration.ofSeconds(1));

                assertThat(handler.runs("waiting")).as("nobody took the waiting message").isZero();
                assertThat(first.inFlightCount()).isEqualTo(1);
                handler.release("first");
                handler.release("waiting");
                events.await(Completed.class, c -> c.task().id().equals("waiting"), Duration.ofSeconds(10));
                assertThat(handler.runs("waiting")).isEqualTo(1);
                assertThat(events.events(Completed.class)).hasSize(2);
            }
        }
    }

    /** A queue on which every lease renewal finds the message taken by someone else. */
    private static final class LosingQueue extends ForwardingQueue {
        final AtomicInteger deletes = new AtomicInteger();

        LosingQueue(QueueProvider delegate) {
            super(delegate);
        }

        @Override
        public Receipt extendVisibility(Receipt receipt, Duration visibilityTimeout) {
            throw new LeaseLostException("pop receipt mismatch", null, 400, "PopReceiptMismatch");
        }

        @Override
        public void delete(Receipt receipt) {
            deletes.incrementAndGet();
            delegate.delete(receipt);
        }
    }

    private static Worker worker(QueueProvider queue, BlockingHandler handler, ManualScheduler time,
            WorkerOptions options, RecordingListener events) {
        return Worker.builder().queue(queue).handler(handler).scheduler(time).options(options)
                .notifier(WebhookNotifier.NONE).listener(events).build().start();
    }
}
