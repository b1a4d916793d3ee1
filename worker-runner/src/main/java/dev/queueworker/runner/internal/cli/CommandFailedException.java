package dev.queueworker.runner.internal.cli;

/** A command could not do its job for a reason a person can act on: printed as one line, exit 1. */
public final class CommandFailedException extends RuntimeException {

    public CommandFailedException(String message) {
        super(message, null, false, false);
    }
}
