/**
 * The model API as a shared budget (issue 23): one {@link dev.queueworker.ai.internal.budget.ApiBudget}
 * per API key and base URL in the process, which every call through a
 * {@link dev.queueworker.ai.internal.budget.BudgetedHttpClient} waits on, and which learns the API's
 * limits from its {@code x-ratelimit-*} headers; and a client's tokens per day
 * ({@link dev.queueworker.ai.internal.budget.DailyTokenBudget}, counted in a
 * {@link dev.queueworker.ai.internal.budget.TokenLedger}). Not public API.
 */
package dev.queueworker.ai.internal.budget;
