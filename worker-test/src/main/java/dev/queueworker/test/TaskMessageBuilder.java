package dev.queueworker.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.TaskMessage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds queue message bodies as a frontend would send them, plain or Base64, for tests: a
 * test-data builder over {@link TaskMessage}, which writes every valid message. It also writes
 * messages that break the contract on purpose ({@link #field}, a bad {@link #webhookUrl}), which
 * {@link TaskMessage} would refuse, with the same field names and order.
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
    private final String taskType;
    private final ObjectNode payload = JsonNodeFactory.instance.objectNode();
    private final Map<String, JsonNode> overrides = new LinkedHashMap<>();
    private String taskId;
    private String webhookUrl;

    private TaskMessageBuilder(String taskType) {
        this.taskType = taskType;
    }

    /** A message of {@code taskType} with an empty payload and no task id. */
    public static TaskMessageBuilder aTaskMessage(String taskType) {
        return new TaskMessageBuilder(Objects.requireNonNull(taskType, "'taskType' cannot be null."));
    }

    public TaskMessageBuilder taskId(String taskId) {
        this.taskId = taskId;
        return this;
    }

    public TaskMessageBuilder webhookUrl(String webhookUrl) {
        this.webhookUrl = webhookUrl;
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
        overrides.put(field, value);
        return this;
    }

    /** The message, when it keeps the contract. */
    public TaskMessage build() {
        return TaskMessage.builder(taskType).taskId(taskId).webhookUrl(webhookUrl).payload(payload).build();
    }

    /** The body as plain JSON. */
    public String toJson() {
        if (overrides.isEmpty()) {
            try {
                return build().toJson();
            } catch (InvalidTaskException e) {
                // broken on purpose: written as given below
            }
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        if (taskId != null) {
            root.put(TaskMessage.TASK_ID, taskId);
        }
        root.put(TaskMessage.TASK_TYPE, taskType);
        root.set(TaskMessage.PAYLOAD, payload);
        if (webhookUrl != null) {
            root.put(TaskMessage.WEBHOOK_URL, webhookUrl);
        }
        overrides.forEach(root::set);
        return root.toString();
    }

    /** The body as Base64 of the JSON, as Azure Functions and some SDKs send it. */
    public String toBase64() {
        return TaskMessage.Encoding.BASE64.encode(toJson());
    }

    @Override
    public String toString() {
        return toJson();
    }
}
