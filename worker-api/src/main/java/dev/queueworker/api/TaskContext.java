package dev.queueworker.api;

import java.time.Clock;
import java.util.Optional;

/**
 * What a running task can know and do besides its {@link Task}: its attempt, whether it has been
 * cancelled, progress reporting and the document store. One context per run; safe to use from any
 * thread.
 *
 * <p>The engine cancels a task when its message's lease is lost (another worker may run it) or
 * when a shutdown's drain timeout runs out. Long handlers should check {@link #isCancelled()} or
 * call {@link #throwIfCancelled()} between steps, or register {@link #onCancel(Runnable)} to abort
 * blocking work.
 */
public interface TaskContext {

    /** 1 on the first delivery of the message, then its dequeue count. */
    int attempt();

    /** Whether the engine has cancelled this run. */
    boolean isCancelled();

    /** Why the run was cancelled, or empty while it is not. */
    Optional<CancellationReason> cancellationReason();

    /**
     * Throws {@link TaskCancelledException} once the run is cancelled; returns otherwise.
     */
    default void throwIfCancelled() {
        Optional<CancellationReason> reason = cancellationReason();
        if (reason.isPresent()) {
            throw new TaskCancelledException(reason.get());
        }
    }

    /**
     * Runs {@code action} once when the run is cancelled, at once if it already is. Actions run on
     * an engine thread and must not block.
     */
    void onCancel(Runnable action);

    /**
     * Reports progress, for logs, listeners and progress displays.
     *
     * @param fraction done so far, from 0 to 1, or {@link Double#NaN} when unknown
     * @param message a short description of the current step; nullable
     */
    void reportProgress(double fraction, String message);

    /** The documents this task may read and write. */
    DocumentStore documents();

    /** The engine's clock; use it instead of {@link java.time.Instant#now()} so tests can drive time. */
    Clock clock();
}
