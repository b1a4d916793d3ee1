package dev.queueworker.runner.internal.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.runner.internal.http.HttpEndpoints.Readiness;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TenantsHealthTest {

    private final SortedMap<String, TenantState> states = new TreeMap<>();
    private final TenantsHealth health = new TenantsHealth(() -> new TreeMap<>(states));

    @Test
    void readyWhenEveryClientWithValidSettingsReceivesAndABadFileIsReportedOnly() {
        states.put("a", new TenantState.Ready());
        states.put("b", new TenantState.Failed("b.env: LOG_LEVEL is a daemon-level variable", true));
        assertThat(health.answer(null)).isEqualTo(new Readiness(200,
                "a ready\nb failed: b.env: LOG_LEVEL is a daemon-level variable\n"));
        assertThat(health.answer("client=b").status()).isEqualTo(503);
    }

    @Test
    void notReadyWhileAClientStartsFailedToStartOrDrainsOrWhenNoneRuns() {
        states.put("a", new TenantState.Ready());
        states.put("b", new TenantState.Starting("the queue does not answer: connection refused"));
        assertThat(health.answer(null)).isEqualTo(new Readiness(503,
                "a ready\nb starting: the queue does not answer: connection refused\n"));
        assertThat(health.answer("x=1&client=a")).isEqualTo(new Readiness(200, "a ready\n"));
        states.put("b", new TenantState.Failed("the database refused", false));
        assertThat(health.answer(null).status()).isEqualTo(503);
        states.remove("b");
        states.put("a", new TenantState.Draining());
        assertThat(health.answer(null)).isEqualTo(new Readiness(503, "a draining\n"));
        states.put("a", new TenantState.Failed("bad", true));
        assertThat(health.answer(null).status()).isEqualTo(503);
    }

    @Test
    void notReadyOnceTheDaemonStops() {
        states.put("a", new TenantState.Ready());
        health.draining();
        assertThat(health.answer(null).status()).isEqualTo(503);
        assertThat(health.answer("client=a").status()).isEqualTo(503);
        assertThat(health.answer("client=zz")).isEqualTo(new Readiness(404, "no client zz\n"));
    }
}
