package dev.queueworker.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.core.internal.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A message as it lies on the poison queue: the original body, untouched, plus why it ended there.
 * This is the JSON envelope the engine hands to {@code QueueProvider.moveToPoison}; operators read
 * it, and {@code queue-worker poison requeue} puts {@link #originalBody()} back on the task queue.
 *
 * <pre>{@code
 * {"original_body": "...", "reason": "task_type: is required", "error_type": "InvalidMessage",
 *  "attempts": 1, "task_id": "6f1c...", "task_type": null, "message_id": "...",
 *  "client_id": "southhaven", "failed_at": "2026-11-28T12:00:00Z"}
 * }</pre>
 *
 * @param originalBody the message body exactly as received
 * @param reason what went wrong, for a person
 * @param errorType the exception's simple class name, or {@code InvalidMessage},
 *     {@code MaxDequeueCountExceeded}
 * @param attempts how many times the message had been received
 * @param taskId the task id when known, else the message id
 * @param taskType nullable when the message could not be decoded that far
 * @param messageId the queue message id
 * @param clientId the worker's client id
 * @param failedAt when it was moved
 */
public record PoisonMessage(String originalBody, String reason, String errorType, long attempts, String taskId,
        String taskType, String messageId, String clientId, Instant failedAt) {

    public PoisonMessage {
        Objects.requireNonNull(originalBody, "'originalBody' cannot be null.");
        Objects.requireNonNull(reason, "'reason' cannot be null.");
        Objects.requireNonNull(errorType, "'errorType' cannot be null.");
        Objects.requireNonNull(messageId, "'messageId' cannot be null.");
        Objects.requireNonNull(failedAt, "'failedAt' cannot be null.");
    }

    /** This envelope as JSON. */
    public String toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("original_body", originalBody);
        node.put("reason", reason);
        node.put("error_type", errorType);
        node.put("attempts", attempts);
        node.put("task_id", taskId);
        node.put("task_type", taskType);
        node.put("message_id", messageId);
        node.put("client_id", clientId);
        node.put("failed_at", failedAt.toString());
        return node.toString();
    }

    /**
     * Reads an envelope written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static PoisonMessage parse(String json) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("poison message is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("poison message must be a JSON object");
        }
        try {
            return new PoisonMessage(required(node, "original_body"), required(node, "reason"),
                    required(node, "error_type"), node.path("attempts").asLong(0), optional(node, "task_id"),
                    optional(node, "task_type"), required(node, "message_id"), optional(node, "client_id"),
                    Instant.parse(required(node, "failed_at")));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("poison message field 'failed_at' is not an ISO-8601 instant");
        }
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("poison message field '" + field + "' is missing or not a string");
        }
        return value.textValue();
    }

    private static String optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.textValue();
    }

    @Override
    public String toString() {
        return "PoisonMessage[taskId=" + taskId + ", taskType=" + taskType + ", errorType=" + errorType
                + ", attempts=" + attempts + ", reason=" + reason + "]";
    }
}
