package dev.queueworker.core.engine;

import dev.queueworker.api.CancellationReason;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs until the test releases the task by its payload {@code name}; records runs and cancellations. */
final class BlockingHandler implements TaskHandler {
    final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    final Map<String, CancellationReason> cancellations = new ConcurrentHashMap<>();
    private final CountDownLatch anyStarted = new CountDownLatch(1);

    @Override
    public String taskType() {
        return "block";
    }

    @Override
    public TaskResult handle(Task task, TaskContext context) throws InterruptedException {
        String name = task.requireString("name");
        runs.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        context.onCancel(() -> cancellations.put(name, context.cancellationReason().orElseThrow()));
        anyStarted.countDown();
        if (!gate(name).await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test never released " + name);
        }
        return TaskResult.of(TaskResult.newData().put("name", name));
    }

    CountDownLatch gate(String name) {
        return gates.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    void release(String name) {
        gate(name).countDown();
    }

    int runs(String name) {
        AtomicInteger count = runs.get(name);
        return count == null ? 0 : count.get();
    }

    /** Waits until {@code count} distinct names have started. */
    void awaitStarted(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        anyStarted.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        while (runs.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + runs.keySet() + " started within " + timeout);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
    }
}
