package dev.queueworker.benchmarks;

import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;

/** The {@code noop} task: returns at once, so a benchmark measures everything around the handler. */
final class NoopHandler implements TaskHandler {
    @Override
    public String taskType() {
        return "noop";
    }

    @Override
    public TaskResult handle(Task task, TaskContext context) {
        return TaskResult.empty();
    }
}
