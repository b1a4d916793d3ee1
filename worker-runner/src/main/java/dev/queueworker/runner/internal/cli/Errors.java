package dev.queueworker.runner.internal.cli;

import dev.queueworker.api.ProbeResult;

/** One line about a failure for a person: the exception's type and message, and its root cause's. */
public final class Errors {

    private Errors() {
    }

    /** As {@link ProbeResult#describe(Throwable)}, which {@code check}'s probes use: one rule for both. */
    public static String describe(Throwable e) {
        return ProbeResult.describe(e);
    }
}
