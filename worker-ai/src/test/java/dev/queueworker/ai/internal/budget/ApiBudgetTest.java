package dev.queueworker.ai.internal.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ApiBudgetTest {
    /** A settled call counts until a millisecond past its minute: a millisecond clock may read early. */
    static final Duration MINUTE_AND_A_MILLISECOND = Duration.ofMillis(60_001);

    private final ManualPause pause = new ManualPause();
    private final ApiBudget budget = new ApiBudget("test", Duration.ofMinutes(1), pause.time.clock(), pause);

    private Instant start() {
        return pause.time.now();
    }

    private Instant in(Duration d) {
        return pause.time.now().plus(d);
    }

    static RateLimitHeaders headers(String... namesAndValues) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
        }
        return RateLimitHeaders.parse(map, Instant.EPOCH);
    }

    @Test
    void aCallWaitsUntilItsTokensFitTheConfiguredLimit() {
        budget.configure(100, 1_000);
        Instant t0 = start();
        budget.acquire(600, in(Duration.ofMinutes(2))).completed(RateLimitHeaders.NONE, 600);

        budget.acquire(600, in(Duration.ofMinutes(2)));

        assertThat(pause.total()).isEqualTo(MINUTE_AND_A_MILLISECOND);
        assertThat(pause.time.now()).isEqualTo(t0.plus(MINUTE_AND_A_MILLISECOND));
    }

    @Test
    void theResponsesUsageReplacesTheEstimate() {
        budget.configure(100, 1_000);
        budget.acquire(900, in(Duration.ofMinutes(2))).completed(RateLimitHeaders.NONE, 100);

        budget.acquire(900, in(Duration.ofMinutes(2)));

        assertThat(pause.pauses).isEmpty();
    }

    @Test
    void theRequestLimitCountsCallsToo() {
        budget.configure(2, 1_000_000);
        budget.acquire(1, in(Duration.ofMinutes(2))).completed(RateLimitHeaders.NONE, 1);
        pause.time.advance(Duration.ofSeconds(10));
        budget.acquire(1, in(Duration.ofMinutes(2))).completed(RateLimitHeaders.NONE, 1);

        budget.acquire(1, in(Duration.ofMinutes(2)));

        assertThat(pause.total()).isEqualTo(Duration.ofMillis(50_001)); // the first call's minute ends
    }

    @Test
    void untilTheFirstResponseOneCallAtATimeThenTheLearnedLimitsHold() {
        ApiBudget.Permit first = budget.acquire(10, in(Duration.ofMinutes(2)));
        pause.meanwhile = () -> first.completed(headers("x-ratelimit-limit-requests", "60",
                "x-ratelimit-limit-tokens", "500", "x-ratelimit-remaining-tokens", "490"), 10);

        budget.acquire(450, in(Duration.ofMinutes(2))).completed(RateLimitHeaders.NONE, 450);

        assertThat(pause.pauses).hasSize(1);
        assertThat(budget.requestLimit()).isEqualTo(60);
        assertThat(budget.tokenLimit()).isEqualTo(500);
        pause.meanwhile = () -> { };
        budget.acquire(100, in(Duration.ofMinutes(2)));
        assertThat(pause.total()).isGreaterThanOrEqualTo(Duration.ofMinutes(1)); // 460 + 100 > 500
    }

    @Test
    void aConfiguredLimitWinsOverTheLearnedOne() {
        budget.configure(0, 300);
        budget.acquire(10, in(Duration.ofMinutes(2)))
                .completed(headers("x-ratelimit-limit-tokens", "1000000", "x-ratelimit-limit-requests", "5000"), 10);

        assertThat(budget.tokenLimit()).isEqualTo(300);
        assertThat(budget.requestLimit()).isEqualTo(5000);
    }

    @Test
    void otherWorkersSpendingSeenInRemainingWaitsForTheReset() {
        budget.configure(100, 1_000);
        // this process spent 100; the server says 200 remain: 700 were spent elsewhere on the key
        budget.acquire(100, in(Duration.ofMinutes(2))).completed(headers("x-ratelimit-remaining-tokens", "200",
                "x-ratelimit-reset-tokens", "12s"), 100);

        budget.acquire(300, in(Duration.ofMinutes(2)));

        assertThat(pause.total()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void a429PausesEveryCallForItsRetryAfter() {
        budget.configure(100, 1_000);
        Duration wait = budget.acquire(10, in(Duration.ofMinutes(2))).rateLimited(headers("retry-after", "7"), 1);

        budget.acquire(10, in(Duration.ofMinutes(2)));

        assertThat(wait).isEqualTo(Duration.ofSeconds(7));
        assertThat(pause.total()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void a429WithoutRetryAfterWaitsForTheResetOfTheExhaustedLimitOrBacksOff() {
        ApiBudget.Permit p = budget.acquire(10, in(Duration.ofMinutes(2)));
        assertThat(p.rateLimited(headers("x-ratelimit-remaining-requests", "3", "x-ratelimit-reset-requests", "1s",
                "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "6m0s"), 1))
                .isEqualTo(Duration.ofMinutes(6));
        assertThat(budget.acquire(1, in(Duration.ofHours(1))).rateLimited(RateLimitHeaders.NONE, 1))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(budget.acquire(1, in(Duration.ofHours(1))).rateLimited(RateLimitHeaders.NONE, 3))
                .isEqualTo(Duration.ofSeconds(4));
        assertThat(budget.acquire(1, in(Duration.ofHours(1))).rateLimited(RateLimitHeaders.NONE, 20))
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void roomThatComesAfterTheDeadlineFailsAtOnce() {
        budget.configure(100, 1_000);
        budget.acquire(1_000, in(Duration.ofMinutes(2))).completed(RateLimitHeaders.NONE, 1_000);

        assertThatThrownBy(() -> budget.acquire(10, in(Duration.ofSeconds(30))))
                .isInstanceOf(BudgetExceededException.class)
                .hasMessageContaining("openAiMaxWait").hasMessageContaining("60001 ms")
                .satisfies(e -> assertThat(((BudgetExceededException) e).cancelled()).isFalse());
        assertThat(pause.pauses).isEmpty();
    }

    @Test
    void aCallHeldUpByCallsInFlightGivesUpAtTheDeadline() {
        budget.acquire(10, in(Duration.ofMinutes(2))); // never completes: nothing learned yet

        assertThatThrownBy(() -> budget.acquire(10, in(Duration.ofSeconds(5))))
                .isInstanceOf(BudgetExceededException.class).hasMessageContaining("calls in flight");
        assertThat(pause.total()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aCancelledTaskStopsWaiting() {
        budget.configure(100, 1_000);
        budget.acquire(1_000, in(Duration.ofMinutes(2))).completed(RateLimitHeaders.NONE, 1_000);
        AtomicReference<Boolean> cancelled = new AtomicReference<>(false);
        pause.meanwhile = () -> cancelled.set(true);

        assertThatThrownBy(() -> CallCancellation.during(cancelled::get,
                () -> budget.acquire(10, in(Duration.ofMinutes(2)))))
                .isInstanceOf(BudgetExceededException.class).hasMessageContaining("cancelled")
                .satisfies(e -> assertThat(((BudgetExceededException) e).cancelled()).isTrue());
        assertThat(pause.pauses).hasSize(1);
        assertThat(pause.time.now()).isBefore(start().plus(Duration.ofMinutes(1)));
    }

    @Test
    void aCallLargerThanTheWholeLimitGoesAloneWhenTheWindowIsEmpty() {
        budget.configure(100, 1_000);
        budget.acquire(10, in(Duration.ofMinutes(2))).completed(RateLimitHeaders.NONE, 10);

        budget.acquire(5_000, in(Duration.ofMinutes(2)));

        assertThat(pause.total()).isEqualTo(MINUTE_AND_A_MILLISECOND);
    }
}
