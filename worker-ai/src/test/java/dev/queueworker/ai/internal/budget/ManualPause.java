package dev.queueworker.ai.internal.budget;

import dev.queueworker.core.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@link Pause} that advances a manual clock instead of waiting, and records each pause. */
final class ManualPause implements Pause {
    final ManualScheduler time = new ManualScheduler();
    final List<Duration> pauses = new ArrayList<>();
    /** Runs at each pause before time advances, as another thread would meanwhile. */
    Runnable meanwhile = () -> { };
    private long generation;

    @Override
    public synchronized long generation() {
        return generation;
    }

    @Override
    public void pause(Duration duration, long seen) {
        synchronized (this) {
            pauses.add(duration);
        }
        meanwhile.run();
        time.advance(duration);
    }

    @Override
    public synchronized void wake() {
        generation++;
    }

    synchronized Duration total() {
        return pauses.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
