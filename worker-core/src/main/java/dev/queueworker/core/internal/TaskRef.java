package dev.queueworker.core.internal;

import dev.queueworker.api.Task;

/**
 * What a running message carries once read, as far as it could be read: the task id and type its
 * outcome is reported under, where the outcome goes, and the {@link Task} when decoding succeeded.
 *
 * @param taskId the task id, else the queue message id; never null
 * @param taskType nullable when the message could not be decoded that far
 * @param webhookUrl the message's URL, else the default; nullable when there is neither
 * @param task nullable when the message could not be decoded
 */
record TaskRef(String taskId, String taskType, String webhookUrl, Task task) {

    /** The {@code type} tag of the task meters. */
    String typeTag() {
        return taskType == null ? "unknown" : taskType;
    }

    static TaskRef of(Task task) {
        return new TaskRef(task.id(), task.type(), task.webhookUrl(), task);
    }
}
