package dev.queueworker.api;

import java.time.Duration;
import java.util.Optional;

/**
 * A transient failure: the engine makes the message visible again after a backoff that grows with
 * its dequeue count, and moves it to the poison queue once the maximum dequeue count is reached.
 *
 * <p>Handlers throw it for rate limits, timeouts, 5xx answers and lost connections. Any exception
 * a handler throws that is not a {@link PermanentException} is treated as retryable too.
 *
 * <p>A handler that knows when trying again makes sense (a rate limit's reset, a daily budget's
 * next day) says so with {@link #RetryableException(String, Duration)}: the message is then visible
 * again after that delay instead of the backoff, at most 7 days (the queue's longest visibility).
 * It is still an attempt: a message failing so {@code maxDequeueCount} times goes to the poison
 * queue with this exception's message as the reason.
 */
public class RetryableException extends QueueWorkerException {
    private static final long serialVersionUID = 1L;

    /** The longest delay a retry may ask for: the queue's longest visibility timeout. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofDays(7);

    private final Duration retryAfter;

    public RetryableException(String message) {
        super(message);
        this.retryAfter = null;
    }

    /**
     * A transient failure worth trying again only after {@code retryAfter}.
     *
     * @throws IllegalArgumentException when {@code retryAfter} is negative or longer than {@link #MAX_RETRY_AFTER}
     */
    public RetryableException(String message, Duration retryAfter) {
        super(message);
        if (retryAfter == null || retryAfter.isNegative() || retryAfter.compareTo(MAX_RETRY_AFTER) > 0) {
            throw new IllegalArgumentException("'retryAfter' must be between 0 and 7 days, was " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    public RetryableException(String message, Throwable cause) {
        super(message, cause);
        this.retryAfter = null;
    }

    public RetryableException(String message, Throwable cause, int statusCode, String errorCode) {
        super(message, cause, statusCode, errorCode);
        this.retryAfter = null;
    }

    /** When to try again, when the handler knows it; empty: after the engine's backoff. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
