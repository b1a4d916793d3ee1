package dev.queueworker.ai.internal.summarize;

import java.util.function.BooleanSupplier;

/**
 * Summarizes a document's text.
 *
 * <p>Implementations are thread-safe: one instance serves concurrent tasks. Failures of a model are
 * queue-worker exceptions ({@code RetryableException} or {@code PermanentException}); a run that is
 * cancelled stops between model calls with a {@code RetryableException}.
 */
public interface Summarizer {

    /**
     * Summarizes {@code text}, checking {@code cancelled} between steps.
     *
     * @param text the document's text, not blank
     * @param request how long the summary may be, and the user's instructions
     * @param cancelled answers true once the caller no longer wants the summary (such as
     *     {@code TaskContext::isCancelled})
     * @throws dev.queueworker.api.PermanentException when the text is blank or a model rejects the
     *     request
     * @throws dev.queueworker.api.RetryableException when a model fails transiently or the run is
     *     cancelled
     */
    Summary summarize(String text, SummaryRequest request, BooleanSupplier cancelled);

    /** Summarizes {@code text}, stopping between steps when the calling thread is interrupted. */
    default Summary summarize(String text, SummaryRequest request) {
        Thread caller = Thread.currentThread();
        return summarize(text, request, caller::isInterrupted);
    }
}
