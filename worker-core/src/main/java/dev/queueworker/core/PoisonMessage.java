package dev.queueworker.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.TaskMessage;
import dev.queueworker.core.internal.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A message as it lies on the poison queue: the original body, untouched, plus why it ended there.
 * This is the JSON envelope the engine hands to {@code QueueProvider.moveToPoison}, fitted to the
 * queue's size by {@link #toJson(int)}; operators read it, and {@code queue-worker poison requeue} puts
 * {@link #requeueBody()} back on the task queue.
 *
 * <pre>{@code
 * {"original_body": "...", "reason": "task_type: is required", "error_type": "InvalidMessage",
 *  "attempts": 1, "task_id": "6f1c...", "task_type": null, "message_id": "...",
 *  "client_id": "southhaven", "failed_at": "2026-11-28T12:00:00Z"}
 * }</pre>
 *
 * @param originalBody the message body exactly as received (its start, when {@code truncated})
 * @param reason what went wrong, for a person
 * @param errorType the exception's simple class name, or {@code InvalidMessage},
 *     {@code MaxDequeueCountExceeded}
 * @param attempts how many times the message had been received
 * @param taskId the task id when known, else the message id
 * @param taskType nullable when the message could not be decoded that far
 * @param messageId the queue message id
 * @param clientId the worker's client id
 * @param failedAt when it was moved
 * @param truncated how the original body was cut to fit the poison queue; null when it was not
 */
public record PoisonMessage(String originalBody, String reason, String errorType, long attempts, String taskId,
        String taskType, String messageId, String clientId, Instant failedAt, Truncation truncated) {

    /**
     * The original body was longer than the poison queue holds: {@code original_body} keeps its start,
     * and these identify the whole.
     *
     * @param bytes the whole original body's size in UTF-8 bytes
     * @param sha256 the hex SHA-256 of those bytes
     */
    public record Truncation(long bytes, String sha256) {
    }

    public PoisonMessage {
        Objects.requireNonNull(originalBody, "'originalBody' cannot be null.");
        Objects.requireNonNull(reason, "'reason' cannot be null.");
        Objects.requireNonNull(errorType, "'errorType' cannot be null.");
        Objects.requireNonNull(messageId, "'messageId' cannot be null.");
        Objects.requireNonNull(failedAt, "'failedAt' cannot be null.");
    }

    /** An envelope whose original body is whole. */
    public PoisonMessage(String originalBody, String reason, String errorType, long attempts, String taskId,
            String taskType, String messageId, String clientId, Instant failedAt) {
        this(originalBody, reason, errorType, attempts, taskId, taskType, messageId, clientId, failedAt, null);
    }

    /** This envelope as JSON, however long. */
    public String toJson() {
        return node(originalBody).toString();
    }

    /**
     * This envelope as JSON of at most {@code maxChars} characters (a queue's
     * {@code maxBodyLength()}): when it is longer, {@code original_body} is cut to fit and the envelope
     * says so ({@code original_body_truncated}, with the whole body's size and SHA-256, so an operator
     * can still match it). Such an envelope cannot be requeued.
     */
    public String toJson(int maxChars) {
        String whole = toJson();
        if (whole.length() <= maxChars || truncated != null) {
            return whole;
        }
        byte[] bytes = originalBody.getBytes(StandardCharsets.UTF_8);
        PoisonMessage cut = new PoisonMessage("", reason, errorType, attempts, taskId, taskType, messageId, clientId,
                failedAt, new Truncation(bytes.length, sha256(bytes)));
        ObjectNode fitted = cut.node("");
        int room = maxChars - fitted.toString().length();
        String start = originalBody.substring(0, Math.max(0, Math.min(originalBody.length(), room)));
        while (true) {
            fitted.put("original_body", start);
            String candidate = fitted.toString();
            if (candidate.length() <= maxChars || start.isEmpty()) {
                return candidate;
            }
            // JSON escaping made it longer than the characters kept: cut by the excess, and a bit more.
            int cutTo = Math.max(0, start.length() - (candidate.length() - maxChars) - 16);
            if (cutTo > 0 && Character.isHighSurrogate(start.charAt(cutTo - 1))) {
                cutTo--;
            }
            start = start.substring(0, cutTo);
        }
    }

    private ObjectNode node(String body) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("original_body", body);
        node.put("reason", reason);
        node.put("error_type", errorType);
        node.put("attempts", attempts);
        node.put("task_id", taskId);
        node.put("task_type", taskType);
        node.put("message_id", messageId);
        node.put("client_id", clientId);
        node.put("failed_at", failedAt.toString());
        if (truncated != null) {
            node.put("original_body_truncated", true);
            node.put("original_body_bytes", truncated.bytes());
            node.put("original_body_sha256", truncated.sha256());
        }
        return node;
    }

    /** Why this envelope cannot be requeued, or null when it can. */
    public String whyNotRequeueable() {
        return truncated == null ? null : "its original body was cut to fit the poison queue (" + truncated.bytes()
                + " bytes, sha256 " + truncated.sha256() + ")";
    }

    /**
     * The task message to put back on the task queue: the original body, stored as it was (plain stays
     * plain, Base64 stays Base64), with the task's id written in as {@code task_id} when the original had
     * none, so the requeued task keeps the id its webhooks and logs already used (its message id will be
     * new). A body that is not a task message is returned unchanged: it fails again the same way.
     *
     * @throws IllegalStateException when the original body was cut ({@link #whyNotRequeueable()})
     */
    public String requeueBody() {
        if (truncated != null) {
            throw new IllegalStateException("cannot requeue: " + whyNotRequeueable());
        }
        if (taskId == null) {
            return originalBody;
        }
        TaskMessage.Encoding encoding = TaskMessage.Encoding.of(originalBody);
        ObjectNode root;
        try {
            JsonNode node = Json.TREE_READER.readValue(TaskMessage.jsonOf(originalBody));
            if (node == null || !node.isObject()) {
                return originalBody;
            }
            root = (ObjectNode) node;
        } catch (JsonProcessingException | InvalidTaskException e) {
            return originalBody;
        }
        JsonNode id = root.get(TaskMessage.TASK_ID);
        if (id != null && !id.isNull()) {
            return originalBody; // it has its own id: replay it untouched
        }
        try {
            TaskMessage.checkTaskId(taskId);
        } catch (InvalidTaskException e) {
            return originalBody;
        }
        ObjectNode withId = Json.MAPPER.createObjectNode().put(TaskMessage.TASK_ID, taskId);
        root.fields().forEachRemaining(f -> {
            if (!f.getKey().equals(TaskMessage.TASK_ID)) {
                withId.set(f.getKey(), f.getValue());
            }
        });
        return encoding.encode(withId.toString());
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
            throw new IllegalArgumentException("poison message is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("poison message must be a JSON object");
        }
        Truncation truncation = node.path("original_body_truncated").asBoolean(false)
                ? new Truncation(node.path("original_body_bytes").asLong(), node.path("original_body_sha256").asText())
                : null;
        try {
            return new PoisonMessage(required(node, "original_body"), required(node, "reason"),
                    required(node, "error_type"), node.path("attempts").asLong(0), optional(node, "task_id"),
                    optional(node, "task_type"), required(node, "message_id"), optional(node, "client_id"),
                    Instant.parse(required(node, "failed_at")), truncation);
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

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "PoisonMessage[taskId=" + taskId + ", taskType=" + taskType + ", errorType=" + errorType
                + ", attempts=" + attempts + ", reason=" + reason + (truncated != null ? ", truncated" : "") + "]";
    }
}
