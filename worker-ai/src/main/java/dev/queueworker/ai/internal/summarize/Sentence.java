package dev.queueworker.ai.internal.summarize;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A sentence of a text.
 *
 * @param index its place among the text's sentences, from 0
 * @param paragraph the number of its paragraph (text between blank lines), from 0
 * @param text the sentence as written, whitespace collapsed
 * @param words its words as written
 * @param terms its ranking terms (lower case, stop words left out, plurals folded) and their counts
 */
record Sentence(int index, int paragraph, String text, String[] words, Map<String, Integer> terms) {
    private static final Pattern NOT_A_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    /** Its words in lower case without punctuation: two sentences with the same key say the same. */
    String key() {
        return NOT_A_WORD.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    }
}
