package dev.queueworker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {
    private final ManualScheduler time = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void runsDueTasksInOrderWithTheClockAtTheirDueTime() {
        List<String> ran = new ArrayList<>();
        time.schedule(() -> ran.add("b@" + time.now()), Duration.ofSeconds(20));
        time.schedule(() -> ran.add("a@" + time.now()), Duration.ofSeconds(10));
        time.schedule(() -> ran.add("late"), Duration.ofSeconds(31));

        time.advance(Duration.ofSeconds(30));

        assertThat(ran).containsExactly("a@2026-01-01T00:00:10Z", "b@2026-01-01T00:00:20Z");
        assertThat(time.now()).isEqualTo(Instant.parse("2026-01-01T00:00:30Z"));
        assertThat(time.clock().instant()).isEqualTo(time.now());
        assertThat(time.pendingTasks()).isEqualTo(1);
    }

    @Test
    void tasksScheduledWhileAdvancingRunWhenDueWithinTheAdvance() {
        List<Instant> ran = new ArrayList<>();
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            ran.add(time.now());
            time.schedule(tick[0], Duration.ofSeconds(10));
        };
        time.schedule(tick[0], Duration.ofSeconds(10));

        time.advance(Duration.ofMinutes(1));

        assertThat(ran).hasSize(6);
    }

    @Test
    void cancelledTasksNeverRunAndFailuresSurfaceAfterTheAdvance() {
        List<String> ran = new ArrayList<>();
        time.schedule(() -> ran.add("x"), Duration.ofSeconds(1)).cancel();
        time.schedule(() -> {
            throw new IllegalStateException("boom");
        }, Duration.ofSeconds(2));
        time.schedule(() -> ran.add("after"), Duration.ofSeconds(3));

        assertThatThrownBy(() -> time.advance(Duration.ofSeconds(5))).hasRootCauseMessage("boom");
        assertThat(ran).containsExactly("after");
        assertThat(time.now()).isEqualTo(Instant.parse("2026-01-01T00:00:05Z"));
    }
}
