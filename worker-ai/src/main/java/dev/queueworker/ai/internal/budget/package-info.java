/**
 * The model API as a shared budget (issue 23): one {@link dev.queueworker.ai.internal.budget.ApiBudget}
 * per API key and base URL in the process, which every call through a
 * {@link dev.queueworker.ai.internal.budget.BudgetedHttpClient} waits on, and which learns the API's
 * limits from its {@code x-ratelimit-*} headers. Not public API.
 */
package dev.queueworker.ai.internal.budget;
