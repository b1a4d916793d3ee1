package dev.queueworker.ai.internal.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.ai.TokenBudget.OverBudget;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client's tokens per UTC day, on a clock the test moves. */
class DailyTokenBudgetTest {
    private static final Instant EVENING = Instant.parse("2026-12-07T21:00:00Z");

    @TempDir
    Path dir;

    private Instant now = EVENING;
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private DailyTokenBudget budget(long perDay, OverBudget overBudget) {
        return new DailyTokenBudget("alpha", perDay, overBudget, new FileTokenLedger(dir, "alpha"), clock, () -> 0.5);
    }

    @Test
    void underTheAllowanceTasksPassAndOnceItIsSpentTheyWaitUntilTheNextDaySpreadOverItsFirstMinute() {
        DailyTokenBudget budget = budget(1_000, OverBudget.WAIT);
        budget.admit();
        budget.spent(999);
        budget.admit(); // a task started under the allowance runs
        budget.spent(400);

        assertThatThrownBy(budget::admit).isInstanceOfSatisfying(RetryableException.class, e -> {
            assertThat(e.retryAfter()).contains(Duration.ofHours(3).plusSeconds(30));
            assertThat(e).hasMessage("client 'alpha' has spent 1399 of its 1000 model tokens for 2026-12-07"
                    + " ('openAiTokensPerDay'); the allowance renews at 00:00 UTC; the task waits until then");
        });

        now = Instant.parse("2026-12-08T00:00:01Z");
        budget.admit(); // a new day
        budget.spent(10);
        assertThat(new FileTokenLedger(dir, "alpha").spentOn(LocalDate.parse("2026-12-08"))).isEqualTo(10);
    }

    @Test
    void failingOverBudgetIsPermanentWithTheReason() {
        DailyTokenBudget budget = budget(100, OverBudget.FAIL);
        budget.spent(100);

        assertThatThrownBy(budget::admit).isInstanceOf(PermanentException.class)
                .hasMessageStartingWith("client 'alpha' has spent 100 of its 100 model tokens for 2026-12-07");
    }

    @Test
    void theDaysCountSurvivesARestartAndYesterdaysCountIsNotToday() {
        budget(100, OverBudget.FAIL).spent(100);

        assertThatThrownBy(budget(100, OverBudget.FAIL)::admit).isInstanceOf(PermanentException.class);
        now = EVENING.plus(Duration.ofDays(1));
        budget(100, OverBudget.FAIL).admit();
    }

    @Test
    void aTaskOfYesterdayFinishingAfterMidnightDoesNotCountForToday() {
        FileTokenLedger ledger = new FileTokenLedger(dir, "alpha");
        ledger.add(LocalDate.parse("2026-12-08"), 5);

        assertThat(ledger.add(LocalDate.parse("2026-12-07"), 500)).isEqualTo(5);
        assertThat(ledger.spentOn(LocalDate.parse("2026-12-08"))).isEqualTo(5);
        assertThat(ledger.spentOn(LocalDate.parse("2026-12-07"))).isZero();
    }

    @Test
    void anotherClientsCountOrAnUnreadableFileStopsStartUpNamingTheFile() throws Exception {
        new FileTokenLedger(dir, "beta").add(LocalDate.parse("2026-12-07"), 5);

        assertThatThrownBy(() -> new FileTokenLedger(dir, "alpha")).isInstanceOf(IllegalStateException.class)
                .hasMessage(dir.resolve("token-usage.json") + " counts the tokens of client 'beta', not 'alpha':"
                        + " give each client its own data directory");
        Files.writeString(dir.resolve("token-usage.json"), "{\"client_id\":\"alpha\",\"day\":\"soon\"}");
        assertThatThrownBy(() -> new FileTokenLedger(dir, "alpha")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(dir.resolve("token-usage.json") + " cannot be read as a token count")
                .hasMessageEndingWith("move it away to start the day's count from 0");
    }

    @Test
    void aLedgerThatCannotCountDoesNotFailTheTaskWhoseTokensAreSpentAlready() {
        TokenLedger down = new TokenLedger() {
            @Override
            public long spentOn(LocalDate day) {
                return 0;
            }

            @Override
            public long add(LocalDate day, long tokens) {
                throw new RetryableException("cannot add the tokens: connection refused");
            }
        };
        DailyTokenBudget budget = new DailyTokenBudget("alpha", 100, OverBudget.WAIT, down, clock, () -> 0);

        budget.spent(40); // logged, not thrown
        budget.admit();
    }

    @Test
    void anAllowanceBelowOneIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> budget(0, OverBudget.WAIT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'openAiTokensPerDay' must be at least 1, was 0");
    }
}
