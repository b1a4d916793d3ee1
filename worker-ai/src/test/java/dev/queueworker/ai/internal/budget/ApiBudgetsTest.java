package dev.queueworker.ai.internal.budget;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiBudgetsTest {
    @Test
    void oneBudgetPerKeyAndBaseUrlNamedWithoutTheKey() {
        String key = "sk-budgets-test-" + System.nanoTime();
        ApiBudget a = ApiBudgets.of("https://api.example/v1", key, 0, 0);
        ApiBudget b = ApiBudgets.of("https://api.example/v1", key, 0, 0);
        ApiBudget otherKey = ApiBudgets.of("https://api.example/v1", key + "x", 0, 0);
        ApiBudget otherUrl = ApiBudgets.of("https://other.example/v1", key, 0, 0);

        assertThat(b).isSameAs(a);
        assertThat(otherKey).isNotSameAs(a);
        assertThat(otherUrl).isNotSameAs(a);
        assertThat(a.toString()).startsWith("ApiBudget[https://api.example/v1 key ").doesNotContain(key)
                .doesNotContain("sk-");
        assertThat(ApiBudgets.name("u", key)).isEqualTo(ApiBudgets.name("u", key)).hasSize("u key ".length() + 12);
    }

    @Test
    void theLatestConfiguredLimitsWin() {
        String key = "sk-budgets-limits-" + System.nanoTime();
        ApiBudgets.of("https://api.example/v1", key, 100, 10_000);
        ApiBudget budget = ApiBudgets.of("https://api.example/v1", key, 50, 0);

        assertThat(budget.requestLimit()).isEqualTo(50);
        assertThat(budget.tokenLimit()).isZero(); // learned from the API from now on
    }
}
