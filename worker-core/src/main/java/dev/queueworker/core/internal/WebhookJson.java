package dev.queueworker.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.TaskError;
import dev.queueworker.api.TaskStatus;
import dev.queueworker.api.WebhookEvent;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.UUID;

/**
 * The webhook's JSON forms: the body POSTed to receivers (DESIGN.md, "Webhook contract") and the
 * stored form that keeps an undelivered event durably on the queue.
 */
public final class WebhookJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private WebhookJson() {
    }

    /** The webhook body: UTF-8 JSON with the contract's snake_case keys in the contract's order. */
    public static byte[] payload(WebhookEvent e) {
        Objects.requireNonNull(e, "'e' cannot be null.");
        ObjectNode n = NODES.objectNode();
        writePayloadFields(e, n);
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (JsonProcessingException ex) {
            // A tree of plain nodes always serializes; this would be a Jackson bug.
            throw new UncheckedIOException(ex);
        }
    }

    /** The payload's fields plus {@code webhook_id} and {@code url}: everything {@link #fromStored} needs. */
    public static ObjectNode toStored(WebhookEvent e) {
        Objects.requireNonNull(e, "'e' cannot be null.");
        ObjectNode n = NODES.objectNode();
        n.put("webhook_id", e.webhookId());
        n.put("url", e.url());
        writePayloadFields(e, n);
        return n;
    }

    /**
     * The inverse of {@link #toStored}.
     *
     * @throws IllegalArgumentException naming the field when one is missing or has the wrong type
     */
    public static WebhookEvent fromStored(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("a stored webhook must be a JSON object");
        }
        String status = requiredText(n, "status");
        TaskStatus taskStatus;
        if (TaskStatus.COMPLETED.wireName().equals(status)) {
            taskStatus = TaskStatus.COMPLETED;
        } else if (TaskStatus.FAILED.wireName().equals(status)) {
            taskStatus = TaskStatus.FAILED;
        } else {
            throw new IllegalArgumentException("'status' must be 'completed' or 'failed'");
        }
        JsonNode result = n.get("result");
        if (result != null && !result.isNull() && !result.isObject()) {
            throw new IllegalArgumentException("'result' must be an object or null");
        }
        JsonNode error = n.get("error");
        TaskError taskError = null;
        if (error != null && !error.isNull()) {
            if (!error.isObject()) {
                throw new IllegalArgumentException("'error' must be an object or null");
            }
            taskError = new TaskError(requiredText(error, "error.type"), requiredText(error, "error.message"));
        }
        JsonNode attempt = n.get("attempt");
        if (attempt == null || !attempt.isInt()) {
            throw new IllegalArgumentException("'attempt' must be an integer");
        }
        JsonNode taskType = n.get("task_type");
        if (taskType != null && !taskType.isNull() && !taskType.isTextual()) {
            throw new IllegalArgumentException("'task_type' must be a string or null");
        }
        return new WebhookEvent(
                requiredText(n, "webhook_id"),
                requiredText(n, "url"),
                requiredText(n, "task_id"),
                taskType == null || taskType.isNull() ? null : taskType.textValue(),
                requiredText(n, "client_id"),
                taskStatus,
                result == null || result.isNull() ? null : ((ObjectNode) result).deepCopy(),
                taskError,
                attempt.intValue(),
                requiredInstant(n, "started_at"),
                requiredInstant(n, "completed_at"));
    }

    /**
     * The stable id of one task outcome: {@code msg_} and the 32 hex digits of a name-based UUID of
     * client id, task id and status, so every delivery of the same outcome carries the same id.
     */
    public static String webhookId(String clientId, String taskId, TaskStatus status) {
        Objects.requireNonNull(clientId, "'clientId' cannot be null.");
        Objects.requireNonNull(taskId, "'taskId' cannot be null.");
        Objects.requireNonNull(status, "'status' cannot be null.");
        String name = clientId + "\n" + taskId + "\n" + status.wireName();
        UUID uuid = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        return "msg_" + uuid.toString().replace("-", "");
    }

    private static void writePayloadFields(WebhookEvent e, ObjectNode n) {
        n.put("task_id", e.taskId());
        n.put("task_type", e.taskType());
        n.put("client_id", e.clientId());
        n.put("status", e.status().wireName());
        if (e.result() == null) {
            n.putNull("result");
        } else {
            n.set("result", e.result().deepCopy());
        }
        if (e.error() == null) {
            n.putNull("error");
        } else {
            ObjectNode error = n.putObject("error");
            error.put("type", e.error().type());
            error.put("message", e.error().message());
        }
        n.put("attempt", e.attempt());
        n.put("started_at", e.startedAt().toString());
        n.put("completed_at", e.completedAt().toString());
    }

    private static String requiredText(JsonNode parent, String path) {
        String field = path.substring(path.lastIndexOf('.') + 1);
        JsonNode v = parent.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("'" + path + "' must be a string");
        }
        return v.textValue();
    }

    private static Instant requiredInstant(JsonNode parent, String field) {
        String text = requiredText(parent, field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException ex) {
            throw new IllegalArgumentException("'" + field + "' must be an ISO-8601 UTC instant");
        }
    }
}
