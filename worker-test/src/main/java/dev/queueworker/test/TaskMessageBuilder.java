package dev.queueworker.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Builds queue message bodies as a frontend would send them, plain or Base64.
 *
 * <pre>{@code
 * String body = aTaskMessage("ingest")
 *         .taskId("t-1")
 *         .payload("filename", "report.pdf")
 *         .payload("document_set", "policies")
 *         .toJson();
 * }</pre>
 */
public final class TaskMessageBuilder {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ObjectNode root = MAPPER.createObjectNode();
    private final ObjectNode payload = MAPPER.createObjectNode();

    private TaskMessageBuilder(String taskType) {
        root.put("task_type", taskType);
        root.set("payload", payload);
    }

    /** A message of {@code taskType} with an empty payload and no task id. */
    public static TaskMessageBuilder aTaskMessage(String taskType) {
        return new TaskMessageBuilder(Objects.requireNonNull(taskType, "'taskType' cannot be null."));
    }

    public TaskMessageBuilder taskId(String taskId) {
        root.put("task_id", taskId);
        return this;
    }

    public TaskMessageBuilder webhookUrl(String webhookUrl) {
        root.put("webhook_url", webhookUrl);
        return this;
    }

    public TaskMessageBuilder payload(String field, String value) {
        payload.put(field, value);
        return this;
    }

    public TaskMessageBuilder payload(String field, long value) {
        payload.put(field, value);
        return this;
    }

    public TaskMessageBuilder payload(String field, boolean value) {
        payload.put(field, value);
        return this;
    }

    public TaskMessageBuilder payload(String field, JsonNode value) {
        payload.set(field, value);
        return this;
    }

    /** Sets any top-level field, for messages that break the contract on purpose. */
    public TaskMessageBuilder field(String field, JsonNode value) {
        root.set(field, value);
        return this;
    }

    /** The body as plain JSON. */
    public String toJson() {
        return root.toString();
    }

    /** The body as Base64 of the JSON, as Azure Functions and some SDKs send it. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(toJson().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return toJson();
    }
}
