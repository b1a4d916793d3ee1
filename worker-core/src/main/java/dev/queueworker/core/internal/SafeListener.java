package dev.queueworker.core.internal;

import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.core.WorkerListener;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * {@link WorkerListener}s whose every call is isolated: what one throws is logged and ignored, and
 * the others still hear the event. The engine wraps its listener in one; {@link WorkerListener#all}
 * makes one of several.
 */
public final class SafeListener implements WorkerListener {
    private final List<WorkerListener> delegates;
    private final Logger log;

    SafeListener(WorkerListener delegate, Logger log) {
        this(List.of(delegate), log);
    }

    /** Tells each of {@code delegates}, in order, every event. */
    public SafeListener(List<WorkerListener> delegates, Logger log) {
        this.delegates = List.copyOf(delegates);
        this.log = log;
    }

    private void call(Consumer<WorkerListener> call) {
        for (WorkerListener delegate : delegates) {
            try {
                call.accept(delegate);
            } catch (RuntimeException e) {
                log.warn("A WorkerListener threw; ignoring it", e);
            }
        }
    }

    @Override
    public void taskStarted(Task task) {
        call(delegate -> delegate.taskStarted(task));
    }

    @Override
    public void taskProgress(Task task, double fraction, String message) {
        call(delegate -> delegate.taskProgress(task, fraction, message));
    }

    @Override
    public void taskCompleted(Task task, TaskResult result, Duration duration) {
        call(delegate -> delegate.taskCompleted(task, result, duration));
    }

    @Override
    public void taskRetryScheduled(Task task, Throwable error, Duration delay) {
        call(delegate -> delegate.taskRetryScheduled(task, error, delay));
    }

    @Override
    public void messagePoisoned(Task task, PoisonMessage poison) {
        call(delegate -> delegate.messagePoisoned(task, poison));
    }

    @Override
    public void leaseLost(Task task) {
        call(delegate -> delegate.leaseLost(task));
    }

    @Override
    public void taskReleased(Task task) {
        call(delegate -> delegate.taskReleased(task));
    }

    @Override
    public void webhookDelivered(WebhookEvent event, WebhookDelivery delivery) {
        call(delegate -> delegate.webhookDelivered(event, delivery));
    }
}
