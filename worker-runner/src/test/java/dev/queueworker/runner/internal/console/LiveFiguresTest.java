package dev.queueworker.runner.internal.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LiveFiguresTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-04T23:00:10Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void perMinuteRatesAndPercentilesOverTheLastHour() {
        MovableClock clock = new MovableClock();
        LiveFigures figures = new LiveFigures(clock);
        for (int i = 1; i <= 100; i++) {
            figures.outcome(LiveFigures.Outcome.COMPLETED, i * 10L); // 10 ms .. 1000 ms
        }
        figures.outcome(LiveFigures.Outcome.RETRIED, 5);
        figures.outcome(LiveFigures.Outcome.POISONED, -1);
        figures.webhook(true);
        figures.webhook(true);
        figures.webhook(true);
        figures.webhook(false);
        figures.depth(7, 2);

        JsonNode m = figures.toJson().path("minutes");
        int last = m.path("t").size() - 1;
        assertThat(m.path("t").size()).isEqualTo(LiveFigures.MINUTES);
        assertThat(m.path("completed").get(last).asLong()).isEqualTo(100);
        assertThat(m.path("errorRate").get(last).asDouble()).isEqualTo(2.0); // 2 of 102 attempts
        assertThat(m.path("webhookRate").get(last).asDouble()).isEqualTo(75.0);
        // Log-scale buckets: within one bucket's growth (35 %) above the true value.
        assertThat(m.path("p50").get(last).asLong()).isBetween(490L, 700L);
        assertThat(m.path("p95").get(last).asLong()).isBetween(940L, 1300L);
        assertThat(m.path("p50").get(last - 1).isNull()).isTrue();
        assertThat(figures.latestDepths()).containsExactly(7, 2);

        clock.now = clock.now.plus(Duration.ofMinutes(61));
        JsonNode later = figures.toJson();
        assertThat(later.path("minutes").path("completed")).allMatch(n -> n.asLong() == 0);
        assertThat(later.path("depth").path("t")).isEmpty();
    }
}
