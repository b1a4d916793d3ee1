package dev.queueworker.runner.internal.admin;

import java.util.Objects;

/**
 * One row of {@code queue-worker check}.
 *
 * @param check what was checked, such as {@code queue}
 * @param status the outcome
 * @param detail what was found, for a person; never a secret
 * @param hint what to do about a failure; null unless {@link Status#FAIL}
 */
public record CheckResult(String check, Status status, String detail, String hint) {

    /** A check's outcome. */
    public enum Status {
        /** Works. */
        OK,
        /** Works, but needs a look; not a failure. */
        WARN,
        /** Does not work: {@code check} exits 1. */
        FAIL,
        /** Not used by this configuration. */
        SKIP
    }

    public CheckResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    public static CheckResult ok(String check, String detail) {
        return new CheckResult(check, Status.OK, detail, null);
    }

    public static CheckResult fail(String check, String detail, String hint) {
        return new CheckResult(check, Status.FAIL, detail, hint);
    }

    public static CheckResult skip(String check, String detail) {
        return new CheckResult(check, Status.SKIP, detail, null);
    }
}
