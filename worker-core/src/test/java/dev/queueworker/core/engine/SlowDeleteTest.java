package dev.queueworker.core.engine;

import static dev.queueworker.core.fixtures.TaskMessages.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.Receipt;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.core.fixtures.ForwardingQueue;
import dev.queueworker.core.fixtures.RecordingListener;
import dev.queueworker.core.fixtures.RecordingListener.Completed;
import dev.queueworker.core.fixtures.RecordingListener.Started;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * On a remote queue (receives take a round trip) the delete of a completed task runs off the handler
 * slot: the slot takes the next message while the delete is in flight, and the message counts as
 * held until its delete is done.
 */
class SlowDeleteTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final SlowDeletes queue = new SlowDeletes(new InMemoryQueueProvider());
    private final RecordingListener events = new RecordingListener();

    @Test
    void theSlotRunsTheNextTasksWhileTheDeleteOfTheFirstIsInFlight() throws Exception {
        for (int i = 1; i <= 3; i++) {
            queue.send(aTaskMessage("echo").taskId("t-" + i).toJson(), Duration.ZERO);
        }
        CountDownLatch firstDelete = queue.gate("t-1");
        try (Worker worker = start()) {
            queue.awaitDeleting("t-1");

            // One slot; t-1's delete is in flight, yet t-2 and t-3 run and complete beside it.
            events.awaitCount(Completed.class, 2, DEADLINE);
            assertThat(events.events(Completed.class)).extracting(c -> c.task().id())
                    .containsExactlyInAnyOrder("t-2", "t-3");

            firstDelete.countDown();
            events.awaitCount(Completed.class, 3, DEADLINE);
            assertThat(events.events(Started.class)).hasSize(3);
        }
        assertThat(queue.approximateDepth()).isZero();
    }

    @Test
    void stoppingWaitsForADeleteInFlight() throws Exception {
        queue.send(aTaskMessage("echo").taskId("t-1").toJson(), Duration.ZERO);
        CountDownLatch firstDelete = queue.gate("t-1");
        Worker worker = start();
        queue.awaitDeleting("t-1");

        worker.shutdown();
        assertThat(worker.awaitTermination(Duration.ofMillis(200))).isFalse();

        firstDelete.countDown();
        assertThat(worker.awaitTermination(DEADLINE)).isTrue();
        assertThat(events.events(Completed.class)).hasSize(1);
        assertThat(queue.approximateDepth()).isZero();
    }

    private Worker start() {
        return Worker.builder().queue(queue).handler(new EchoHandler()).listener(events)
                .notifier(WebhookNotifier.NONE)
                .options(WorkerOptions.builder().concurrency(1).shutdownTimeout(DEADLINE).build())
                .build().start();
    }

    /** An in-memory queue that answers receives in 2 ms, as a remote one does, and whose deletes wait for the test where it says. */
    private static final class SlowDeletes extends ForwardingQueue {
        private final Map<String, String> taskByMessage = new ConcurrentHashMap<>();
        private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
        private final Set<String> deleting = ConcurrentHashMap.newKeySet();

        SlowDeletes(InMemoryQueueProvider queue) {
            super(queue);
        }

        CountDownLatch gate(String taskId) {
            return gates.computeIfAbsent(taskId, t -> new CountDownLatch(1));
        }

        void awaitDeleting(String taskId) {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!deleting.contains(taskId)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the delete of " + taskId + " did not start within " + DEADLINE);
                }
                LockSupport.parkNanos(1_000_000L);
            }
        }

        @Override
        public String send(String body, Duration initialDelay) {
            String id = delegate.send(body, initialDelay);
            taskByMessage.put(id, body.replaceAll(".*\"task_id\":\"([^\"]+)\".*", "$1"));
            return id;
        }

        @Override
        public void delete(Receipt receipt) {
            String task = taskByMessage.get(receipt.messageId());
            deleting.add(task);
            CountDownLatch gate = gates.get(task);
            try {
                if (gate != null && !gate.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the test never let the delete of " + task + " finish");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            delegate.delete(receipt);
        }

        @Override
        public List<QueueMessage> receive(int maxMessages, Duration visibilityTimeout) {
            long until = System.nanoTime() + 2_000_000L; // a short network round trip
            while (System.nanoTime() < until) {
                LockSupport.parkNanos(until - System.nanoTime());
            }
            return delegate.receive(maxMessages, visibilityTimeout);
        }
    }
}
