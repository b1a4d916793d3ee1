package dev.queueworker.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.TaskError;
import dev.queueworker.api.TaskMessage;
import dev.queueworker.api.TaskStatus;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.WorkerListener;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Where task outcomes leave the worker: delivered now through the {@link WebhookNotifier}, or, when
 * the receiver cannot take them now, kept on the task queue as a {@code queue-worker.webhook}
 * message for any worker to deliver later. Logs each delivery and counts it.
 */
final class WebhookOutbox {
    /** The internal task type of a webhook kept on the queue for later delivery. */
    static final String WEBHOOK_TASK_TYPE = "queue-worker.webhook";

    private final WebhookNotifier notifier;
    private final QueueProvider queue;
    private final String clientId;
    private final Duration firstRetryDelay;
    private final Clock clock;
    private final WorkerMetrics metrics;
    private final WorkerListener listener;
    private final Logger log;

    WebhookOutbox(WebhookNotifier notifier, QueueProvider queue, String clientId, Duration firstRetryDelay, Clock clock,
            WorkerMetrics metrics, WorkerListener listener, Logger log) {
        this.notifier = notifier;
        this.queue = queue;
        this.clientId = clientId;
        this.firstRetryDelay = firstRetryDelay;
        this.clock = clock;
        this.metrics = metrics;
        this.listener = listener;
        this.log = log;
    }

    /** The outcome of {@code run} as a webhook to {@code ref}'s URL, completed now. */
    WebhookEvent event(Run run, TaskRef ref, TaskStatus status, ObjectNode result, TaskError error) {
        return new WebhookEvent(WebhookJson.webhookId(clientId, ref.taskId(), status), ref.webhookUrl(), ref.taskId(),
                ref.taskType(), clientId, status, result, error, run.context.attempt(), run.startedAt(),
                clock.instant());
    }

    /**
     * Delivers an outcome; when the receiver cannot take it now, keeps it on the queue for later.
     *
     * @return how the delivery went; {@code RETRY_LATER} means it is kept on the queue
     * @throws RetryableException when it can be neither delivered nor kept: the task runs again
     */
    WebhookDelivery send(WebhookEvent event) {
        WebhookDelivery delivery = deliver(event);
        if (delivery.outcome() == WebhookDelivery.Outcome.RETRY_LATER) {
            queue.send(storedMessage(event), firstRetryDelay);
            log.error("Webhook failed: {}; kept on the queue, next try in {}", delivery.detail(), firstRetryDelay);
        }
        return delivery;
    }

    /** One delivery through the notifier, logged, counted and heard by the listener; never throws. */
    WebhookDelivery deliver(WebhookEvent event) {
        WebhookDelivery delivery;
        try {
            delivery = notifier.deliver(event);
        } catch (RuntimeException e) {
            delivery = new WebhookDelivery(WebhookDelivery.Outcome.RETRY_LATER, 0, 0, OutcomePolicy.describe(e));
        }
        metrics.webhook(delivery.outcome());
        listener.webhookDelivered(event, delivery);
        switch (delivery.outcome()) {
            case DELIVERED -> log.info("Webhook sent successfully to {}", Urls.redact(event.url()));
            case REJECTED, REFUSED -> log.error("Webhook failed: {}", delivery.detail());
            case SKIPPED -> log.debug("Webhook skipped: {}", delivery.detail());
            default -> {
                // RETRY_LATER is logged by the caller, which knows what happens next.
            }
        }
        return delivery;
    }

    /** The body of the {@code queue-worker.webhook} message that keeps {@code event} on the queue. */
    static String storedMessage(WebhookEvent event) {
        return TaskMessage.builder(WEBHOOK_TASK_TYPE).taskId(event.taskId()).payload(WebhookJson.toStored(event))
                .build().toJson();
    }

    /**
     * Reads a kept outcome back from its message's payload.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    static WebhookEvent readStored(JsonNode payload) {
        return WebhookJson.fromStored(payload);
    }
}
