package dev.queueworker.test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.Task;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds {@link Task}s for unit tests that call a handler directly, without an engine.
 *
 * <pre>{@code
 * Task task = TestTasks.aTask("echo").payload("text", "hi").build();
 * TaskResult result = new EchoHandler().handle(task, new TestTaskContext());
 * }</pre>
 */
public final class TestTasks {
    private String id = UUID.randomUUID().toString();
    private final String type;
    private final ObjectNode payload = JsonNodeFactory.instance.objectNode();
    private String webhookUrl;
    private int attempt = 1;
    private Instant enqueuedAt = Instant.parse("2026-01-01T00:00:00Z");
    private String messageId = UUID.randomUUID().toString();

    private TestTasks(String type) {
        this.type = Objects.requireNonNull(type, "'type' cannot be null.");
    }

    public static TestTasks aTask(String type) {
        return new TestTasks(type);
    }

    public TestTasks id(String id) {
        this.id = id;
        return this;
    }

    public TestTasks payload(String field, String value) {
        payload.put(field, value);
        return this;
    }

    public TestTasks payload(String field, long value) {
        payload.put(field, value);
        return this;
    }

    public TestTasks payload(ObjectNode fields) {
        payload.setAll(fields);
        return this;
    }

    public TestTasks webhookUrl(String webhookUrl) {
        this.webhookUrl = webhookUrl;
        return this;
    }

    public TestTasks attempt(int attempt) {
        this.attempt = attempt;
        return this;
    }

    public TestTasks enqueuedAt(Instant enqueuedAt) {
        this.enqueuedAt = enqueuedAt;
        return this;
    }

    public TestTasks messageId(String messageId) {
        this.messageId = messageId;
        return this;
    }

    public Task build() {
        return new Task(id, type, payload.deepCopy(), webhookUrl, attempt, enqueuedAt, messageId);
    }
}
