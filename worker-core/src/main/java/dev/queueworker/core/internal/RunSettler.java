package dev.queueworker.core.internal;

import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.Receipt;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskError;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.TaskStatus;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.core.WorkerListener;
import dev.queueworker.core.internal.Decision.Poison;
import dev.queueworker.core.internal.WorkerMetrics.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Carries out a {@link Decision} for a run: reports the outcome through the {@link WebhookOutbox},
 * makes the final queue operation on the run's newest receipt (delete, release with a delay, or move
 * to the poison queue), then logs, counts and tells the listener. An outcome whose webhook is refused
 * or rejected is never dropped: it is kept on the poison queue with the reason.
 */
final class RunSettler {
    private final QueueProvider queue;
    private final WebhookOutbox outbox;
    private final OutcomePolicy policy;
    private final String clientId;
    private final int maxDequeueCount;
    private final Clock clock;
    private final WorkerMetrics metrics;
    private final WorkerListener listener;
    private final Logger log;

    RunSettler(QueueProvider queue, WebhookOutbox outbox, OutcomePolicy policy, String clientId, int maxDequeueCount,
            Clock clock, WorkerMetrics metrics, WorkerListener listener, Logger log) {
        this.queue = queue;
        this.outbox = outbox;
        this.policy = policy;
        this.clientId = clientId;
        this.maxDequeueCount = maxDequeueCount;
        this.clock = clock;
        this.metrics = metrics;
        this.listener = listener;
        this.log = log;
    }

    /**
     * Where the final delete or visibility update of a finished run runs: on the calling thread
     * ({@link #HERE}) or handed off to the settling threads ({@link FinalOps}).
     */
    interface Lane {
        /** The calling thread runs it. */
        Lane HERE = (run, operation) -> {
            operation.run();
            return false;
        };

        /**
         * Runs or hands off {@code operation}, the final queue operation of {@code run} and what follows it.
         *
         * @return true when handed off: the run ends when the operation is done, on another thread
         */
        boolean run(Run run, Runnable operation);
    }

    /** Success: a {@code completed} webhook where a URL is known, then the message is deleted. */
    void complete(Run run, Task task, TaskResult result, Duration duration) {
        complete(run, task, result, duration, Lane.HERE);
    }

    /**
     * As {@link #complete(Run, Task, TaskResult, Duration)}, with the delete run in {@code lane}.
     *
     * @return true when the delete was handed off (the run ends later, on another thread)
     */
    boolean complete(Run run, Task task, TaskResult result, Duration duration, Lane lane) {
        TaskRef ref = TaskRef.of(task);
        WebhookEvent event = null;
        Optional<Poison> notTaken = Optional.empty();
        if (task.webhookUrl() != null) {
            event = outbox.event(run, ref, TaskStatus.COMPLETED, result.data(), null);
            notTaken = policy.afterDelivery(outbox.send(event));
        }
        if (notTaken.isPresent()) {
            // Kept, not dropped: the outcome goes to the poison queue as the webhook that can be requeued.
            PoisonMessage kept = envelope(run, WebhookOutbox.storedMessage(event), event.taskId(),
                    WebhookOutbox.WEBHOOK_TASK_TYPE, notTaken.get());
            if (moveToPoison(run, kept)) {
                completed(task, result, duration);
                outcomeKept(task, kept);
            }
            return false;
        }
        return lane.run(run, () -> {
            if (settle(run, queue::delete)) {
                completed(task, result, duration);
            }
        });
    }

    private void completed(Task task, TaskResult result, Duration duration) {
        metrics.task(task.type(), Outcome.COMPLETED, duration);
        log.info("Task {} completed with status: completed", task.id());
        listener.taskCompleted(task, result, duration);
    }

    /** A transient failure: the message is visible again after {@code retry}'s delay. */
    void retry(Run run, Task task, Throwable failure, Decision.Retry retry, Duration duration) {
        retry(run, task, failure, retry, duration, Lane.HERE);
    }

    /**
     * As {@link #retry(Run, Task, Throwable, Decision.Retry, Duration)}, with the visibility update run
     * in {@code lane}.
     *
     * @return true when it was handed off (the run ends later, on another thread)
     */
    boolean retry(Run run, Task task, Throwable failure, Decision.Retry retry, Duration duration, Lane lane) {
        Duration delay = retry.delay();
        return lane.run(run, () -> {
            if (!settle(run, r -> queue.release(r, delay))) {
                return;
            }
            metrics.task(task.type(), Outcome.RETRIED, duration);
            log.warn("Task {} failed on attempt {} of {}; retrying in {}: {}", task.id(), task.attempt(),
                    maxDequeueCount, delay, OutcomePolicy.describe(failure));
            listener.taskRetryScheduled(task, failure, delay);
        });
    }

