package dev.queueworker.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.CancellationReason;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.Task;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import dev.queueworker.core.WorkerListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The one renewal sweep, on the in-memory queue and a manual clock. */
class LeaseKeeperTest {
    private static final Duration VISIBILITY = Duration.ofSeconds(30);

    private final ManualScheduler time = new ManualScheduler();
    private final InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
    private final Set<Run> held = ConcurrentHashMap.newKeySet();
    private final AtomicInteger leasesLost = new AtomicInteger();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LeaseKeeper keeper = new LeaseKeeper(queue, held, VISIBILITY, time,
            new WorkerMetrics(meters), new WorkerListener() {
                @Override
                public void leaseLost(Task task) {
                    leasesLost.incrementAndGet();
                }
            }, new QueueOutageLog(LoggerFactory.getLogger(LeaseKeeperTest.class), Duration.ofSeconds(5)),
            LoggerFactory.getLogger(LeaseKeeperTest.class));

    @Test
    void everyHeldMessageStaysHiddenForTenVisibilityTimeouts() {
        for (int i = 0; i < 5; i++) {
            queue.send("{\"task_type\":\"echo\"}", Duration.ZERO);
        }
        queue.receive(5, VISIBILITY).forEach(m -> held.add(run(m)));
        keeper.start();

        time.advance(VISIBILITY.multipliedBy(10), Duration.ofSeconds(1));

        assertThat(queue.receive(32, VISIBILITY)).as("nothing visible to another worker").isEmpty();
        assertThat(held).allSatisfy(run -> {
            assertThat(run.abandonedReason()).isNull();
            assertThat(run.receipt().nextVisibleAt()).isAfter(time.now().plus(VISIBILITY.dividedBy(2)));
        });
        assertThat(leasesLost).hasValue(0);
    }

    @Test
    void aLeaseRenewedOnlyOnceHalfOfItIsLeft() {
        queue.send("{\"task_type\":\"echo\"}", Duration.ZERO);
        Run run = run(queue.receive(1, VISIBILITY).get(0));
        held.add(run);
        var first = run.receipt();
        keeper.start();

        time.advance(Duration.ofSeconds(10));
        assertThat(run.receipt()).as("20 s left: not yet").isEqualTo(first);
        time.advance(Duration.ofSeconds(10));
        assertThat(run.receipt()).as("10 s left: renewed").isNotEqualTo(first);
    }

    @Test
    void aLostLeaseCancelsTheRunAndIsCounted() {
        queue.send("{\"task_type\":\"echo\"}", Duration.ZERO);
        QueueMessage message = queue.receive(1, VISIBILITY).get(0);
        Run run = run(message);
        held.add(run);
        keeper.start();
        queue.delete(message.receipt()); // someone else ended it

        time.advance(VISIBILITY);

        assertThat(run.abandonedReason()).isEqualTo(CancellationReason.LEASE_LOST);
        assertThat(run.context.isCancelled()).isTrue();
        assertThat(leasesLost).hasValue(1);
        assertThat(meters.get("queueworker.tasks").tag("outcome", "lease_lost").counter().count()).isEqualTo(1.0);
    }

    @Test
    @Timeout(30) // a sweep that waited for the delete would hang here
    void aRunWhoseDeleteIsInFlightIsSkippedNotWaitedFor() throws Exception {
        queue.send("{\"task_type\":\"echo\"}", Duration.ZERO);
        Run run = run(queue.receive(1, VISIBILITY).get(0));
        held.add(run);
        var receipt = run.receipt();
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        Thread settling = new Thread(() -> run.settle(r -> {
            inFlight.countDown();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            queue.delete(r);
        }));
        settling.start();
        assertThat(inFlight.await(10, TimeUnit.SECONDS)).isTrue();
        keeper.start();

        time.advance(Duration.ofSeconds(20)); // the sweeps run on this thread
        assertThat(run.lease()).isEqualTo(Run.Lease.SETTLING);
        assertThat(run.receipt()).as("not renewed: the delete in flight uses this receipt").isEqualTo(receipt);

        gate.countDown();
        settling.join(10_000);
        assertThat(run.lease()).isEqualTo(Run.Lease.DONE);
        assertThat(queue.approximateDepth()).isZero();
    }

    @Test
    void aFinishedRunIsNotRenewedAndStopEndsTheSweeps() {
        queue.send("{\"task_type\":\"echo\"}", Duration.ZERO);
        Run run = run(queue.receive(1, VISIBILITY).get(0));
        run.markDone();
        held.add(run);
        var receipt = run.receipt();
        keeper.start();
        time.advance(VISIBILITY.dividedBy(2));
        assertThat(run.receipt()).isEqualTo(receipt);

        keeper.stop();
        assertThat(time.pendingTasks()).isZero();
        assertThat(LeaseKeeper.sweepInterval(Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(100));
        assertThat(List.of(LeaseKeeper.sweepInterval(VISIBILITY))).containsExactly(Duration.ofSeconds(5));
    }

    private Run run(QueueMessage message) {
        return new Run(message, time.now(), r -> new RunContext(1, new InMemoryDocumentStore(), time.clock(),
                (fraction, text) -> { }));
    }
}
