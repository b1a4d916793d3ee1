package dev.queueworker.runner.internal.admin;

/** An option's value is wrong: the command reports it as bad usage (exit 2), naming the option. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message, null, false, false);
    }
}
