package dev.queueworker.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.QueueMessage;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import dev.queueworker.core.WorkerOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The poll loop's bounds, on the in-memory queue and a manual clock: receives run on a manual
 * executor, so a receive handed to a poller thread stays "in flight" until the test runs it.
 */
class PollLoopTest {
    private final ManualScheduler time = new ManualScheduler();
    private final InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
    private final ManualExecutor pollers = new ManualExecutor();
    private final List<QueueMessage> accepted = new ArrayList<>();
    private boolean accepting = true;

    @Test
    void neverHoldsMoreThanSlotsPlusOneBatchWhateverOrderMessagesFinishIn() {
        fill(300);
        PollLoop loop = loop(WorkerOptions.builder().concurrency(4).maxMessages(4).build());
        loop.start();
        pollers.runAll();
        assertThat(loop.limit()).isEqualTo(8);
        assertThat(accepted).as("a full batch waits beside the four running").hasSize(8);

        Random random = new Random(14);
        Deque<QueueMessage> holding = new ArrayDeque<>(accepted);
        int finished = 0;
        while (finished < 300) {
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n && !holding.isEmpty(); i++) {
                holding.poll();
                finished++;
                boolean idle = random.nextBoolean();
                loop.finished(() -> idle);
            }
            if (random.nextBoolean()) {
                pollers.runAll();
            }
            holding.clear();
            holding.addAll(accepted.subList(finished, accepted.size()));
            assertThat(loop.held()).isLessThanOrEqualTo(8);
            assertThat(accepted.size() - finished).as("messages held").isLessThanOrEqualTo(8);
            assertThat(loop.receivesInFlight()).isLessThanOrEqualTo(PollLoop.MAX_RECEIVES_IN_FLIGHT);
            if (holding.isEmpty()) {
                pollers.runAll();
                holding.addAll(accepted.subList(finished, accepted.size()));
                if (holding.isEmpty()) {
                    break;
                }
            }
        }
        assertThat(accepted).hasSize(300);
        assertThat(accepted.stream().map(QueueMessage::messageId).distinct()).hasSize(300);
    }

    @Test
    void aNewReceiveStartsWhenHalfABatchIsFreeAndASecondOneMayBeInFlight() {
        fill(100);
        slowQueue = true;
        PollLoop loop = loop(WorkerOptions.builder().concurrency(16).maxMessages(16).build());
        loop.start();
        pollers.runAll();
        assertThat(accepted).hasSize(32);
        assertThat(loop.mode()).isEqualTo(PollLoop.Mode.FLOWING);

        for (int i = 0; i < 7; i++) {
            loop.finished(() -> false);
        }
        assertThat(pollers.queued()).as("seven free: below half a batch").isZero();
        loop.finished(() -> false);
        assertThat(pollers.queued()).as("eight free: a receive for eight starts").isEqualTo(1);
        for (int i = 0; i < 8; i++) {
            loop.finished(() -> false);
        }
        assertThat(pollers.queued()).as("a second receive while the first is in flight").isEqualTo(2);
        for (int i = 0; i < 16; i++) {
            loop.finished(() -> false);
        }
        assertThat(loop.receivesInFlight()).isEqualTo(2);
        assertThat(pollers.queued()).as("never a third").isEqualTo(2);
        assertThat(loop.held()).isLessThanOrEqualTo(32);

        pollers.runAll();
        assertThat(accepted.size() - 32).as("received for the capacity freed").isEqualTo(32);
    }

    @Test
    void anIdleHourCostsAtMost75ReceivesAndTheFirstMessageIsTakenWithinOneInterval() {
        PollLoop loop = loop(WorkerOptions.builder().pollingInterval(Duration.ofSeconds(60)).build());
        loop.start();
        pollers.runAll();
        assertThat(loop.mode()).isEqualTo(PollLoop.Mode.BACKING_OFF);

        time.advance(Duration.ofHours(1));
        long idle = queue.receiveCalls();
        assertThat(idle).isBetween(55L, 75L);

        queue.send("{\"task_type\":\"echo\"}", Duration.ZERO);
        int seconds = 0;
        while (accepted.isEmpty() && seconds < 120) {
            time.advance(Duration.ofSeconds(1));
            seconds++;
        }
        assertThat(accepted).hasSize(1);
        assertThat(seconds).as("picked up within one polling interval").isLessThanOrEqualTo(60);
        assertThat(pollers.queued()).as("one follow-up receive on a poller thread; a lone message is no backlog,"
                + " so no second beside it").isEqualTo(1);
        pollers.runAll();
        assertThat(loop.mode()).isEqualTo(PollLoop.Mode.BACKING_OFF);
    }

    @Test
    void whileBackingOffFinishedMessagesStartNoReceive() {
        fill(1);
        PollLoop loop = loop(WorkerOptions.builder().concurrency(2).maxMessages(2).build());
        loop.start();
        pollers.runAll();
        assertThat(accepted).hasSize(1);
        assertThat(loop.mode()).as("the second receive found nothing").isEqualTo(PollLoop.Mode.BACKING_OFF);
        long receives = queue.receiveCalls();

        loop.finished(() -> true);

        assertThat(queue.receiveCalls()).isEqualTo(receives);
        assertThat(pollers.queued()).isZero();
    }

    @Test
    void aMessageTheSinkRefusesIsReleasedAtOnceAndItsCapacityFreed() {
        fill(3);
        accepting = false;
        PollLoop loop = loop(WorkerOptions.builder().concurrency(4).maxMessages(4).build());
        loop.start();
        pollers.runAll();

        assertThat(loop.held()).isZero();
        List<QueueMessage> again = queue.receive(10, Duration.ofSeconds(30));
        assertThat(again).hasSize(3);
    }

    @Test
    void afterStopNoReceiveStarts() {
        fill(50);
        PollLoop loop = loop(WorkerOptions.builder().concurrency(2).maxMessages(2).build());
        loop.start();
        pollers.runAll();
        loop.stop();
        long receives = queue.receiveCalls();

        for (int i = 0; i < 4; i++) {
            loop.finished(() -> true);
        }
        pollers.runAll();
        time.advance(Duration.ofMinutes(5));

        assertThat(queue.receiveCalls()).isEqualTo(receives);
        assertThat(loop.mode()).isEqualTo(PollLoop.Mode.STOPPED);
    }

    private void fill(int n) {
        for (int i = 0; i < n; i++) {
            queue.send("{\"task_type\":\"echo\",\"task_id\":\"t-" + i + "\"}", Duration.ZERO);
        }
    }

    /** Every receive looks slow (5 ms): one started by a finished message goes to a poller thread. */
    private final java.util.concurrent.atomic.AtomicLong slowNanos = new java.util.concurrent.atomic.AtomicLong();
    private boolean slowQueue;

    private PollLoop loop(WorkerOptions options) {
        PollLoop.Sink sink = message -> {
            if (accepting) {
                accepted.add(message);
            }
            return accepting;
        };
        return new PollLoop(queue, sink, options, time, pollers, new WorkerMetrics(new SimpleMeterRegistry()),
                new QueueOutageLog(LoggerFactory.getLogger(PollLoopTest.class), options.pollingInterval()), () -> 0,
                LoggerFactory.getLogger(PollLoopTest.class),
                () -> slowQueue ? slowNanos.addAndGet(5_000_000L) : System.nanoTime());
    }

    /** Runs nothing until told: what it holds is a receive in flight. */
    private static final class ManualExecutor implements Executor {
        private final Deque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        int queued() {
            return tasks.size();
        }

        void runAll() {
            Runnable next;
            while ((next = tasks.poll()) != null) {
                next.run();
            }
        }
    }
}
