package dev.queueworker.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.core.InMemoryQueueProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The settling bound: at most {@code limit} operations off the handler threads, the rest run by their caller. */
class FinalOpsTest {
    private static final long DEADLINE_MS = 10_000;

    private final InMemoryQueueProvider queue = new InMemoryQueueProvider();
    private final Set<Run> ended = ConcurrentHashMap.newKeySet();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final CountDownLatch endedTwo = new CountDownLatch(2);
    private final FinalOps ops = new FinalOps(2, (run, e) -> failures.add(e), run -> {
        ended.add(run);
        endedTwo.countDown();
    });

    @AfterEach
    void stop() {
        ops.shutdownNow();
    }

    @Test
    void atMostTheLimitInFlightThenTheCallerSettlesItsOwn() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch bothRunning = new CountDownLatch(2);
        Run first = run();
        Run second = run();
        Runnable blocked = () -> {
            bothRunning.countDown();
            await(gate);
        };

        assertThat(ops.settle(first, blocked)).isTrue();
        assertThat(ops.settle(second, blocked)).isTrue();
        assertThat(bothRunning.await(DEADLINE_MS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(ops.inFlight()).isEqualTo(2);

        Thread caller = Thread.currentThread();
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        Run third = run();
        assertThat(ops.settle(third, () -> ranOn.add(Thread.currentThread())))
                .as("full: not queued, run here").isFalse();
        assertThat(ranOn).containsExactly(caller);
        assertThat(ended).as("the caller ends its own run").doesNotContain(third);

        gate.countDown();
        assertThat(endedTwo.await(DEADLINE_MS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(ended).containsExactlyInAnyOrder(first, second);
        assertThat(failures).isEmpty();
    }

    @Test
    void aFailedOperationIsReportedAndItsRunStillEnds() throws Exception {
        Run run = run();
        IllegalStateException boom = new IllegalStateException("queue down");
        assertThat(ops.settle(run, () -> {
            throw boom;
        })).isTrue();
        Run other = run();
        assertThat(ops.settle(other, () -> { })).isTrue();

        assertThat(endedTwo.await(DEADLINE_MS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(failures).containsExactly(boom);
    }

    private Run run() {
        queue.send("{\"task_type\":\"echo\"}", Duration.ZERO);
        return new Run(queue.receive(1, Duration.ofSeconds(30)).get(0), Clock.systemUTC().instant(),
                r -> new RunContext(1, new InMemoryDocumentStore(), Clock.systemUTC(), (fraction, text) -> { }));
    }

    private static void await(CountDownLatch gate) {
        try {
            if (!gate.await(DEADLINE_MS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
