package dev.queueworker.ai.internal.parse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds the lines a document prints on its pages rather than says: running headers and footers,
 * page numbers ("Page 3 of 12"), running titles, confidentiality lines. They would otherwise be
 * ranked as the most central sentences of a summary and put into every chunk.
 *
 * <p>Pages are separated by {@value #PAGE_BREAK} ({@link PageMarks} puts one between the pages of
 * a PDF; a text file's form feeds are page breaks too). Only the first and last {@value #EDGE_LINES}
 * lines of a page are candidates, compared in lower case with whitespace collapsed. A line is
 * boilerplate when it stands on the edge of many pages: of every page of a document of two or three
 * pages, else of at least {@value #MIN_PAGES} pages and {@value #SHARE_PERCENT} % of them (so running
 * titles that alternate between odd and even pages are found too). A short line whose numbers change
 * counts as the same line on every page when one of its numbers grows page by page, as "Page 3 of
 * 12" does. Only those edge occurrences are removed; the same words in the middle of a page stay,
 * and so does a line of real content that merely repeats two or three times. A boilerplate line that
 * is a sentence (a notice, or a key fact restated at the top of every section) is kept where it
 * first occurs. A document of one page is returned as it is.
 *
 * <p>{@link #stripLines} removes the lines of a Word document's header and footer parts, which Tika
 * writes into the text once per section rather than once per page.
 */
final class PageBoilerplate {
    static final char PAGE_BREAK = '\f';
    static final int EDGE_LINES = 3;
    static final int MIN_PAGES = 4;
    static final int SHARE_PERCENT = 40;
    static final int MAX_COUNTER_WORDS = 8;

    private static final Pattern DIGITS = Pattern.compile("\\p{Nd}+");
    private static final Pattern SPACE = Pattern.compile("\\s+");
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?][\"')\\]]?$");
    static final int MIN_SENTENCE_WORDS = 6;

    private PageBoilerplate() {
    }

    /** A text with its boilerplate removed, and how many lines went. */
    record Stripped(String text, int linesRemoved) {
    }

    /** The line as compared: lower case, whitespace collapsed, digits as {@code 0}. */
    static String key(String line) {
        return DIGITS.matcher(plain(line)).replaceAll("0");
    }

    /** The line in lower case with whitespace collapsed. */
    private static String plain(String line) {
        return SPACE.matcher(line.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    /** How many pages a key must stand on the edge of to be boilerplate; more than pages when none can be. */
    static int requiredPages(int pages) {
        if (pages < 2) {
            return Integer.MAX_VALUE;
        }
        if (pages <= 3) {
            return pages;
        }
        return Math.max(MIN_PAGES, (pages * SHARE_PERCENT + 99) / 100);
    }

    /**
     * The text with the boilerplate of its {@value #PAGE_BREAK}-separated pages removed; page breaks
     * become line breaks.
     */
    static Stripped strip(String text) {
        if (text.indexOf(PAGE_BREAK) < 0) {
            return new Stripped(text, 0);
        }
        List<List<String>> pages = new ArrayList<>();
        for (String page : text.split(String.valueOf(PAGE_BREAK), -1)) {
            pages.add(List.of(page.split("\n", -1)));
        }
        int required = requiredPages((int) pages.stream().filter(PageBoilerplate::hasText).count());
        Set<String> boilerplate = boilerplate(pages, required);
        StringBuilder out = new StringBuilder(text.length());
        Set<String> keptOnce = new HashSet<>();
        int removed = 0;
        for (List<String> page : pages) {
            Set<Integer> edges = new HashSet<>(edges(page));
            for (int i = 0; i < page.size(); i++) {
                String line = page.get(i);
                if (edges.contains(i) && (boilerplate.contains(plain(line)) || boilerplate.contains(key(line)))
                        && !firstSentence(line, keptOnce)) {
                    removed++;
                    continue;
                }
                out.append(page.get(i)).append('\n');
            }
        }
        return new Stripped(out.toString(), removed);
    }

    /**
     * The boilerplate lines ({@link #plain}) and counters ({@link #key}): those on the edges of at
     * least {@code required} pages, either word for word, or as a counter (at most {@value #MAX_COUNTER_WORDS} words whose numbers
     * differ and one of which grows from page to page, as a page number does). Table rows that
     * differ only in their figures are no counters: their figures do not grow page by page.
     */
    private static Set<String> boilerplate(List<List<String>> pages, int required) {
        Map<String, Integer> exact = new HashMap<>();
        Map<String, List<List<Long>>> counters = new HashMap<>(); // key -> the numbers of its line, page by page
        for (List<String> page : pages) {
            Set<String> seen = new HashSet<>();
            Set<String> seenKeys = new HashSet<>();
            for (int i : edges(page)) {
                String line = plain(page.get(i));
                if (seen.add(line)) {
                    exact.merge(line, 1, Integer::sum);
                }
                String key = key(line);
                if (!key.equals(line) && line.split(" ").length <= MAX_COUNTER_WORDS && seenKeys.add(key)) {
                    counters.computeIfAbsent(key, k -> new ArrayList<>()).add(numbers(line));
                }
            }
        }
        Set<String> keys = new HashSet<>();
        exact.forEach((line, count) -> {
            if (count >= required) {
                keys.add(line);
            }
        });
        counters.forEach((key, numbers) -> {
            if (numbers.size() >= required && grows(numbers)) {
                keys.add(key);
            }
        });
        return keys;
    }

    private static List<Long> numbers(String line) {
        List<Long> numbers = new ArrayList<>();
        java.util.regex.Matcher digits = DIGITS.matcher(line);
        while (digits.find()) {
            String number = digits.group();
            numbers.add(number.length() > 15 ? Long.MAX_VALUE : Long.parseLong(number));
        }
        return numbers;
    }

    /** Whether one of the numbers grows strictly from each occurrence to the next. */
    private static boolean grows(List<List<Long>> occurrences) {
        int positions = occurrences.get(0).size();
        for (int position = 0; position < positions; position++) {
            boolean growing = true;
            for (int i = 1; i < occurrences.size() && growing; i++) {
                growing = occurrences.get(i).size() == positions
                        && occurrences.get(i).get(position) > occurrences.get(i - 1).get(position);
            }
            if (growing) {
                return true;
            }
        }
        return false;
    }

    /** The text without the lines whose {@link #key} is one of {@code keys}. */
    static Stripped stripLines(String text, Set<String> keys) {
        if (keys.isEmpty()) {
            return new Stripped(text, 0);
        }
        StringBuilder out = new StringBuilder(text.length());
        Set<String> keptOnce = new HashSet<>();
        int removed = 0;
        for (String line : text.split("\n", -1)) {
            if (!line.isBlank() && keys.contains(key(line)) && !firstSentence(line, keptOnce)) {
                removed++;
            } else {
                out.append(line).append('\n');
            }
        }
        return new Stripped(out.toString(), removed);
    }

    /**
     * Whether a boilerplate line is a sentence ({@value #MIN_SENTENCE_WORDS} words or more, ending
     * as a sentence does) seen for the first time: a fact restated at the top of every section, or
     * a notice, is kept once, so nothing the document says is lost.
     */
    private static boolean firstSentence(String line, Set<String> keptOnce) {
        String plain = plain(line);
        return SENTENCE_END.matcher(plain).find() && plain.split(" ").length >= MIN_SENTENCE_WORDS
                && keptOnce.add(plain);
    }

    /** The indexes of a page's first and last {@value #EDGE_LINES} lines that are not blank. */
    private static List<Integer> edges(List<String> page) {
        List<Integer> text = new ArrayList<>();
        for (int i = 0; i < page.size(); i++) {
            if (!page.get(i).isBlank()) {
                text.add(i);
            }
        }
        if (text.size() <= 2 * EDGE_LINES) {
            return text;
        }
        List<Integer> edges = new ArrayList<>(text.subList(0, EDGE_LINES));
        edges.addAll(text.subList(text.size() - EDGE_LINES, text.size()));
        return edges;
    }

    private static boolean hasText(List<String> page) {
        return page.stream().anyMatch(line -> !line.isBlank());
    }
}
