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
 * cannot fix; anything else thrown is retried with backoff. Payload rules belong in
 * {@link #validate(Task)} too, so producers can check a task before sending it.
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
     * {@code .}, {@code _} and {@code -}, starting with a letter or digit
     * ({@link TaskMessage#isTaskType}). Types starting with {@code queue-worker.} are reserved for the
     * engine.
     */
    String taskType();

    /**
     * Checks a task's payload by this handler's own rules, without running it: no document is read,
     * nothing is written, no service is called. {@code queue-worker submit} calls it before it sends a
     * task, so a payload the handler would refuse is refused up front instead of poisoned later.
     *
     * <p>Implement it with the same checks {@link #handle} starts with (ideally by calling one method
     * from both). The default accepts every payload. Must be thread-safe and fast.
     *
     * @throws InvalidTaskException naming the field, such as {@code payload.filename: is required}
     */
    default void validate(Task task) {
    }

    /**
     * Runs one task.
     *
     * @return the outcome reported in the {@code completed} webhook
     * @throws PermanentException when retrying cannot help
     * @throws Exception anything else: retried with backoff up to the maximum dequeue count
     */
    TaskResult handle(Task task, TaskContext context) throws Exception;
}
