package dev.queueworker.ai.internal.budget;

import dev.langchain4j.exception.NonRetriableException;

/**
 * A call that gave up waiting for the API's rate limit: the budget would not have room within the
 * call's maximum wait, the API kept answering 429, or the task was cancelled meanwhile. Non-retriable
 * for LangChain4j, so its own retries do not add another wait; {@code ModelErrors} makes it the
 * retryable failure (429) it is for the engine, which retries the task later.
 */
public final class BudgetExceededException extends NonRetriableException {
    private final boolean cancelled;

    BudgetExceededException(String message, boolean cancelled) {
        super(message);
        this.cancelled = cancelled;
    }

    /** Whether the wait ended because the task was cancelled or its thread interrupted. */
    public boolean cancelled() {
        return cancelled;
    }
}
