package dev.queueworker.ai.internal.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {
    private static final Instant NOW = Instant.parse("2026-12-07T02:00:00Z");

    @Test
    void readsOpenAisDurations() {
        assertThat(RateLimitHeaders.duration("6m0s")).isEqualTo(Duration.ofMinutes(6));
        assertThat(RateLimitHeaders.duration("1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(RateLimitHeaders.duration("20ms")).isEqualTo(Duration.ofMillis(20));
        assertThat(RateLimitHeaders.duration("1h2m3.5s")).isEqualTo(Duration.ofMillis(3_723_500));
        assertThat(RateLimitHeaders.duration("0.25s")).isEqualTo(Duration.ofMillis(250));
        assertThat(RateLimitHeaders.duration("2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(RateLimitHeaders.duration("soon")).isNull();
        assertThat(RateLimitHeaders.duration("1s junk")).isNull();
        assertThat(RateLimitHeaders.duration("")).isNull();
    }

    @Test
    void readsTheLimitHeadersWhateverTheirCase() {
        RateLimitHeaders h = RateLimitHeaders.parse(Map.of(
                "X-RateLimit-Limit-Requests", List.of("5000"), "x-ratelimit-limit-tokens", List.of("1000000"),
                "x-ratelimit-remaining-requests", List.of("4999"), "x-ratelimit-remaining-tokens", List.of("999120"),
                "x-ratelimit-reset-requests", List.of("12ms"), "x-ratelimit-reset-tokens", List.of("52ms")), NOW);

        assertThat(h.limitRequests()).hasValue(5000);
        assertThat(h.limitTokens()).hasValue(1_000_000);
        assertThat(h.remainingRequests()).hasValue(4999);
        assertThat(h.remainingTokens()).hasValue(999_120);
        assertThat(h.resetRequests()).contains(Duration.ofMillis(12));
        assertThat(h.resetTokens()).contains(Duration.ofMillis(52));
        assertThat(h.retryAfter()).isEmpty();
    }

    @Test
    void retryAfterIsSecondsAnHttpDateOrMillisecondsWhichWin() {
        assertThat(RateLimitHeaders.parse(Map.of("Retry-After", List.of("7")), NOW).retryAfter())
                .contains(Duration.ofSeconds(7));
        assertThat(RateLimitHeaders.parse(Map.of("retry-after", List.of("Mon, 07 Dec 2026 02:00:30 GMT")), NOW)
                .retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(RateLimitHeaders.parse(Map.of("retry-after", List.of("Mon, 07 Dec 2026 01:59:00 GMT")), NOW)
                .retryAfter()).contains(Duration.ZERO);
        assertThat(RateLimitHeaders.parse(Map.of("retry-after", List.of("2"), "retry-after-ms", List.of("1500")), NOW)
                .retryAfter()).contains(Duration.ofMillis(1500));
    }

    @Test
    void aServerWithoutLimitsSaysNothing() {
        RateLimitHeaders h = RateLimitHeaders.parse(Map.of("content-type", List.of("application/json"),
                "x-ratelimit-remaining-tokens", List.of("lots")), NOW);

        assertThat(h).isEqualTo(RateLimitHeaders.NONE);
    }
}
