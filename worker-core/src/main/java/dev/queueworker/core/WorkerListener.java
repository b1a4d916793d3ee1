package dev.queueworker.core;

import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookEvent;
import java.time.Duration;

/**
 * Hears what the engine does, for progress displays, audits and tests. Every method does nothing by
 * default, so new events never break implementers (as OkHttp's {@code EventListener}).
 *
 * <p>Methods are called on engine threads, possibly concurrently, and must return quickly and not
 * throw; an exception thrown here is logged and ignored.
 */
public interface WorkerListener {

    /** A listener that does nothing. */
    WorkerListener NONE = new WorkerListener() {
    };

    /**
     * One listener that tells each of {@code listeners} every event, in order; one that throws does
     * not keep the event from the others.
     */
    static WorkerListener all(WorkerListener... listeners) {
        return new dev.queueworker.core.internal.SafeListener(java.util.List.of(listeners),
                org.slf4j.LoggerFactory.getLogger(WorkerListener.class));
    }

    /** A handler is about to run {@code task}. */
    default void taskStarted(Task task) {
    }

    /** A handler reported progress. */
    default void taskProgress(Task task, double fraction, String message) {
    }

    /** The task succeeded and its message was deleted. */
    default void taskCompleted(Task task, TaskResult result, Duration duration) {
    }

    /** The attempt failed transiently; the message will be visible again after {@code delay}. */
    default void taskRetryScheduled(Task task, Throwable error, Duration delay) {
    }

    /** A message went to the poison queue; {@code task} is null when it could not be decoded. */
    default void messagePoisoned(Task task, PoisonMessage poison) {
    }

    /** The task's lease was lost: it was cancelled and its message left alone. */
    default void leaseLost(Task task) {
    }

    /** Shutdown released the task's message unfinished: it is visible again for another worker. */
    default void taskReleased(Task task) {
    }

    /** A webhook delivery ended, successfully or not. */
    default void webhookDelivered(WebhookEvent event, WebhookDelivery delivery) {
    }
}
