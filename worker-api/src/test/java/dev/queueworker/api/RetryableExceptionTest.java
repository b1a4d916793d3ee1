package dev.queueworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryableExceptionTest {

    @Test
    void aRetryAfterIsKeptAndOtherwiseAbsent() {
        assertThat(new RetryableException("later", Duration.ofMinutes(3)).retryAfter()).contains(Duration.ofMinutes(3));
        assertThat(new RetryableException("503").retryAfter()).isEmpty();
        assertThat(new RetryableException("503", new IllegalStateException()).retryAfter()).isEmpty();
    }

    @Test
    void aRetryAfterOutsideTheQueuesVisibilityIsRefusedNamingTheField() {
        assertThatThrownBy(() -> new RetryableException("later", Duration.ofDays(8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'retryAfter'");
        assertThatThrownBy(() -> new RetryableException("later", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'retryAfter'");
        assertThatThrownBy(() -> new RetryableException("later", (Duration) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'retryAfter'");
    }
}
