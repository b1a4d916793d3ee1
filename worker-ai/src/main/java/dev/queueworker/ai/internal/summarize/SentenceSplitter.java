package dev.queueworker.ai.internal.summarize;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a text into {@link Sentence}s: paragraphs at blank lines, sentences with {@link BreakIterator}
 * (common abbreviations such as "Dr." and initials such as "J." do not end a sentence; short heading
 * lines stand alone), and each sentence's ranking terms (stop words left out, plurals folded).
 * Thread-safe.
 */
final class SentenceSplitter {
    private static final int MAX_HEADING_WORDS = 8;
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

    SentenceSplitter(Locale locale) {
        this.locale = Objects.requireNonNull(locale, "'locale' cannot be null.");
    }

    /** The text's sentences in order. */
    List<Sentence> sentences(String text) {
        List<Sentence> sentences = new ArrayList<>();
        int paragraphNumber = 0;
        for (String paragraph : BLANK_LINE.split(text.replace("\r\n", "\n"))) {
            int before = sentences.size();
            for (String block : headingsApart(paragraph)) {
                for (String piece : split(block)) {
                    String[] words = piece.split("\\s+");
                    if (words.length > 0 && !words[0].isEmpty()) {
                        sentences.add(new Sentence(sentences.size(), paragraphNumber, piece, words, terms(piece)));
                    }
                }
            }
            if (sentences.size() > before) {
                paragraphNumber++;
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

    static Map<String, Integer> terms(String sentence) {
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

}
