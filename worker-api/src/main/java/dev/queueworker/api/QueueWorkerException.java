package dev.queueworker.api;

/**
 * Root of the one unchecked exception tree of queue-worker.
 *
 * <p>Adapters keep the status and error code of the service that failed, so an operator reading a
 * poison message or a log line sees what the service said, not just a class name.
 */
public class QueueWorkerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final String errorCode;

    public QueueWorkerException(String message) {
        this(message, null, 0, null);
    }

    public QueueWorkerException(String message, Throwable cause) {
        this(message, cause, 0, null);
    }

    /**
     * @param statusCode the service's status code (HTTP status for Azure), or 0 when there is none
     * @param errorCode the service's error code, nullable
     */
    public QueueWorkerException(String message, Throwable cause, int statusCode, String errorCode) {
        super(message, cause);
        this.statusCode = statusCode;
        this.errorCode = errorCode;
    }

    /** The service's status code (for Azure, the HTTP status), or 0 when there is none. */
    public int statusCode() {
        return statusCode;
    }

    /** The service's error code, such as {@code PopReceiptMismatch}; nullable. */
    public String errorCode() {
        return errorCode;
    }
}
