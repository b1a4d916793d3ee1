package dev.queueworker.api;

/**
 * The message is no longer ours: its pop receipt is stale (another consumer received it after its
 * visibility timeout lapsed) or the message is gone. The engine stops renewing, signals the task's
 * cancellation and never deletes the message on that receipt; it is not an error that ends anything.
 */
public class LeaseLostException extends QueueWorkerException {
    private static final long serialVersionUID = 1L;

    public LeaseLostException(String message) {
        super(message);
    }

    public LeaseLostException(String message, Throwable cause, int statusCode, String errorCode) {
        super(message, cause, statusCode, errorCode);
    }
}
