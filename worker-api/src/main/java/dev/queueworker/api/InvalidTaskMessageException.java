package dev.queueworker.api;

/**
 * A queue message body that is not a valid task message (see {@link TaskMessage}). Names the field at
 * fault ({@code body}, {@code task_id}, {@code task_type}, {@code payload} or {@code webhook_url}) and
 * keeps what could be read before the problem, so the {@code failed} webhook and the poison message can
 * still name the task and reach its URL. Never quotes the body.
 */
public class InvalidTaskMessageException extends InvalidTaskException {
    private static final long serialVersionUID = 1L;

    private final String taskId;
    private final String taskType;
    private final String webhookUrl;

    /**
     * @param taskId the task id read before the problem, nullable
     * @param taskType the task type read before the problem, nullable
     * @param webhookUrl the valid webhook URL read before the problem, nullable
     */
    public InvalidTaskMessageException(String field, String problem, String taskId, String taskType,
            String webhookUrl) {
        super(field, problem);
        this.taskId = taskId;
        this.taskType = taskType;
        this.webhookUrl = webhookUrl;
    }

    /** The message's {@code task_id} when it could be read (a harmless string), else null. */
    public String taskId() {
        return taskId;
    }

    /** The message's {@code task_type} when it could be read (a harmless string), else null. */
    public String taskType() {
        return taskType;
    }

    /** The message's {@code webhook_url} when it was read and valid, else null. */
    public String webhookUrl() {
        return webhookUrl;
    }

    /** What is wrong, without the field: {@code is required} for {@code task_type: is required}. */
    public String problem() {
        String prefix = field() + ": ";
        String message = getMessage();
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
