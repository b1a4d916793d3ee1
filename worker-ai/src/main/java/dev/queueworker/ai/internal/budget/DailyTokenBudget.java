package dev.queueworker.ai.internal.budget;

import dev.queueworker.ai.TokenBudget;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TokenBudget#daily}: a client's tokens per UTC day, counted in a {@link TokenLedger}. Over
 * it, a task waits on the queue until the next day, spread over its first minute so a fleet's
 * waiting tasks do not all come back at once, or fails with the reason.
 */
public final class DailyTokenBudget implements TokenBudget {
    /** Waiting tasks come back within this long after midnight. */
    static final Duration SPREAD = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(DailyTokenBudget.class);

    private final String clientId;
    private final long tokensPerDay;
    private final OverBudget overBudget;
    private final TokenLedger ledger;
    private final Clock clock;
    private final DoubleSupplier random;

    public DailyTokenBudget(String clientId, long tokensPerDay, OverBudget overBudget, TokenLedger ledger, Clock clock,
                            DoubleSupplier random) {
        if (tokensPerDay < 1) {
            throw new IllegalArgumentException("'openAiTokensPerDay' must be at least 1, was " + tokensPerDay);
        }
        this.clientId = Objects.requireNonNull(clientId, "'clientId' cannot be null.");
        this.tokensPerDay = tokensPerDay;
        this.overBudget = Objects.requireNonNull(overBudget, "'overBudget' cannot be null.");
        this.ledger = Objects.requireNonNull(ledger, "'ledger' cannot be null.");
        this.clock = clock;
        this.random = random;
    }

    @Override
    public void admit() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        long spent = ledger.spentOn(today);
        if (spent < tokensPerDay) {
            return;
        }
        String reason = "client '" + clientId + "' has spent " + spent + " of its " + tokensPerDay
                + " model tokens for " + today + " ('openAiTokensPerDay'); the allowance renews at 00:00 UTC";
        if (overBudget == OverBudget.FAIL) {
            throw new PermanentException(reason);
        }
        Instant midnight = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Duration wait = Duration.between(now, midnight).plusMillis((long) (random.getAsDouble() * SPREAD.toMillis()));
        throw new RetryableException(reason + "; the task waits until then", wait);
    }

    @Override
    public void spent(long tokens) {
        if (tokens <= 0) {
            return;
        }
        try {
            ledger.add(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), tokens);
        } catch (RuntimeException e) {
            // Failing the task now would spend its tokens again on the retry.
            log.warn("Could not count {} model tokens of client '{}' in {}: {}; the day's count is short by them",
                    tokens, clientId, ledger, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return tokensPerDay + " tokens per day (" + overBudget.name().toLowerCase(java.util.Locale.ROOT)
                + " when spent), counted in " + ledger;
    }
}
