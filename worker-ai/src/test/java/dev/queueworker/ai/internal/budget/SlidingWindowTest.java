package dev.queueworker.ai.internal.budget;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlidingWindowTest {
    private final SlidingWindow window = new SlidingWindow(1_000);

    @Test
    void aCallInFlightHoldsItsRoomUntilItCompletesThenForAWindow() {
        SlidingWindow.Spend call = window.reserve(0, 600);

        assertThat(window.waitMillis(5_000, 600, 1_000)).isEqualTo(SlidingWindow.UNTIL_A_CALL_COMPLETES);
        window.settle(call, 5_000, 500);
        assertThat(window.waitMillis(5_000, 500, 1_000)).isZero();
        assertThat(window.waitMillis(5_000, 600, 1_000)).isEqualTo(1_001);
        assertThat(window.used(6_001)).isZero();
    }

    @Test
    void otherWorkersSpendingCountsUntilItsReset() {
        window.external(900, 300);

        assertThat(window.waitMillis(0, 200, 1_000)).isEqualTo(300);
        assertThat(window.waitMillis(300, 200, 1_000)).isZero();
    }

    @Test
    void whatExpiredIsDroppedWhenACallIsSentEvenWithoutALimit() {
        for (int i = 0; i < 1_000; i++) {
            window.settle(window.reserve(i * 10L, 1), i * 10L, 1);
        }

        assertThat(window.entries()).isLessThanOrEqualTo(101); // a window's worth: 10 ms apart, 1,001 ms each
    }
}
