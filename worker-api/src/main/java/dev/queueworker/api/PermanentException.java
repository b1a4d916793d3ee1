package dev.queueworker.api;

/**
 * A failure that trying again cannot fix: the engine sends a {@code failed} webhook and moves the
 * message to the poison queue with this exception's message as the reason.
 */
public class PermanentException extends QueueWorkerException {
    private static final long serialVersionUID = 1L;

    public PermanentException(String message) {
        super(message);
    }

    public PermanentException(String message, Throwable cause) {
        super(message, cause);
    }

    public PermanentException(String message, Throwable cause, int statusCode, String errorCode) {
        super(message, cause, statusCode, errorCode);
    }
}
