package dev.queueworker.ai.internal.summarize;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Chooses a summary's sentences from their TextRank scores without redundancy: maximal marginal
 * relevance. Each step takes the sentence that still fits the word budget and has the best
 * {@code 0.7 × relevance − 0.3 × redundancy}, where relevance is its score over the best score and
 * redundancy its largest {@linkplain #overlap word overlap} with a sentence already chosen. A
 * sentence whose overlap with a chosen one exceeds {@value #NEAR_DUPLICATE} (a repeat, or a
 * restatement of the same fact) is never taken. Steps go on until no sentence fits, so the budget
 * is filled from the rest of the document; the chosen sentences are returned in document order.
 */
final class SentenceSelection {
    /** The largest {@link #overlap} a summary's two sentences may have. */
    static final double NEAR_DUPLICATE = 0.5;
    /** Only this many of the best-ranked sentences are considered: enough for any budget. */
    static final int POOL = 2_000;
    private static final double LAMBDA = 0.7;
    /** Scores are scaled to mean 1 (per ranking window); below it a sentence is less central than most. */
    private static final double MEAN = 1.0 - 1e-9;
    /** Below half the mean, a sentence is off the document's topics (a digression): never a filler. */
    private static final double FILL_FLOOR = 0.5;

    private SentenceSelection() {
    }

    /**
     * The share of the shorter sentence's terms that the other one also has, from 0 to 1; for
     * sentences without terms, 1 when their words are the same (case and punctuation aside), else 0.
     */
    static double overlap(Sentence a, Sentence b) {
        Map<String, Integer> small = a.terms().size() <= b.terms().size() ? a.terms() : b.terms();
        Map<String, Integer> large = small == a.terms() ? b.terms() : a.terms();
        if (small.isEmpty()) {
            return a.key().equals(b.key()) ? 1 : 0;
        }
        long shared = small.keySet().stream().filter(large::containsKey).count();
        return (double) shared / small.size();
    }

    /**
     * The chosen sentences in document order, at most {@code maxWords} words in all; empty when not
     * even one fits.
     */
    static List<Sentence> select(List<Sentence> candidates, double[] scores, int maxWords) {
        Integer[] order = new Integer[candidates.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
        int size = Math.min(POOL, order.length);
        double best = Math.max(scores[order[0]], Double.MIN_VALUE);
        double[] redundancy = new double[size];
        boolean[] taken = new boolean[size];
        int words = 0;
        boolean aboveMeanOnly = true;
        while (true) {
            int pick = -1;
            double pickValue = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < size; k++) {
                Sentence sentence = candidates.get(order[k]);
                if (taken[k] || redundancy[k] > NEAR_DUPLICATE || words + sentence.words().length > maxWords
                        || scores[order[k]] < (aboveMeanOnly ? MEAN : FILL_FLOOR)) {
                    continue;
                }
                double value = LAMBDA * scores[order[k]] / best - (1 - LAMBDA) * redundancy[k];
                if (value > pickValue + 1e-12
                        || (Math.abs(value - pickValue) <= 1e-12 && order[k] < order[pick])) {
                    pick = k;
                    pickValue = value;
                }
            }
            if (pick < 0 && aboveMeanOnly) {
                aboveMeanOnly = false; // the central sentences are used up: fill the rest of the budget
                continue;
            }
            if (pick < 0) {
                break;
            }
            taken[pick] = true;
            Sentence chosen = candidates.get(order[pick]);
            words += chosen.words().length;
            for (int k = 0; k < size; k++) {
                if (!taken[k]) {
                    redundancy[k] = Math.max(redundancy[k], overlap(chosen, candidates.get(order[k])));
                }
            }
        }
        return java.util.stream.IntStream.range(0, size).filter(k -> taken[k]).mapToObj(k -> candidates.get(order[k]))
                .sorted(Comparator.comparingInt(Sentence::index)).toList();
    }
}
