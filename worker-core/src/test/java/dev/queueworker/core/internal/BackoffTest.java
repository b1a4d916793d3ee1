package dev.queueworker.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration BASE = Duration.ofSeconds(10);
    private static final Duration MAX = Duration.ofMinutes(10);

    @Test
    void retryDelaysDoubleWithoutJitter() {
        assertThat(Backoff.retryDelay(1, BASE, MAX, () -> 0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(Backoff.retryDelay(2, BASE, MAX, () -> 0)).isEqualTo(Duration.ofSeconds(20));
        assertThat(Backoff.retryDelay(4, BASE, MAX, () -> 0)).isEqualTo(Duration.ofSeconds(80));
    }

    @Test
    void retryDelaysGrowEvenWithTheMostUnluckyJitterAndStayCapped() {
        Duration previous = Duration.ZERO;
        for (int attempt = 1; attempt <= 6; attempt++) {
            Duration shortest = Backoff.retryDelay(attempt, BASE, MAX, () -> 0.999999);
            assertThat(shortest).isGreaterThan(previous);
            previous = Backoff.retryDelay(attempt, BASE, MAX, () -> 0);
        }
        assertThat(Backoff.retryDelay(100, BASE, MAX, () -> 0)).isEqualTo(MAX);
        assertThat(Backoff.retryDelay(Integer.MAX_VALUE, BASE, MAX, () -> 0.5)).isLessThanOrEqualTo(MAX);
    }

    @Test
    void pollDelaysNeverExceedTheIntervalNorFallBelowNinetyPercentOfIt() {
        Duration min = Duration.ofMillis(250);
        Duration interval = Duration.ofSeconds(60);
        assertThat(Backoff.pollDelay(1, min, interval, () -> 0)).isEqualTo(min);
        assertThat(Backoff.pollDelay(3, min, interval, () -> 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Backoff.pollDelay(40, min, interval, () -> 0)).isEqualTo(interval);
        assertThat(Backoff.pollDelay(40, min, interval, () -> 0.999999))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(54));
    }
}
