package dev.queueworker.api;

/** Why the engine cancelled a running task. */
public enum CancellationReason {
    /** The worker is shutting down and the drain timeout ran out before the task finished. */
    SHUTDOWN("the worker is shutting down"),
    /** The message's lease could not be renewed: another worker may already be running it. */
    LEASE_LOST("the message's lease was lost");

    private final String description;

    CancellationReason(String description) {
        this.description = description;
    }

    /** A short phrase for logs and errors. */
    public String description() {
        return description;
    }
}
