package dev.queueworker.api;

/**
 * A transient failure: the engine makes the message visible again after a backoff that grows with
 * its dequeue count, and moves it to the poison queue once the maximum dequeue count is reached.
 *
 * <p>Handlers throw it for rate limits, timeouts, 5xx answers and lost connections. Any exception
 * a handler throws that is not a {@link PermanentException} is treated as retryable too.
 */
public class RetryableException extends QueueWorkerException {
    private static final long serialVersionUID = 1L;

    public RetryableException(String message) {
        super(message);
    }

    public RetryableException(String message, Throwable cause) {
        super(message, cause);
    }

    public RetryableException(String message, Throwable cause, int statusCode, String errorCode) {
        super(message, cause, statusCode, errorCode);
    }
}
