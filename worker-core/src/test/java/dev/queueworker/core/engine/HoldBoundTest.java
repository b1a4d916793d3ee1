package dev.queueworker.core.engine;

import static dev.queueworker.core.fixtures.TaskMessages.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.BooleanNode;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.Receipt;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.core.fixtures.ForwardingQueue;
import dev.queueworker.core.fixtures.RecordingListener;
import dev.queueworker.core.fixtures.RecordingListener.Completed;
import dev.queueworker.core.fixtures.RecordingListener.RetryScheduled;
import dev.queueworker.core.fixtures.RecordingListener.Started;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bound on held messages (issue 23), on a remote-looking queue whose deletes and visibility
 * updates block until the test lets them go: running ≤ slots, received and waiting ≤ one batch,
 * settling ≤ slots, each under lease, none lost, and a drain waits for the settling.
 *
 * <p>Two slots and {@code maxMessages} 2: one batch is 2, so the worker holds at most 2 running,
 * 2 waiting and 2 settling.
 */
@Timeout(60) // a sweep that waited for a blocked delete would hang the test thread
class HoldBoundTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final Duration VISIBILITY = Duration.ofSeconds(30);
    private static final int SLOTS = 2;
    private static final int BATCH = 2;

    private final ManualScheduler time = new ManualScheduler();
    private final GatedQueue queue = new GatedQueue(new InMemoryQueueProvider(time.clock()));
    private final RecordingListener events = new RecordingListener();
    private final CountingHandler handler = new CountingHandler(queue.onHandlerThreads);

    @Test
    void withEveryDeleteBlockedEachQuantityStopsAtItsOwnBound() throws Exception {
        sendTasks(20);
        try (Worker worker = start()) {
            // Two deletes on settling threads, then each handler thread settles its own run (the
            // settling bound is full) and two more are received to wait for a slot.
            awaitUntil(() -> queue.settling.now.get() == SLOTS && queue.deletingOnHandlers.now.get() == SLOTS
                    && queue.held() == SLOTS + BATCH + SLOTS, "2 settling, 2 settled on their slots, 2 waiting");
            assertThat(worker.awaitPollerWaiting(DEADLINE)).isTrue();

            assertThat(events.events(Started.class)).as("running or settled on their slots, and settling")
                    .hasSize(SLOTS + SLOTS);
            assertThat(queue.received()).as("received while four deletes were in flight: two wait for a slot")
                    .isEqualTo(SLOTS + BATCH + SLOTS);
            assertThat(queue.settling.max).as("settling ≤ slots").hasValue(SLOTS);
            assertThat(queue.onHandlerThreads.max).as("running (handlers and their own deletes) ≤ slots")
                    .hasValue(SLOTS);
            assertThat(queue.maxHeld).as("held ≤ slots + one batch + slots").hasValue(SLOTS + BATCH + SLOTS);

            // Under lease: a renewal sweep does not wait for the deletes in flight, and renews the
            // messages waiting for a slot; nothing held becomes visible to another worker.
            time.advance(Duration.ofSeconds(20), Duration.ofSeconds(5));
            assertThat(queue.renewed).as("the two waiting messages were renewed; a delete in flight keeps its receipt")
                    .hasSize(BATCH);

            queue.openDeletes();
            events.awaitCount(Completed.class, 20, DEADLINE);
        }
        assertThat(events.events(Started.class)).as("each task ran once").hasSize(20);
        assertThat(queue.deleted).as("none lost, none deleted twice").hasSize(20);
        assertThat(queue.delegateDepth()).isZero();
        assertThat(queue.settling.max).hasValueLessThanOrEqualTo(SLOTS);
        assertThat(queue.onHandlerThreads.max).hasValueLessThanOrEqualTo(SLOTS);
        assertThat(queue.maxHeld).hasValueLessThanOrEqualTo(SLOTS + BATCH + SLOTS);
    }

    @Test
    void aDrainWaitsForTheSettlingAndGivesTheWaitingBack() throws Exception {
        sendTasks(20);
        Worker worker = start();
        awaitUntil(() -> queue.settling.now.get() == SLOTS && queue.deletingOnHandlers.now.get() == SLOTS
                && queue.held() == SLOTS + BATCH + SLOTS, "the worker full");
        assertThat(worker.awaitPollerWaiting(DEADLINE)).isTrue();

        worker.shutdown();
        awaitUntil(() -> queue.released.size() == BATCH, "the two waiting given back");
        assertThat(worker.awaitTermination(Duration.ofMillis(200))).as("four deletes still in flight").isFalse();

        queue.openDeletes();
        assertThat(worker.awaitTermination(DEADLINE)).isTrue();
        assertThat(events.events(Completed.class)).hasSize(SLOTS + SLOTS);
        assertThat(queue.deleted).hasSize(SLOTS + SLOTS);
        assertThat(queue.delegateDepth()).as("the rest still on the queue").isEqualTo(20 - SLOTS - SLOTS);
    }

    @Test
    void aRetrysVisibilityUpdateSettlesOffTheSlotToo() throws Exception {
        queue.send(aTaskMessage("count").taskId("t-1").payload("fail", BooleanNode.TRUE).toJson(), Duration.ZERO);
        for (int i = 2; i <= 3; i++) {
            queue.send(aTaskMessage("count").taskId("t-" + i).toJson(), Duration.ZERO);
        }
        queue.openDeletes();
        queue.blockReleases();
        try (Worker worker = start(1)) {
            awaitUntil(() -> queue.settling.now.get() == 1, "t-1's release in flight");

            // One slot: t-1's visibility update is in flight, yet t-2 and t-3 run and complete.
            events.awaitCount(Completed.class, 2, DEADLINE);
            assertThat(events.events(RetryScheduled.class)).isEmpty();

            queue.openReleases();
            events.awaitCount(RetryScheduled.class, 1, DEADLINE);
        }
    }

    private Worker start() {
        return start(SLOTS);
    }

    private Worker start(int slots) {
        return Worker.builder().queue(queue).handler(handler).listener(events).scheduler(time)
                .notifier(WebhookNotifier.NONE)
                .options(WorkerOptions.builder().concurrency(slots).maxMessages(BATCH).visibilityTimeout(VISIBILITY)
                        .shutdownTimeout(DEADLINE).build())
                .build().start();
    }

    private void sendTasks(int n) {
        for (int i = 1; i <= n; i++) {
            queue.send(aTaskMessage("count").taskId("t-" + i).toJson(), Duration.ZERO);
        }
    }

    private static void awaitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    /** How many at once, and the most seen. */
    private static final class Gauge {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();

        void up() {
            max.accumulateAndGet(now.incrementAndGet(), Math::max);
        }

        void down() {
            now.decrementAndGet();
        }
    }

    /** Returns at once, or fails (a retry) when its payload says {@code fail}; counted on {@code onHandlerThreads}. */
    private static final class CountingHandler implements TaskHandler {
        private final Gauge onHandlerThreads;

        CountingHandler(Gauge onHandlerThreads) {
            this.onHandlerThreads = onHandlerThreads;
        }

        @Override
        public String taskType() {
            return "count";
        }

        @Override
        public TaskResult handle(Task task, TaskContext context) {
            onHandlerThreads.up();
            try {
                if (task.payload().path("fail").asBoolean()) {
                    throw new IllegalStateException("fails once");
                }
                return TaskResult.empty();
            } finally {
                onHandlerThreads.down();
            }
        }
    }

    /**
     * An in-memory queue that answers receives in 2 ms, as a remote one does, and whose deletes (and,
     * when told, releases) wait until the test opens them; counts what is held and where deletes run.
     */
    private static final class GatedQueue extends ForwardingQueue {
        final Set<String> receivedIds = ConcurrentHashMap.newKeySet();
        final Set<String> deleted = ConcurrentHashMap.newKeySet();
        final Set<String> released = ConcurrentHashMap.newKeySet();
        final Set<String> renewed = ConcurrentHashMap.newKeySet();
        /** Deletes and releases on settling threads. */
        final Gauge settling = new Gauge();
        /** Deletes on handler threads. */
        final Gauge deletingOnHandlers = new Gauge();
        /** Handlers running and deletes on handler threads: the running quantity. */
        final Gauge onHandlerThreads = new Gauge();
        final AtomicInteger maxHeld = new AtomicInteger();
        private final CountDownLatch deletes = new CountDownLatch(1);
        private volatile CountDownLatch releases = new CountDownLatch(0);

        GatedQueue(InMemoryQueueProvider queue) {
            super(queue);
        }

        void openDeletes() {
            deletes.countDown();
        }

        void blockReleases() {
            releases = new CountDownLatch(1);
        }

        void openReleases() {
            releases.countDown();
        }

        int received() {
            return receivedIds.size();
        }

        /** Received and neither deleted nor given back. */
        int held() {
            return receivedIds.size() - deleted.size() - released.size();
        }

        long delegateDepth() {
            return delegate.approximateDepth();
        }

        @Override
        public List<QueueMessage> receive(int maxMessages, Duration visibilityTimeout) {
            long until = System.nanoTime() + 2_000_000L; // a short network round trip
            while (System.nanoTime() < until) {
                LockSupport.parkNanos(until - System.nanoTime());
            }
            List<QueueMessage> messages = delegate.receive(maxMessages, visibilityTimeout);
            messages.forEach(m -> receivedIds.add(m.messageId()));
            maxHeld.accumulateAndGet(held(), Math::max);
            return messages;
        }

        @Override
        public Receipt extendVisibility(Receipt receipt, Duration visibilityTimeout) {
            renewed.add(receipt.messageId());
            return delegate.extendVisibility(receipt, visibilityTimeout);
        }

        @Override
        public void delete(Receipt receipt) {
            boolean onSettlingThread = Thread.currentThread().getName().startsWith("queue-worker-settle");
            Gauge where = onSettlingThread ? settling : deletingOnHandlers;
            where.up();
            if (!onSettlingThread) {
                onHandlerThreads.up();
            }
            try {
                await(deletes);
                delegate.delete(receipt);
                if (!deleted.add(receipt.messageId())) {
                    throw new AssertionError("deleted twice: " + receipt.messageId());
                }
            } finally {
                where.down();
                if (!onSettlingThread) {
                    onHandlerThreads.down();
                }
            }
        }

        @Override
        public void release(Receipt receipt, Duration delay) {
            boolean onSettlingThread = Thread.currentThread().getName().startsWith("queue-worker-settle");
            if (onSettlingThread) {
                settling.up();
            }
            try {
                await(releases);
                delegate.release(receipt, delay);
                released.add(receipt.messageId());
            } finally {
                if (onSettlingThread) {
                    settling.down();
                }
            }
        }

        private static void await(CountDownLatch gate) {
            try {
                if (!gate.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
