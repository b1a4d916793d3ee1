package dev.queueworker.api;

/**
 * Thrown by {@link TaskContext#throwIfCancelled()} once the engine has cancelled the task, because it
 * is shutting down or because the message's lease was lost. Retryable: the message runs again later,
 * on this worker or another.
 */
public class TaskCancelledException extends RetryableException {
    private static final long serialVersionUID = 1L;

    private final CancellationReason reason;

    public TaskCancelledException(CancellationReason reason) {
        super("task cancelled: " + reason.description());
        this.reason = reason;
    }

    /** Why the task was cancelled. */
    public CancellationReason reason() {
        return reason;
    }
}