    /**
     * Ends a message for good: a {@code failed} webhook where a URL is known, then the poison queue
     * with the original body and the reason (and, when that webhook was refused or rejected, why).
     */
    void poison(Run run, TaskRef ref, Poison poison) {
        String reason = poison.reason();
        if (ref.webhookUrl() != null) {
            WebhookDelivery delivery = outbox.send(outbox.event(run, ref, TaskStatus.FAILED, null,
                    new TaskError(poison.errorType(), reason)));
            Optional<Poison> notTaken = policy.afterDelivery(delivery);
            if (notTaken.isPresent()) {
                reason = reason + "; the failed webhook was not taken: " + notTaken.get().reason();
            }
        }
        PoisonMessage envelope = envelope(run, run.message.body(), ref.taskId(), ref.taskType(),
                new Poison(reason, poison.errorType()));
        if (!moveToPoison(run, envelope)) {
            return;
        }
        metrics.task(ref.typeTag(), Outcome.POISONED, Duration.between(run.startedAt(), clock.instant()));
        log.error("Task {} completed with status: failed ({}: {}); moved to the poison queue", ref.taskId(),
                poison.errorType(), poison.reason());
        listener.messagePoisoned(ref.task(), envelope);
    }

    /**
     * A kept outcome ({@code queue-worker.webhook}) was tried again; {@code decision} says what follows,
     * its delete or visibility update run in {@code lane}.
     *
     * @return true when that was handed off (the run ends later, on another thread)
     */
    boolean redelivered(Run run, String taskId, WebhookDelivery delivery, Decision decision, Lane lane) {
        if (decision instanceof Decision.Poison poison) {
            poisonWebhook(run, taskId, poison);
            return false;
        }
        if (decision instanceof Decision.Retry retry) {
            return lane.run(run, () -> {
                if (settle(run, r -> queue.release(r, retry.delay()))) {
                    log.error("Webhook failed: {}; kept on the queue, next try in {}", delivery.detail(), retry.delay());
                }
            });
        }
        return lane.run(run, () -> settle(run, queue::delete));
    }

    /** Poisons an internal webhook message: no webhook about a webhook. */
    void poisonWebhook(Run run, String taskId, Poison poison) {
        PoisonMessage envelope = envelope(run, run.message.body(), taskId, WebhookOutbox.WEBHOOK_TASK_TYPE, poison);
        if (!moveToPoison(run, envelope)) {
            return;
        }
        metrics.task(WebhookOutbox.WEBHOOK_TASK_TYPE, Outcome.POISONED,
                Duration.between(run.startedAt(), clock.instant()));
        log.error("Webhook for task {} moved to the poison queue: {}", taskId, poison.reason());
        listener.messagePoisoned(null, envelope);
    }

    private void outcomeKept(Task task, PoisonMessage kept) {
        log.error("Webhook for task {} moved to the poison queue: {}", task.id(), kept.reason());
        listener.messagePoisoned(task, kept);
    }

    private PoisonMessage envelope(Run run, String body, String taskId, String taskType, Poison poison) {
        return new PoisonMessage(body, poison.reason(), poison.errorType(), run.message.dequeueCount(), taskId,
                taskType, run.message.messageId(), clientId, clock.instant());
    }

    /** @return whether the envelope is on the poison queue; false when the lease was lost first */
    private boolean moveToPoison(Run run, PoisonMessage poison) {
        if (!settle(run, r -> queue.moveToPoison(r, poison.toJson(queue.maxBodyLength())))) {
            return false;
        }
        metrics.poisoned(poison.errorType());
        return true;
    }

    /**
     * Runs the final queue operation on the newest receipt, unless the run was abandoned.
     *
     * @return whether it was done
     */
    boolean settle(Run run, Consumer<Receipt> operation) {
        Run.Settled settled = run.settle(operation);
        if (settled == Run.Settled.LEASE_LOST) {
            log.warn("Task {} finished but its lease was lost; the message is left to whoever holds it", run.label());
            metrics.task(run.typeTag(), Outcome.LEASE_LOST, null);
        }
        return settled == Run.Settled.DONE;
    }
}
