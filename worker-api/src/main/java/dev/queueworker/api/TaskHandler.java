package dev.queueworker.api;

/**
 * Runs the tasks of one {@link #taskType() type}.
 *
 * <p>Handlers are registered on the worker's builder or found with {@link java.util.ServiceLoader}
 * (a jar with {@code META-INF/services/dev.queueworker.api.TaskHandler}). One instance serves every
 * task of its type, concurrently: implementations must be thread-safe.
 *
 * <p>Delivery is at least once, so handlers must be idempotent: running a task twice leaves the same
 * end state. Throw {@link PermanentException} (or {@link InvalidTaskException}) for what retrying
 * cannot fix; anything else thrown is retried with backoff.
 *
 * <pre>{@code
 * public final class EchoHandler implements TaskHandler {
 *     public String taskType() { return "echo"; }
 *     public TaskResult handle(Task task, TaskContext context) {
 *         String text = task.requireString("text");
 *         return TaskResult.of(TaskResult.newData().put("text", text));
 *     }
 * }
 * }</pre>
 */
public interface TaskHandler {

    /**
     * The {@code task_type} this handler runs: 1 to 64 characters of lowercase letters, digits,
     * {@code .}, {@code _} and {@code -}, starting with a letter or digit. Types starting with
     * {@code queue-worker.} are reserved for the engine.
     */
    String taskType();

    /**
     * Runs one task.
     *
     * @return the outcome reported in the {@code completed} webhook
     * @throws PermanentException when retrying cannot help
     * @throws Exception anything else: retried with backoff up to the maximum dequeue count
     */
    TaskResult handle(Task task, TaskContext context) throws Exception;
}
