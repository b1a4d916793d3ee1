package dev.queueworker.deploytest;

import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;

/**
 * Task type {@code sleep}: waits {@code payload.seconds} (default 1), so that a deployment test can
 * stop or restart a worker while a task is running. Built and loaded by scripts/test-systemd.sh and
 * scripts/test-docker.sh only; not part of any published artifact.
 */
public final class SleepHandler implements TaskHandler {

    @Override
    public String taskType() {
        return "sleep";
    }

    @Override
    public TaskResult handle(Task task, TaskContext context) throws Exception {
        long seconds = task.optionalLong("seconds").orElse(1);
        Thread.sleep(Math.min(seconds, 300) * 1000);
        return TaskResult.empty();
    }
}
