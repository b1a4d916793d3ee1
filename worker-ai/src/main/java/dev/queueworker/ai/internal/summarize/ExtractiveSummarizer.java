package dev.queueworker.ai.internal.summarize;

import dev.queueworker.ai.internal.ModelUsage;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A summary without a model: the text's most central sentences, without repeats, in document
 * order, within the word limit. Deterministic: the same text and limit always give the same summary.
 *
 * <p>How: the text is cut into sentences by {@link SentenceSplitter} (paragraphs at blank lines,
 * {@link java.text.BreakIterator} sentences, abbreviations and headings handled). Fragments under
 * four words are not ranked, unless nothing else is left; a sentence that occurs again (same words,
 * case and punctuation aside) is ranked once, at its first place. Sentences are ranked with {@link TextRank}:
 * PageRank over a graph whose edges are the TF-IDF cosine similarities of the sentences' words.
 * {@link SentenceSelection} then picks them by maximal marginal relevance: a sentence that repeats or
 * restates one already chosen (more than half of its words shared) is skipped, and the word budget is
 * filled from the rest of the document. If not even the best sentence fits, its first
 * {@code maxWords} words are returned.
 *
 * <p>Cost: the similarity graph is quadratic in its size, so sentences are ranked in consecutive
 * windows of at most {@link #DEFAULT_WINDOW_SENTENCES} (each window's scores scaled to mean 1 so
 * windows compete fairly); the cost grows linearly with the length of the text, about O(window²)
 * per window. {@link Summary#chunks()} is the number of windows. The user's instructions are
 * ignored: there is no model to follow them.
 */
public final class ExtractiveSummarizer implements Summarizer {

    /** The default number of sentences ranked together. */
    public static final int DEFAULT_WINDOW_SENTENCES = 1_000;

    private static final int MIN_WORDS = 4;

    private final SentenceSplitter splitter;
    private final int windowSentences;

    /** An English summarizer ranking {@link #DEFAULT_WINDOW_SENTENCES} sentences at a time. */
    public ExtractiveSummarizer() {
        this(Locale.ENGLISH, DEFAULT_WINDOW_SENTENCES);
    }

    /**
     * @param locale the locale of the sentence rules
     * @param windowSentences how many sentences are ranked together, at least 2
     */
    public ExtractiveSummarizer(Locale locale, int windowSentences) {
        this.splitter = new SentenceSplitter(Objects.requireNonNull(locale, "'locale' cannot be null."));
        if (windowSentences < 2) {
            throw new IllegalArgumentException("windowSentences must be at least 2, was " + windowSentences);
        }
        this.windowSentences = windowSentences;
    }

    @Override
    public Summary summarize(String text, SummaryRequest request, BooleanSupplier cancelled) {
        Objects.requireNonNull(request, "'request' cannot be null.");
        Objects.requireNonNull(cancelled, "'cancelled' cannot be null.");
        if (text == null || text.isBlank()) {
            throw new PermanentException("nothing to summarize: the document has no text");
        }
        List<Sentence> all = splitter.sentences(text);
        List<Sentence> candidates = all.stream().filter(s -> s.words().length >= MIN_WORDS).toList();
        if (candidates.isEmpty()) {
            candidates = all;
        }
        // A repeated sentence is ranked once: copies would make each other central and crowd out the rest.
        Set<String> seen = new HashSet<>();
        candidates = candidates.stream().filter(s -> seen.add(s.key())).toList();
        double[] scores = new double[candidates.size()];
        int windows = 0;
        for (int from = 0; from < candidates.size(); from += windowSentences) {
            if (cancelled.getAsBoolean()) {
                throw new RetryableException("extractive summary cancelled before it finished");
            }
            int to = Math.min(candidates.size(), from + windowSentences);
            double[] window = TextRank.rank(candidates.subList(from, to));
            for (int i = 0; i < window.length; i++) {
                scores[from + i] = window[i] * window.length; // mean 1 in every window
            }
            windows++;
        }
        List<Sentence> chosen = SentenceSelection.select(candidates, scores, request.maxWords());
        String summary;
        if (chosen.isEmpty()) {
            int best = 0;
            for (int i = 1; i < scores.length; i++) {
                if (scores[i] > scores[best]) {
                    best = i; // ties go to the earlier sentence
                }
            }
            String[] words = candidates.get(best).words();
            summary = String.join(" ", Arrays.copyOf(words, Math.min(request.maxWords(), words.length))) + "…";
        } else {
            summary = chosen.stream().map(Sentence::text).collect(Collectors.joining(" "));
        }
        return new Summary(summary, Summary.EXTRACTIVE, null, text.length(), windows, ModelUsage.NONE);
    }

    /** The text's sentences in order (package-private for tests). */
    List<Sentence> sentences(String text) {
        return splitter.sentences(text);
    }
}
