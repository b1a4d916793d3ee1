package dev.queueworker.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Scheduler} whose time moves only when a test calls {@link #advance(Duration)}; it ships
 * in main code so that users can test with it too, as Micrometer ships {@code MockClock}.
 *
 * <p>{@code advance} runs every task that falls due, in order of due time, on the calling thread,
 * moving the clock to each task's due time before running it; tasks scheduled while advancing run
 * too if they fall due within the advance.
 *
 * <pre>{@code
 * ManualScheduler time = new ManualScheduler();
 * InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
 * Worker worker = Worker.builder().queue(queue).scheduler(time)...build();
 * time.advance(Duration.ofMinutes(5));
 * }</pre>
 */
public final class ManualScheduler implements Scheduler {

    /** Where a scheduler created without a start time starts. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final Object lock = new Object();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile Instant now;
    private final Clock clock = new ManualClock(ZoneOffset.UTC);

    public ManualScheduler() {
        this(DEFAULT_START);
    }

    public ManualScheduler(Instant start) {
        this.now = Objects.requireNonNull(start, "'start' cannot be null.");
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /** The current simulated time. */
    public Instant now() {
        return now;
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        Objects.requireNonNull(task, "'task' cannot be null.");
        Objects.requireNonNull(delay, "'delay' cannot be null.");
        Entry entry;
        synchronized (lock) {
            Instant due = delay.isNegative() ? now : now.plus(delay);
            entry = new Entry(due, sequence.incrementAndGet(), task);
            queue.add(entry);
        }
        return () -> {
            synchronized (lock) {
                queue.remove(entry);
            }
        };
    }

    /**
     * Moves time forward by {@code duration}, running every task that falls due on the way.
     *
     * @throws IllegalStateException when a task threw; the first such exception is its cause, and
     *     time has still advanced fully
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("'duration' must not be negative, was " + duration);
        }
        Instant target;
        synchronized (lock) {
            target = now.plus(duration);
        }
        RuntimeException failure = null;
        while (true) {
            Entry next;
            synchronized (lock) {
                next = queue.peek();
                if (next == null || next.due.isAfter(target)) {
                    break;
                }
                queue.poll();
                if (next.due.isAfter(now)) {
                    now = next.due;
                }
            }
            try {
                next.task.run();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = new IllegalStateException("a scheduled task failed at " + next.due, e);
                }
            }
        }
        synchronized (lock) {
            if (target.isAfter(now)) {
                now = target;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Advances in steps of {@code step} until {@code total} has passed; handy to interleave checks. */
    public void advance(Duration total, Duration step) {
        if (step.isZero() || step.isNegative()) {
            throw new IllegalArgumentException("'step' must be positive, was " + step);
        }
        Duration left = total;
        while (left.compareTo(step) > 0) {
            advance(step);
            left = left.minus(step);
        }
        advance(left);
    }

    /** How many tasks are waiting to fall due. */
    public int pendingTasks() {
        synchronized (lock) {
            return queue.size();
        }
    }

    private record Entry(Instant due, long sequence, Runnable task) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry other) {
            int byDue = due.compareTo(other.due);
            return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
        }
    }

    private final class ManualClock extends Clock {
        private final ZoneId zone;

        ManualClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId newZone) {
            return new ManualClock(newZone);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
