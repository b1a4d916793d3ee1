package dev.queueworker.test;

import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.core.WorkerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link WorkerListener} that records what the engine did, with waits for tests.
 *
 * <pre>{@code
 * RecordingWorkerListener events = new RecordingWorkerListener();
 * Worker worker = Worker.builder()...listener(events).build().start();
 * TaskResult result = events.awaitCompleted("t-1", Duration.ofSeconds(10));
 * }</pre>
 */
public final class RecordingWorkerListener implements WorkerListener {

    /** One thing the engine did. {@code task} is null for messages that could not be decoded. */
    public sealed interface Event permits Started, Progress, Completed, RetryScheduled, Poisoned, LeaseLost, Released, Webhook {
    }

    public record Started(Task task) implements Event {
    }

    public record Progress(Task task, double fraction, String message) implements Event {
    }

    public record Completed(Task task, TaskResult result, Duration duration) implements Event {
    }

    public record RetryScheduled(Task task, Throwable error, Duration delay) implements Event {
    }

    public record Poisoned(Task task, PoisonMessage poison) implements Event {
    }

    public record LeaseLost(Task task) implements Event {
    }

    public record Released(Task task) implements Event {
    }

    public record Webhook(WebhookEvent event, WebhookDelivery delivery) implements Event {
    }

    private final List<Event> events = new ArrayList<>();

    @Override
    public void taskStarted(Task task) {
        add(new Started(task));
    }

    @Override
    public void taskProgress(Task task, double fraction, String message) {
        add(new Progress(task, fraction, message));
    }

    @Override
    public void taskCompleted(Task task, TaskResult result, Duration duration) {
        add(new Completed(task, result, duration));
    }

    @Override
    public void taskRetryScheduled(Task task, Throwable error, Duration delay) {
        add(new RetryScheduled(task, error, delay));
    }

    @Override
    public void messagePoisoned(Task task, PoisonMessage poison) {
        add(new Poisoned(task, poison));
    }

    @Override
    public void leaseLost(Task task) {
        add(new LeaseLost(task));
    }

    @Override
    public void taskReleased(Task task) {
        add(new Released(task));
    }

    @Override
    public void webhookDelivered(WebhookEvent event, WebhookDelivery delivery) {
        add(new Webhook(event, delivery));
    }

    private synchronized void add(Event event) {
        events.add(event);
        notifyAll();
    }

    /** Everything recorded so far, in order. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The recorded events of one kind. */
    public <T extends Event> List<T> events(Class<T> kind) {
        return events().stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /**
     * Waits until an event of {@code kind} matching {@code condition} is recorded.
     *
     * @throws AssertionError on timeout, listing what was recorded
     */
    public <T extends Event> T await(Class<T> kind, Predicate<? super T> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                for (Event event : events) {
                    if (kind.isInstance(event) && condition.test(kind.cast(event))) {
                        return kind.cast(event);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + kind.getSimpleName() + " event matched within " + timeout
                            + "; recorded: " + events);
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting", e);
                }
            }
        }
    }

    /** Waits until {@code count} events of {@code kind} are recorded; returns them. */
    public <T extends Event> List<T> awaitCount(Class<T> kind, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                List<T> matching = events.stream().filter(kind::isInstance).map(kind::cast).toList();
                if (matching.size() >= count) {
                    return matching;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " " + kind.getSimpleName() + " events within "
                            + timeout + ", got " + matching.size() + ": " + matching);
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting", e);
                }
            }
        }
    }

    /** Waits for task {@code taskId} to complete; returns its result. */
    public TaskResult awaitCompleted(String taskId, Duration timeout) {
        return await(Completed.class, c -> c.task().id().equals(taskId), timeout).result();
    }

    /** Waits for the message of task {@code taskId} to be poisoned; returns the poison envelope. */
    public PoisonMessage awaitPoisoned(String taskId, Duration timeout) {
        return await(Poisoned.class, p -> taskId.equals(p.poison().taskId()), timeout).poison();
    }
}
