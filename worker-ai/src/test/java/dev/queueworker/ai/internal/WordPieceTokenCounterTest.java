package dev.queueworker.ai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WordPieceTokenCounterTest {
    private static final String[] PIECES = {"the", "Honeybees", "waggle-dance", "don't", "naïve", "CAFÉ", "e.g.",
        "3.14159", "(parenthesised)", "über", "日本語", "well,", "tokenization!", "x", "state-of-the-art",
        "\"quoted\"", "émigré", "1,000,000", "co-operate;", "URLs:https://example.com/a?b=c"};

    @Test
    void countsExactlyWhatTheTokenizerCountsForAnyText() {
        HuggingFaceTokenCountEstimator tokenizer = new HuggingFaceTokenCountEstimator();
        WordPieceTokenCounter counter = new WordPieceTokenCounter(tokenizer);
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            StringBuilder text = new StringBuilder();
            int words = random.nextInt(60);
            for (int w = 0; w < words; w++) {
                text.append(PIECES[random.nextInt(PIECES.length)]);
                text.append(switch (random.nextInt(5)) {
                    case 0 -> "\n\n";
                    case 1 -> "\t";
                    case 2 -> "  ";
                    default -> " ";
                });
            }
            String sample = random.nextBoolean() ? text.toString() : " " + text.toString().strip();
            assertThat(counter.estimateTokenCountInText(sample)).as(sample)
                    .isEqualTo(tokenizer.estimateTokenCountInText(sample));
        }
    }
}
