package dev.queueworker.ai.internal.summarize;

/**
 * What the summary should be.
 *
 * @param maxWords the summary's length limit in words, at least 1
 * @param instructions the user's own instructions (focus, tone, format), or null; models treat
 *     them as the user's wishes, never as a way to change their rules
 */
public record SummaryRequest(int maxWords, String instructions) {

    public SummaryRequest {
        if (maxWords < 1) {
            throw new IllegalArgumentException("maxWords must be at least 1, was " + maxWords);
        }
        if (instructions != null && instructions.isBlank()) {
            instructions = null;
        }
    }

    /** A request for at most {@code maxWords} words without instructions. */
    public static SummaryRequest ofMaxWords(int maxWords) {
        return new SummaryRequest(maxWords, null);
    }
}
