package dev.queueworker.ai;

import dev.queueworker.ai.internal.budget.DailyTokenBudget;
import dev.queueworker.ai.internal.budget.FileTokenLedger;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A client's allowance of model tokens. The built-in handlers ask it before a task calls the model
 * ({@link #admit()}) and tell it what the task spent ({@link #spent(long)}); a task that needs no
 * model call (an unchanged document, an extractive summary) passes without asking.
 *
 * <p>Thread-safe implementations only: every concurrent task of a client shares one budget.
 */
public interface TokenBudget {

    /** No budget: every task may call the model. */
    TokenBudget UNLIMITED = new TokenBudget() {
        @Override
        public void admit() {
        }

        @Override
        public void spent(long tokens) {
        }

        @Override
        public String toString() {
            return "unlimited";
        }
    };

    /** What becomes of a task that would call the model once the day's tokens are spent: {@code openAiOverBudget}. */
    enum OverBudget {
        /** Back on the queue until the next day (00:00 UTC); it still counts as one attempt. */
        WAIT,
        /** To the poison queue with the reason, and a {@code failed} webhook. */
        FAIL
    }

    /**
     * Lets a task call the model, or refuses it.
     *
     * @throws dev.queueworker.api.RetryableException with a {@code retryAfter} until the budget is
     *     renewed ({@link OverBudget#WAIT})
     * @throws dev.queueworker.api.PermanentException when over budget and {@link OverBudget#FAIL}
     */
    void admit();

    /**
     * Adds the tokens a task's model calls reported. Never fails the task: the tokens are spent
     * whatever happens to their count.
     */
    void spent(long tokens);

    /**
     * {@code tokensPerDay} model tokens per UTC day for {@code clientId}, counted in
     * {@code <dir>/token-usage.json} so a restart keeps the day's count. Each process (each
     * directory) counts its own: workers of one client on several machines each get the whole
     * allowance ({@link AiHandlers} counts in the pgvector database instead, when chunks are
     * stored there, shared by the client's workers). A task started under the allowance runs to
     * its end, so the day's spend can pass it by what the tasks running at that moment spend.
     *
     * @throws IllegalArgumentException when {@code tokensPerDay} is less than 1
     * @throws IllegalStateException when the file exists and cannot be read, naming it
     */
    static TokenBudget daily(String clientId, long tokensPerDay, OverBudget overBudget, Path dir) {
        return new DailyTokenBudget(clientId, tokensPerDay, overBudget, new FileTokenLedger(dir, clientId),
                Clock.systemUTC(), Math::random);
    }
}
