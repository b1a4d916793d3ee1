package dev.queueworker.core.engine;

import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;

/** Returns its payload's {@code text}; rejects a payload whose {@code text} is not a string. */
final class EchoHandler implements TaskHandler {
    @Override
    public String taskType() {
        return "echo";
    }

    @Override
    public TaskResult handle(Task task, TaskContext context) {
        String text = task.optionalString("text").orElse("");
        return TaskResult.of(TaskResult.newData().put("text", text).put("attempt", context.attempt()));
    }
}
