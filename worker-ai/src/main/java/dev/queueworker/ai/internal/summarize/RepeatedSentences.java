package dev.queueworker.ai.internal.summarize;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Drops the sentences a text repeats, for the chat model: a fact restated in every section (as
 * handbooks, policies and minutes do) would otherwise be summarized once per map-reduce chunk and
 * crowd the combined summary. A sentence of at least {@value #MIN_WORDS} words whose words (case and
 * punctuation aside) occurred before is dropped; shorter ones, such as headings, stay. A text without
 * repeats is returned as it is; otherwise its sentences are returned one a line, paragraphs apart.
 */
final class RepeatedSentences {
    static final int MIN_WORDS = 4;

    private static final SentenceSplitter SPLITTER = new SentenceSplitter(Locale.ENGLISH);

    private RepeatedSentences() {
    }

    static String drop(String text) {
        List<Sentence> sentences = SPLITTER.sentences(text);
        Set<String> seen = new HashSet<>();
        boolean[] repeat = new boolean[sentences.size()];
        boolean any = false;
        for (Sentence sentence : sentences) {
            if (sentence.words().length >= MIN_WORDS && !seen.add(sentence.key())) {
                repeat[sentence.index()] = true;
                any = true;
            }
        }
        if (!any) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int paragraph = -1;
        for (Sentence sentence : sentences) {
            if (repeat[sentence.index()]) {
                continue;
            }
            if (out.length() > 0) {
                out.append(sentence.paragraph() == paragraph ? "\n" : "\n\n");
            }
            paragraph = sentence.paragraph();
            out.append(sentence.text());
        }
        return out.toString();
    }
}
