package dev.queueworker.core;

import java.time.Clock;
import java.time.Duration;

/**
 * The engine's source of time: a clock to read and a way to run something later. Every timed action
 * of the engine (the next poll after an empty receive, lease renewals, the drain deadline) goes
 * through it, so tests can replace real time with a {@link ManualScheduler} and run a simulated hour
 * in milliseconds.
 *
 * <p>The engine creates a real one from the builder's {@link Clock} unless it is given a scheduler.
 * Implementations are safe for concurrent use.
 */
public interface Scheduler {

    /** The clock this scheduler's delays are measured on. */
    Clock clock();

    /**
     * Runs {@code task} once after {@code delay}. Tasks must be short and must not block: they run
     * on a shared timer thread (or, for a {@link ManualScheduler}, on the thread that advances time).
     */
    Cancellable schedule(Runnable task, Duration delay);

    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Calls the task off if it has not started; does nothing otherwise. */
        void cancel();
    }
}
