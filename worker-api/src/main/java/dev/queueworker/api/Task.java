package dev.queueworker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One task as decoded from a queue message.
 *
 * @param id the message's {@code task_id}, else the queue message id
 * @param type the {@code task_type}, such as {@code ingest}
 * @param payload the {@code payload} object (empty when the message had none); treat as read-only
 * @param webhookUrl the message's {@code webhook_url}, else the worker's default; nullable
 * @param attempt 1 on the first delivery, then the message's dequeue count
 * @param enqueuedAt when the message was put on the queue
 * @param messageId the queue's id of the message
 */
public record Task(String id, String type, ObjectNode payload, String webhookUrl, int attempt, Instant enqueuedAt,
        String messageId) {

    /** The longest string {@link #requireString} and {@link #optionalString} accept by default. */
    public static final int DEFAULT_MAX_STRING_LENGTH = 1024;

    public Task {
        Objects.requireNonNull(id, "'id' cannot be null.");
        Objects.requireNonNull(type, "'type' cannot be null.");
        payload = payload == null ? JsonNodeFactory.instance.objectNode() : payload;
        Objects.requireNonNull(enqueuedAt, "'enqueuedAt' cannot be null.");
        Objects.requireNonNull(messageId, "'messageId' cannot be null.");
        if (attempt < 1) {
            throw new IllegalArgumentException("'attempt' must be at least 1, was " + attempt);
        }
    }

    /**
     * The payload's string field {@code field}: present, a string, not blank, at most
     * {@value #DEFAULT_MAX_STRING_LENGTH} characters and free of control characters.
     *
     * @throws InvalidTaskException naming {@code payload.<field>} otherwise
     */
    public String requireString(String field) {
        return optionalString(field).orElseThrow(() -> new InvalidTaskException("payload." + field, "is required"));
    }

    /**
     * The payload's whole-number field {@code field} when present and not null.
     *
     * @throws InvalidTaskException naming {@code payload.<field>} when it is not a whole number that
     *     fits a {@code long}
     */
    public java.util.OptionalLong optionalLong(String field) {
        JsonNode node = payload.get(field);
        if (node == null || node.isNull()) {
            return java.util.OptionalLong.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidTaskException("payload." + field,
                    "must be a whole number, was " + node.getNodeType().name().toLowerCase());
        }
        return java.util.OptionalLong.of(node.longValue());
    }

    /**
     * The payload's string field {@code field} when present and not null, checked as by
     * {@link #requireString}.
     *
     * @throws InvalidTaskException naming {@code payload.<field>} when present but not a valid string
     */
    public Optional<String> optionalString(String field) {
        JsonNode node = payload.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        String path = "payload." + field;
        if (!node.isTextual()) {
            throw new InvalidTaskException(path, "must be a string, was " + node.getNodeType().name().toLowerCase());
        }
        return Optional.of(TaskMessage.requireLine(path, node.textValue(), DEFAULT_MAX_STRING_LENGTH));
    }
}
