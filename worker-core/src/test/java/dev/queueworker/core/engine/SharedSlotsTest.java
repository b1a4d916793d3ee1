package dev.queueworker.core.engine;

import static dev.queueworker.core.fixtures.TaskMessages.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import dev.queueworker.core.SharedSlots;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.core.fixtures.RecordingListener;
import dev.queueworker.core.fixtures.RecordingListener.Completed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Workers sharing handler slots (one per client of a daemon): fair, work-conserving, labelled. */
class SharedSlotsTest {
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final ManualScheduler time = new ManualScheduler();
    private final InMemoryQueueProvider queueA = new InMemoryQueueProvider(time.clock());
    private final InMemoryQueueProvider queueB = new InMemoryQueueProvider(time.clock());
    private final BlockingHandler handlerA = new BlockingHandler();
    private final BlockingHandler handlerB = new BlockingHandler();

    @Test
    void aTaskOfAnIdleClientTakesTheNextFreeSlotAndTheBusyClientUsesTheRest() throws Exception {
        SharedSlots slots = SharedSlots.of(2);
        for (int i = 0; i < 20; i++) {
            queueA.send(block("a-" + i), Duration.ZERO);
        }
        try (Worker a = worker(queueA, handlerA, slots); Worker b = worker(queueB, handlerB, slots)) {
            handlerA.awaitStarted(2, DEADLINE);
            awaitUntil(() -> slots.waiting() == 2, "a's two other handler threads wait for a slot");
            assertThat(b.awaitPollerWaiting(DEADLINE)).isTrue();

            queueB.send(block("b-0"), Duration.ZERO);
            time.advance(INTERVAL);
            awaitUntil(() -> slots.waiting() == 3, "b's task waits for a slot");

            String firstOfA = handlerA.runs.keySet().iterator().next();
            handlerA.release(firstOfA);

            handlerB.awaitStarted(1, DEADLINE);
            assertThat(handlerA.runs).hasSize(2); // the freed slot went to b, not to a's waiting tasks
            assertThat(slots.inUse()).isEqualTo(2);

            handlerB.release("b-0");
            handlerA.awaitStarted(3, DEADLINE); // b has nothing more: a takes the slot again
            assertThat(slots.inUse()).isEqualTo(2);
            for (int i = 0; i < 20; i++) {
                handlerA.release("a-" + i);
            }
        }
    }

    @Test
    void aTaskWaitingForASlotGoesBackToTheQueueAtOnceWhenItsWorkerStops() throws Exception {
        SharedSlots slots = SharedSlots.of(1);
        queueA.send(block("a-0"), Duration.ZERO);
        try (Worker a = worker(queueA, handlerA, slots)) {
            handlerA.awaitStarted(1, DEADLINE);
            Worker b = worker(queueB, handlerB, slots);
            // Its first receive found nothing; only then is its idle timer set for the clock to reach.
            assertThat(b.awaitPollerWaiting(DEADLINE)).isTrue();
            queueB.send(block("b-0"), Duration.ZERO);
            time.advance(INTERVAL);
            awaitUntil(() -> slots.waiting() == 1, "b's task waits for a slot");

            b.shutdown();

            assertThat(b.awaitTermination(DEADLINE)).isTrue();
            assertThat(handlerB.runs).isEmpty();
            assertThat(queueB.receive(1, Duration.ofMinutes(1))).hasSize(1);
            handlerA.release("a-0");
        }
    }

    @Test
    void everyEngineThreadCarriesTheBuildersMdcAndEveryMeterItsTags() throws Exception {
        Map<String, String> seen = new ConcurrentHashMap<>();
        TaskHandler recording = new TaskHandler() {
            @Override
            public String taskType() {
                return "record";
            }

            @Override
            public TaskResult handle(Task task, TaskContext context) {
                seen.put(task.id(), String.valueOf(MDC.get("client_id")));
                return TaskResult.empty();
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RecordingListener events = new RecordingListener();
        queueA.send(aTaskMessage("record").taskId("t-1").toJson(), Duration.ZERO);
        Worker worker;
        MDC.put("client_id", "southhaven");
        try {
            worker = Worker.builder().queue(queueA).handler(recording).scheduler(time).listener(events)
                    .notifier(WebhookNotifier.NONE).meterRegistry(registry).meterTags("client_id", "southhaven")
                    .sharedSlots(SharedSlots.of(1), 1).build();
        } finally {
            MDC.remove("client_id");
        }
        try (worker) {
            worker.start();
            events.awaitCount(Completed.class, 1, DEADLINE);
        }

        assertThat(seen).containsEntry("t-1", "southhaven");
        assertThat(registry.find("queueworker.tasks").tag("client_id", "southhaven").tag("outcome", "completed")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.find("queueworker.polls").tag("client_id", "southhaven").counters()).isNotEmpty();
    }

    @Test
    void badArgumentsAreRefusedNamingThem() {
        assertThatThrownBy(() -> SharedSlots.of(0)).hasMessageContaining("total must be at least 1");
        assertThatThrownBy(() -> Worker.builder().sharedSlots(SharedSlots.of(1), 0))
                .hasMessage("'weight' must be between 1 and 100, was 0");
        assertThatThrownBy(() -> Worker.builder().meterTags("client_id"))
                .hasMessageContaining("pairs of key and value");
    }

    private Worker worker(InMemoryQueueProvider queue, BlockingHandler handler, SharedSlots slots) {
        return Worker.builder().queue(queue).handler(handler).scheduler(time).notifier(WebhookNotifier.NONE)
                .options(WorkerOptions.builder().concurrency(4).pollingInterval(INTERVAL)
                        .minPollingInterval(INTERVAL).shutdownTimeout(DEADLINE).build())
                .sharedSlots(slots, 1).build().start();
    }

    private static String block(String name) {
        return aTaskMessage("block").taskId(name).payload("name", name).toJson();
    }

    private static void awaitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not reached within " + DEADLINE);
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }
}
