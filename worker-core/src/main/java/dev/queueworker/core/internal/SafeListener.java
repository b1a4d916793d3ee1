package dev.queueworker.core.internal;

import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.core.WorkerListener;
import java.time.Duration;
import org.slf4j.Logger;

/** A {@link WorkerListener} whose every call is isolated: what the user's listener throws is logged and ignored. */
final class SafeListener implements WorkerListener {
    private final WorkerListener delegate;
    private final Logger log;

    SafeListener(WorkerListener delegate, Logger log) {
        this.delegate = delegate;
        this.log = log;
    }

    private void call(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("A WorkerListener threw; ignoring it", e);
        }
    }

    @Override
    public void taskStarted(Task task) {
        call(() -> delegate.taskStarted(task));
    }

    @Override
    public void taskProgress(Task task, double fraction, String message) {
        call(() -> delegate.taskProgress(task, fraction, message));
    }

    @Override
    public void taskCompleted(Task task, TaskResult result, Duration duration) {
        call(() -> delegate.taskCompleted(task, result, duration));
    }

    @Override
    public void taskRetryScheduled(Task task, Throwable error, Duration delay) {
        call(() -> delegate.taskRetryScheduled(task, error, delay));
    }

    @Override
    public void messagePoisoned(Task task, PoisonMessage poison) {
        call(() -> delegate.messagePoisoned(task, poison));
    }

    @Override
    public void leaseLost(Task task) {
        call(() -> delegate.leaseLost(task));
    }

    @Override
    public void taskReleased(Task task) {
        call(() -> delegate.taskReleased(task));
    }

    @Override
    public void webhookDelivered(WebhookEvent event, WebhookDelivery delivery) {
        call(() -> delegate.webhookDelivered(event, delivery));
    }
}
