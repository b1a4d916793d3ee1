package dev.queueworker.ai.internal.summarize;

import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A summary without a model: the text's most central sentences, in document order, within the word
 * limit. Deterministic: the same text and limit always give the same summary.
 *
 * <p>How: the text is cut into paragraphs at blank lines and into sentences with
 * {@link BreakIterator} (common abbreviations such as "Dr." and initials such as "J." do not end a
 * sentence; short heading lines stand alone). Fragments under four words are not ranked, unless
 * nothing else is left. Sentences are ranked with TextRank: PageRank over a graph whose edges are
 * the TF-IDF cosine similarities of the sentences' words (stop words left out, plurals folded).
 * The best ones are taken greedily, highest rank first (ties to the earlier sentence), skipping
 * those that no longer fit in {@code maxWords} and never filling the budget with sentences ranked
 * below the mean; if not even the best one fits, its first {@code maxWords} words are returned.
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
    private static final int MAX_HEADING_WORDS = 8;
    private static final double DAMPING = 0.85;
    private static final int MAX_ITERATIONS = 200;
    private static final double CONVERGED = 1e-10;
    private static final Pattern BLANK_LINE = Pattern.compile("\\n[ \\t\\x0B\\f\\r]*\\n");
    private static final Pattern TERM = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Pattern INITIAL = Pattern.compile("(?:^|\\s)\\p{Lu}\\.$");
    private static final Set<String> ABBREVIATIONS = Set.of(
            "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "e.g", "i.e", "inc", "ltd", "co",
            "corp", "no", "nos", "fig", "figs", "approx", "dept", "est", "gen", "gov", "mt", "ca", "cf",
            "al", "vol", "p", "pp", "ch", "sec", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
            "sept", "oct", "nov", "dec", "u.s", "u.k", "ph.d", "art", "para", "ref");
    private static final Set<String> STOP_WORDS = Set.of(
            "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
            "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
            "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
            "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
            "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
            "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of",
            "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
            "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
            "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to",
            "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where",
            "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
            "yourself", "yourselves", "may", "might", "must", "shall", "one", "many", "much", "every");

    private final Locale locale;
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
        this.locale = Objects.requireNonNull(locale, "'locale' cannot be null.");
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
        List<Sentence> all = sentences(text);
        List<Sentence> candidates = all.stream().filter(s -> s.words().length >= MIN_WORDS).toList();
        if (candidates.isEmpty()) {
            candidates = all;
        }
        double[] scores = new double[candidates.size()];
        int windows = 0;
        for (int from = 0; from < candidates.size(); from += windowSentences) {
            if (cancelled.getAsBoolean()) {
                throw new RetryableException("extractive summary cancelled before it finished");
            }
            int to = Math.min(candidates.size(), from + windowSentences);
            double[] window = textRank(candidates.subList(from, to));
            for (int i = 0; i < window.length; i++) {
                scores[from + i] = window[i] * window.length; // mean 1 in every window
            }
            windows++;
        }
        String summary = select(candidates, scores, request.maxWords());
        return new Summary(summary, Summary.EXTRACTIVE, null, text.length(), windows);
    }

    /** A sentence: its place in the text, its words as written, and its ranking terms. */
    record Sentence(int index, String text, String[] words, Map<String, Integer> terms) {}

    /** The text's sentences in order (package-private for tests). */
    List<Sentence> sentences(String text) {
        List<String> pieces = new ArrayList<>();
        for (String paragraph : BLANK_LINE.split(text.replace("\r\n", "\n"))) {
            for (String block : headingsApart(paragraph)) {
                pieces.addAll(split(block));
            }
        }
        List<Sentence> sentences = new ArrayList<>();
        for (String piece : pieces) {
            String[] words = piece.split("\\s+");
            if (words.length > 0 && !words[0].isEmpty()) {
                sentences.add(new Sentence(sentences.size(), piece, words, terms(piece)));
            }
        }
        return sentences;
    }

    /**
     * A paragraph's lines joined, except heading-like lines kept apart: short, unpunctuated, and
     * followed by a line that starts a new sentence (a wrapped sentence continues in lower case).
     */
    private static List<String> headingsApart(String paragraph) {
        List<String> lines = Arrays.stream(paragraph.split("\\n")).map(String::strip).filter(l -> !l.isEmpty()).toList();
        List<String> blocks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean nextStartsSentence = i + 1 == lines.size() || !Character.isLowerCase(lines.get(i + 1).codePointAt(0));
            boolean heading = nextStartsSentence
                    && line.split("\\s+").length <= MAX_HEADING_WORDS
                    && !line.matches(".*[.!?:;,]$");
            if (heading) {
                flush(current, blocks);
                blocks.add(line);
            } else {
                if (current.length() > 0) {
                    current.append(' ');
                }
                current.append(line);
            }
        }
        flush(current, blocks);
        return blocks;
    }

    private static void flush(StringBuilder current, List<String> blocks) {
        if (current.length() > 0) {
            blocks.add(current.toString());
            current.setLength(0);
        }
    }

    private List<String> split(String block) {
        String normalized = block.replaceAll("\\s+", " ").strip();
        BreakIterator iterator = BreakIterator.getSentenceInstance(locale);
        iterator.setText(normalized);
        List<String> sentences = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int start = iterator.first();
        for (int end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
            String piece = normalized.substring(start, end).strip();
            if (piece.isEmpty()) {
                continue;
            }
            if (pending.length() > 0) {
                pending.append(' ');
            }
            pending.append(piece);
            if (!endsWithAbbreviation(piece)) {
                sentences.add(pending.toString());
                pending.setLength(0);
            }
        }
        if (pending.length() > 0) {
            sentences.add(pending.toString());
        }
        return sentences;
    }

    private static boolean endsWithAbbreviation(String piece) {
        if (!piece.endsWith(".")) {
            return false;
        }
        if (INITIAL.matcher(piece).find()) {
            return true;
        }
        int space = piece.lastIndexOf(' ');
        String last = piece.substring(space + 1, piece.length() - 1).toLowerCase(Locale.ROOT);
        if (last.startsWith("(")) {
            last = last.substring(1);
        }
        return ABBREVIATIONS.contains(last);
    }

    private static Map<String, Integer> terms(String sentence) {
        Map<String, Integer> terms = new HashMap<>();
        Matcher matcher = TERM.matcher(sentence.toLowerCase(Locale.ROOT));
        while (matcher.find()) {
            String word = matcher.group();
            if (word.length() < 2 || STOP_WORDS.contains(word)) {
                continue;
            }
            terms.merge(stem(word), 1, Integer::sum);
        }
        return terms;
    }

    /** Folds the commonest English plurals, so "queues" and "queue" are one term. */
    private static String stem(String word) {
        if (word.length() > 4 && word.endsWith("ies")) {
            return word.substring(0, word.length() - 3) + "y";
        }
        if (word.length() > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us")) {
            return word.substring(0, word.length() - 1);
        }
        return word;
    }

    /**
     * PageRank over the TF-IDF cosine similarity graph of {@code sentences}; scores sum to 1.
     *
     * <p>Every sentence's edge weights are divided by the largest weighted degree of the graph, not
     * by its own: a sentence only loosely tied to the rest (a digression whose two sentences share
     * one word) passes most of its score to the random jump instead of concentrating it on its few
     * neighbours, so an isolated cluster cannot rank as high as the main topic.
     */
    static double[] textRank(List<Sentence> sentences) {
        int n = sentences.size();
        double[][] similarity = similarities(sentences);
        double[] degree = new double[n];
        double maxDegree = 0;
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += similarity[j][k];
            }
            degree[j] = sum;
            maxDegree = Math.max(maxDegree, sum);
        }
        double[] score = new double[n];
        Arrays.fill(score, 1.0 / n);
        if (maxDegree == 0) {
            return score; // no two sentences share a word: all equal, document order decides
        }
        double[] next = new double[n];
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double unspent = 0; // the part of each score not passed along edges: spread evenly
            for (int j = 0; j < n; j++) {
                unspent += score[j] * (1 - degree[j] / maxDegree);
            }
            double base = (1 - DAMPING) / n + DAMPING * unspent / n;
            Arrays.fill(next, base);
            for (int j = 0; j < n; j++) {
                if (degree[j] == 0) {
                    continue;
                }
                double share = DAMPING * score[j] / maxDegree;
                double[] row = similarity[j];
                for (int i = 0; i < n; i++) {
                    if (row[i] != 0) {
                        next[i] += share * row[i];
                    }
                }
            }
            double change = 0;
            for (int i = 0; i < n; i++) {
                change += Math.abs(next[i] - score[i]);
            }
            double[] swap = score;
            score = next;
            next = swap;
            if (change < CONVERGED) {
                break;
            }
        }
        return score;
    }

    private static double[][] similarities(List<Sentence> sentences) {
        int n = sentences.size();
        Map<String, Integer> documentFrequency = new HashMap<>();
        for (Sentence sentence : sentences) {
            for (String term : sentence.terms().keySet()) {
                documentFrequency.merge(term, 1, Integer::sum);
            }
        }
        // Postings of normalised TF-IDF weights, in sentence order for a deterministic sum order.
        Map<String, List<double[]>> postings = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Map<String, Integer> terms = sentences.get(i).terms();
            Map<String, Double> weights = new HashMap<>();
            double norm = 0;
            for (Map.Entry<String, Integer> term : terms.entrySet()) {
                double idf = Math.log((n + 1.0) / (documentFrequency.get(term.getKey()) + 1.0)) + 1;
                double weight = (1 + Math.log(term.getValue())) * idf;
                weights.put(term.getKey(), weight);
                norm += weight * weight;
            }
            double length = Math.sqrt(norm);
            for (Map.Entry<String, Double> weight : weights.entrySet()) {
                postings.computeIfAbsent(weight.getKey(), k -> new ArrayList<>())
                        .add(new double[] {i, weight.getValue() / length});
            }
        }
        double[][] similarity = new double[n][n];
        List<String> terms = postings.keySet().stream().sorted().collect(Collectors.toList());
        for (String term : terms) {
            List<double[]> list = postings.get(term);
            for (int a = 0; a < list.size(); a++) {
                int i = (int) list.get(a)[0];
                double wi = list.get(a)[1];
                for (int b = a + 1; b < list.size(); b++) {
                    int j = (int) list.get(b)[0];
                    double product = wi * list.get(b)[1];
                    similarity[i][j] += product;
                    similarity[j][i] += product;
                }
            }
        }
        return similarity;
    }

    private static String select(List<Sentence> candidates, double[] scores, int maxWords) {
        Integer[] order = new Integer[candidates.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
        boolean[] chosen = new boolean[candidates.size()];
        int words = 0;
        for (int i : order) {
            if (scores[i] < 1.0 - 1e-9 && words > 0) {
                break; // below the mean: filling the word budget with it would dilute the summary
            }
            int length = candidates.get(i).words().length;
            if (words + length <= maxWords) {
                chosen[i] = true;
                words += length;
            }
        }
        if (words == 0) {
            String[] best = candidates.get(order[0]).words();
            return String.join(" ", Arrays.copyOf(best, Math.min(maxWords, best.length))) + "…";
        }
        StringBuilder summary = new StringBuilder();
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i]) {
                if (summary.length() > 0) {
                    summary.append(' ');
                }
                summary.append(candidates.get(i).text());
            }
        }
        return summary.toString();
    }
}
