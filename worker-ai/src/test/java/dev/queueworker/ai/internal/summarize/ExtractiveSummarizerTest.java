package dev.queueworker.ai.internal.summarize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ExtractiveSummarizerTest {

    /** Eight sentences about one topic, with a two-sentence digression in the middle. */
    private static final String REPORT = """
            Queue Worker Report

            The queue worker takes tasks from the storage queue and runs each task with its handler.
            Every task on the queue carries a type, and the worker picks the handler for that task type.
            When a handler fails a task, the worker returns the task to the queue for a later retry.
            My neighbour's cat sleeps all afternoon on the warm garden wall.
            The cat ignores the birds completely.
            A task that keeps failing on the queue is moved to the poison queue by the worker.
            The worker renews the lease of a long task so the queue does not hand it to another worker.
            Yes.
            Operators watch the queue length to decide how many worker processes should run tasks.
            """;

    private final ExtractiveSummarizer summarizer = new ExtractiveSummarizer();

    @Test
    void picksTheCentralSentencesOverADigression() {
        Summary summary = summarizer.summarize(REPORT, SummaryRequest.ofMaxWords(60));

        assertThat(summary.text()).contains("queue").doesNotContain("cat").doesNotContain("Yes.");
        assertThat(summary.method()).isEqualTo("extractive");
        assertThat(summary.model()).isNull();
        assertThat(summary.inputCharacters()).isEqualTo(REPORT.length());
        assertThat(summary.chunks()).isEqualTo(1);
        assertThat(summary.text()).doesNotContain("Queue Worker Report"); // a heading, not a sentence
    }

    @Test
    void theDigressionRanksLowest() {
        List<ExtractiveSummarizer.Sentence> sentences = summarizer.sentences(REPORT).stream()
                .filter(s -> s.words().length >= 4)
                .toList();
        double[] scores = ExtractiveSummarizer.textRank(sentences);

        int lowest = 0;
        int secondLowest = 1;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] < scores[lowest]) {
                secondLowest = lowest;
                lowest = i;
            } else if (i != lowest && scores[i] < scores[secondLowest]) {
                secondLowest = i;
            }
        }
        assertThat(List.of(sentences.get(lowest).text(), sentences.get(secondLowest).text()))
                .allMatch(text -> text.contains("cat"));
        assertThat(java.util.Arrays.stream(scores).sum()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void isDeterministic() {
        String first = summarizer.summarize(REPORT, SummaryRequest.ofMaxWords(45)).text();
        String again = new ExtractiveSummarizer().summarize(REPORT, SummaryRequest.ofMaxWords(45)).text();
        assertThat(again).isEqualTo(first);
    }

    @Test
    void respectsMaxWordsAndKeepsDocumentOrder() {
        for (int maxWords = 1; maxWords <= 150; maxWords += 7) {
            String summary = summarizer.summarize(REPORT, SummaryRequest.ofMaxWords(maxWords)).text();

            assertThat(summary.split("\\s+")).as("words for maxWords=%d", maxWords).hasSizeLessThanOrEqualTo(maxWords);
            assertThat(summary).isNotBlank();
            List<String> picked = summarizer.sentences(summary).stream().map(ExtractiveSummarizer.Sentence::text).toList();
            int previous = -1;
            for (String sentence : picked) {
                String probe = sentence.endsWith("…") ? sentence.substring(0, sentence.length() - 1) : sentence;
                int at = REPORT.indexOf(probe);
                assertThat(at).as("'%s' in the document after position %d", probe, previous).isGreaterThan(previous);
                previous = at;
            }
        }
    }

    @Test
    void cutsTheBestSentenceWhenNothingFits() {
        String summary = summarizer.summarize(REPORT, SummaryRequest.ofMaxWords(5)).text();
        assertThat(summary.split("\\s+")).hasSize(5);
        assertThat(summary).endsWith("…");
    }

    @Test
    void abbreviationsAndInitialsDoNotEndSentences() {
        String text = "Dr. Smith met Mr. J. Jones at the U.S. office on Monday. They discussed the budget, "
                + "e.g. travel costs. The meeting ended at noon!";

        assertThat(summarizer.sentences(text)).extracting(ExtractiveSummarizer.Sentence::text).containsExactly(
                "Dr. Smith met Mr. J. Jones at the U.S. office on Monday.",
                "They discussed the budget, e.g. travel costs.",
                "The meeting ended at noon!");
    }

    @Test
    void wrappedLinesAreJoinedAndHeadingsKeptApart() {
        String text = "Introduction\nThe worker reads a message\nfrom the queue and runs it.\n\nResults\nIt works well.";

        assertThat(summarizer.sentences(text)).extracting(ExtractiveSummarizer.Sentence::text).containsExactly(
                "Introduction", "The worker reads a message from the queue and runs it.", "Results", "It works well.");
    }

    @Test
    void shortFragmentsAreUsedWhenNothingElseIsThere() {
        Summary summary = summarizer.summarize("Yes. No. Maybe.", SummaryRequest.ofMaxWords(10));
        assertThat(summary.text()).isEqualTo("Yes. No. Maybe.");
    }

    @Test
    void blankTextIsAPermanentFailure() {
        assertThatThrownBy(() -> summarizer.summarize(" \n\t ", SummaryRequest.ofMaxWords(10)))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("no text");
    }

    @Test
    void longDocumentsAreRankedInWindows() {
        StringBuilder text = new StringBuilder();
        String[] topics = {"invoice payment terms", "server backup schedule", "holiday leave policy"};
        for (int i = 0; i < 3_000; i++) {
            text.append("Sentence ").append(i).append(" talks about the ").append(topics[i % 3])
                    .append(" in section ").append(i / 100).append(".\n");
        }
        ExtractiveSummarizer windowed = new ExtractiveSummarizer(Locale.ENGLISH, 500);

        Summary summary = windowed.summarize(text.toString(), SummaryRequest.ofMaxWords(50));

        assertThat(summary.chunks()).isEqualTo(6);
        assertThat(summary.text().split("\\s+")).hasSizeLessThanOrEqualTo(50).hasSizeGreaterThan(30);
        assertThat(windowed.summarize(text.toString(), SummaryRequest.ofMaxWords(50))).isEqualTo(summary);
    }

    @Test
    void stopsWhenCancelled() {
        assertThatThrownBy(() -> summarizer.summarize(REPORT, SummaryRequest.ofMaxWords(50), () -> true))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("cancelled");
    }

    @Test
    void requestsAreValidated() {
        assertThatThrownBy(() -> new SummaryRequest(0, null)).hasMessageContaining("maxWords");
        assertThat(new SummaryRequest(10, "  ").instructions()).isNull();
    }
}
