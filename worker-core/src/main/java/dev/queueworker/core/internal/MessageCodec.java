package dev.queueworker.core.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.InvalidTaskMessageException;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.TaskMessage;
import java.util.regex.Pattern;

/**
 * The engine's view of {@link TaskMessage}, which owns the wire format: turns a queue message into the
 * fields the engine runs, with the message id standing in for a missing task id. Every problem is an
 * {@link InvalidMessageException} whose message names the field, carrying what could be read.
 */
public final class MessageCodec {

    /** The task-type rule ({@link TaskMessage#TASK_TYPE_REGEX}) as a compiled pattern. */
    public static final Pattern TASK_TYPE = Pattern.compile(TaskMessage.TASK_TYPE_REGEX);

    private final int maxBodyBytes;

    public MessageCodec(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The fields of a decoded message. {@code webhookUrl} is nullable. */
    public record Decoded(String taskId, String taskType, ObjectNode payload, String webhookUrl, boolean base64) {
    }

    /** What was read of a message before it turned out bad; every field nullable. */
    public record Partial(String taskId, String taskType, String webhookUrl) {
    }

    public Decoded decode(QueueMessage message) {
        TaskMessage parsed;
        try {
            parsed = TaskMessage.parse(message.body(), maxBodyBytes);
        } catch (InvalidTaskMessageException e) {
            throw new InvalidMessageException(e.field(), e.problem(),
                    new Partial(e.taskId(), e.taskType(), e.webhookUrl()));
        }
        return new Decoded(parsed.taskId() != null ? parsed.taskId() : message.messageId(), parsed.taskType(),
                parsed.payload(), parsed.webhookUrl(),
                TaskMessage.Encoding.of(message.body()) == TaskMessage.Encoding.BASE64);
    }

    /** {@link TaskMessage#isTaskType}. */
    static boolean isTaskType(String type) {
        return TaskMessage.isTaskType(type);
    }

    /** Why {@code url} is not an acceptable webhook URL ({@link TaskMessage#checkWebhookUrl}), or null when it is. */
    public static String checkWebhookUrl(String url) {
        try {
            TaskMessage.checkWebhookUrl(url);
            return null;
        } catch (InvalidTaskException e) {
            return e.getMessage().substring(e.field().length() + 2);
        }
    }
}
