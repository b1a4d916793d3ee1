package dev.queueworker.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * What a handler reports on success; becomes the webhook's {@code result} object.
 *
 * <pre>{@code
 * ObjectNode data = TaskResult.newData().put("filename", "report.pdf").put("chunks", 42);
 * return TaskResult.of(data);
 * }</pre>
 *
 * @param data a JSON object; the engine does not change it
 */
public record TaskResult(ObjectNode data) {
    public TaskResult {
        Objects.requireNonNull(data, "'data' cannot be null.");
    }

    /** A result with an empty object. */
    public static TaskResult empty() {
        return new TaskResult(newData());
    }

    /** A result with the given object. */
    public static TaskResult of(ObjectNode data) {
        return new TaskResult(data);
    }

    /** A new, empty JSON object to fill in. */
    public static ObjectNode newData() {
        return JsonNodeFactory.instance.objectNode();
    }
}
