package dev.queueworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeResultTest {

    @Test
    void renderShowsEachOptionInTheHostsWordsAndLeavesOtherBracesAlone() {
        ProbeResult r = ProbeResult.fail("{pgvectorTable} chunks has 1536 dimensions {not an option}",
                "use another table ({pgvectorTable}) or fix {databaseUrl}");
        ProbeResult shown = r.render(Map.of("pgvectorTable", "PGVECTOR_TABLE", "databaseUrl", "DATABASE_URL")::get);
        assertThat(shown.status()).isEqualTo(ProbeResult.Status.FAIL);
        assertThat(shown.detail()).isEqualTo("PGVECTOR_TABLE chunks has 1536 dimensions {not an option}");
        assertThat(shown.hint()).isEqualTo("use another table (PGVECTOR_TABLE) or fix DATABASE_URL");
        assertThat(ProbeResult.render("{a$b} {x}", o -> "$1\\")).isEqualTo("{a$b} $1\\");
    }

    @Test
    void aResultIsOneLineWithAStatus() {
        assertThatThrownBy(() -> ProbeResult.ok("two\nlines")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one line");
        assertThatThrownBy(() -> new ProbeResult(null, "x", null)).hasMessageContaining("'status'");
        assertThat(ProbeResult.skip("not used").hint()).isNull();
        assertThat(ProbeResult.warn("slow", "look").status()).isEqualTo(ProbeResult.Status.WARN);
    }

    @Test
    void aProbesDefaultsAreAFifteenSecondDeadlineAndNoTimeoutHint() {
        ConnectivityProbe probe = new ConnectivityProbe() {
            public String name() {
                return "thing";
            }

            public ProbeResult probe() {
                return ProbeResult.ok("fine");
            }
        };
        assertThat(probe.deadline()).isEqualTo(Duration.ofSeconds(15));
        assertThat(probe.timeoutHint()).isNull();
        assertThat(probe.probe().detail()).isEqualTo("fine");
    }
}
