package dev.queueworker.reliability.faults;

import dev.queueworker.test.PluginJar;
import java.nio.file.Path;

/**
 * A handler plugin of type {@code slow}, compiled apart from the suite as a user's plugin is: it
 * waits {@code payload.millis} (default 1000) and returns, or stops at once when the engine cancels
 * it (drain timeout, lost lease), as a cooperative long task should.
 */
final class SlowPlugin {
    static final String TASK_TYPE = "slow";

    private static final String SOURCE = """
            package reliability;

            import dev.queueworker.api.Task;
            import dev.queueworker.api.TaskContext;
            import dev.queueworker.api.TaskHandler;
            import dev.queueworker.api.TaskResult;
            import java.util.concurrent.CountDownLatch;
            import java.util.concurrent.TimeUnit;

            public final class SlowHandler implements TaskHandler {
                @Override
                public String taskType() {
                    return "slow";
                }

                @Override
                public TaskResult handle(Task task, TaskContext context) throws Exception {
                    long millis = task.optionalLong("millis").orElse(1000);
                    CountDownLatch cancelled = new CountDownLatch(1);
                    context.onCancel(cancelled::countDown);
                    cancelled.await(millis, TimeUnit.MILLISECONDS);
                    context.throwIfCancelled();
                    return TaskResult.of(TaskResult.newData().put("millis", millis).put("attempt", context.attempt()));
                }
            }
            """;

    private SlowPlugin() {
    }

    /** Writes the plugin jar into {@code pluginsDir} (for {@code WORKER_PLUGINS_DIR}) and returns the directory. */
    static Path buildInto(Path pluginsDir) {
        PluginJar.build(pluginsDir.resolve("slow-handler.jar"), "reliability.SlowHandler", SOURCE);
        return pluginsDir;
    }
}
