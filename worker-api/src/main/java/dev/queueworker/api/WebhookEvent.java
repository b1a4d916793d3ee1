package dev.queueworker.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One task outcome to report by webhook; its fields are the webhook's JSON body.
 *
 * @param webhookId stable for one task outcome, so receivers can drop duplicates
 * @param url where to POST it
 * @param taskId the task's id
 * @param taskType the task's type; nullable when the message could not be decoded that far
 * @param clientId the worker's client id
 * @param status completed or failed
 * @param result the handler's result on success; nullable
 * @param error what went wrong on failure; nullable
 * @param attempt the attempt that produced the outcome
 * @param startedAt when that attempt started
 * @param completedAt when it ended
 */
public record WebhookEvent(String webhookId, String url, String taskId, String taskType, String clientId,
        TaskStatus status, ObjectNode result, TaskError error, int attempt, Instant startedAt, Instant completedAt) {
    public WebhookEvent {
        Objects.requireNonNull(webhookId, "'webhookId' cannot be null.");
        Objects.requireNonNull(url, "'url' cannot be null.");
        Objects.requireNonNull(taskId, "'taskId' cannot be null.");
        Objects.requireNonNull(clientId, "'clientId' cannot be null.");
        Objects.requireNonNull(status, "'status' cannot be null.");
        Objects.requireNonNull(startedAt, "'startedAt' cannot be null.");
        Objects.requireNonNull(completedAt, "'completedAt' cannot be null.");
    }
}
