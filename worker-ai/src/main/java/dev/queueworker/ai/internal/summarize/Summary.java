package dev.queueworker.ai.internal.summarize;

import dev.queueworker.ai.internal.ModelUsage;
import java.util.Objects;

/**
 * A summary and how it was made.
 *
 * @param text the summary
 * @param method {@code "llm"} or {@code "extractive"}
 * @param model the language model's name, or null for an extractive summary
 * @param inputCharacters the length of the summarized text
 * @param chunks how many parts the text was summarized in: 1 for a single model call, the number of
 *     map calls for a map-reduce summary, the number of ranking windows for an extractive one
 * @param usage the tokens the model calls spent; {@link ModelUsage#NONE} for an extractive summary
 */
public record Summary(String text, String method, String model, int inputCharacters, int chunks, ModelUsage usage) {

    /** The {@link #method()} of an LLM summary. */
    public static final String LLM = "llm";
    /** The {@link #method()} of an extractive summary. */
    public static final String EXTRACTIVE = "extractive";

    public Summary {
        Objects.requireNonNull(text, "'text' cannot be null.");
        Objects.requireNonNull(method, "'method' cannot be null.");
        Objects.requireNonNull(usage, "'usage' cannot be null.");
    }
}
