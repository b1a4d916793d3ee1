package dev.queueworker.ai.internal.budget;

import java.time.Duration;

/**
 * How a call waits for its budget: for a time, or until the budget changes (a call completes).
 * The real one waits on a monitor; tests pass one that advances a manual clock, so no test sleeps.
 */
interface Pause {

    /** A counter that {@link #wake()} advances; read it before deciding to wait. */
    long generation();

    /**
     * Waits up to {@code duration}, or less once {@link #wake()} has been called since
     * {@code generation} was read.
     */
    void pause(Duration duration, long generation) throws InterruptedException;

    /** Ends the current pauses: the budget has changed. */
    void wake();

    /** Waits on a monitor; {@link #wake()} notifies it. */
    static Pause monitor() {
        return new Pause() {
            private long generation;

            @Override
            public synchronized long generation() {
                return generation;
            }

            @Override
            public synchronized void pause(Duration duration, long seen) throws InterruptedException {
                long end = System.nanoTime() + duration.toNanos();
                for (long left = duration.toNanos(); left > 0 && generation == seen; left = end - System.nanoTime()) {
                    wait(left / 1_000_000, (int) (left % 1_000_000));
                }
            }

            @Override
            public synchronized void wake() {
                generation++;
                notifyAll();
            }
        };
    }
}
