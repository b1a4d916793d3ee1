package dev.queueworker.runner.internal.tenants;

/** Where one client of the tenants daemon is; {@link #line()} is its line on {@code /health/ready}. */
sealed interface TenantState {

    /** Its line on {@code /health/ready}, after the client id. */
    String line();

    /** Whether the client receives tasks. */
    default boolean ready() {
        return this instanceof Ready;
    }

    /** Being built, or waiting for its queue to answer. */
    record Starting(String detail) implements TenantState {
        @Override
        public String line() {
            return detail == null ? "starting" : "starting: " + detail;
        }
    }

    /** Receiving tasks. */
    record Ready() implements TenantState {
        @Override
        public String line() {
            return "ready";
        }
    }

    /** No more receives; its running tasks may finish within its WORKER_SHUTDOWN_TIMEOUT. */
    record Draining() implements TenantState {
        @Override
        public String line() {
            return "draining";
        }
    }

    /**
     * Not running, for a reason an operator must fix.
     *
     * @param settings whether its settings file is wrong (as opposed to a service that refused it)
     */
    record Failed(String why, boolean settings) implements TenantState {
        @Override
        public String line() {
            return "failed: " + why;
        }
    }

    /** Drained and closed (removed, or the daemon stops). */
    record Stopped() implements TenantState {
        @Override
        public String line() {
            return "stopped";
        }
    }
}
