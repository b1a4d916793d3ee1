package dev.queueworker.runner.internal.admin;

/**
 * The task as given would fail on the worker (its handler refuses the payload, the webhook policy
 * refuses its URL), so nothing was sent: the command prints one line and exits 2.
 */
public final class TaskRefusedException extends RuntimeException {

    public TaskRefusedException(String message) {
        super(message, null, false, false);
    }
}
