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

    /** Issue 18: a policy whose every section restates its key facts, as handbooks and minutes do. */
    static final String RESTATED = """
            Remote Work Policy

            Key facts
            Employees may work remotely up to three days per week with their manager's approval.
            Remote work requests are submitted through the HR portal before the first remote day.

            Eligibility
            Employees may work remotely up to three days per week with their manager's approval.
            Staff in their probation period work on site until the probation review is complete.
            Roles that handle physical mail or lab equipment are not eligible for remote work.

            Equipment
            Employees may work remotely up to three days per week with their manager's approval.
            The company provides a laptop, a headset and a monitor for the home office.
            Remote work requests are submitted through the HR portal before the first remote day.

            Security
            Employees may work remotely up to three days per week with their manager's approval!
            Company data stays on company devices and every connection goes through the VPN.
            Lost or stolen equipment is reported to the service desk within twenty four hours.

            Summary
            Employees may work remotely up to three days per week, with their manager's approval.
            Remote work requests are submitted through the HR portal before the first remote day.
            """;

    private final ExtractiveSummarizer summarizer = new ExtractiveSummarizer();

    @Test
    void aDocumentThatRestatesItsFactsIsNotSummarizedAsOneSentenceRepeated() {
        String summary = summarizer.summarize(RESTATED, SummaryRequest.ofMaxWords(60)).text();

        List<String> sentences = summarizer.sentences(summary).stream().map(Sentence::text)
                .map(ExtractiveSummarizerTest::normalized).toList();
        assertThat(sentences).as(summary).doesNotHaveDuplicates();
        assertThat(sentences.stream().filter(s -> s.startsWith("employees may work remotely"))).as(summary).hasSize(1);
        assertThat(summary.split("\\s+")).as("the budget is filled from the rest of the document")
                .hasSizeGreaterThan(40).hasSizeLessThanOrEqualTo(60);
    }

    @Test
    void noSummaryHoldsTwoSentencesOverlappingByMoreThanHalf() {
        for (String document : List.of(RESTATED, REPORT)) {
            for (int maxWords = 15; maxWords <= 200; maxWords += 5) {
                String summary = summarizer.summarize(document, SummaryRequest.ofMaxWords(maxWords)).text();
                List<Sentence> sentences = summarizer.sentences(summary);
                for (int i = 0; i < sentences.size(); i++) {
                    for (int j = i + 1; j < sentences.size(); j++) {
                        assertThat(SentenceSelection.overlap(sentences.get(i), sentences.get(j)))
                                .as("%s / %s", sentences.get(i).text(), sentences.get(j).text())
                                .isLessThanOrEqualTo(SentenceSelection.NEAR_DUPLICATE);
                    }
                }
            }
        }
    }

    @Test
    void overlapIsTheShareOfTheShorterSentencesWordsFoundInTheOther() {
        List<Sentence> s = summarizer.sentences("Employees may work remotely three days per week. "
                + "Remote work is allowed for three days a week if the manager approves. "
                + "The cafeteria opens at noon. Yes. YES!");
        assertThat(SentenceSelection.overlap(s.get(0), s.get(0))).isEqualTo(1.0);
        // {employee, work, remotely, three, day, per, week}, {remote, work, allowed, three, day, week, manager, approve}
        assertThat(SentenceSelection.overlap(s.get(0), s.get(1))).isEqualTo(4.0 / 7);
        assertThat(SentenceSelection.overlap(s.get(0), s.get(2))).isZero();
        assertThat(SentenceSelection.overlap(s.get(3), s.get(4))).isEqualTo(1.0); // no terms: same words
    }

    static String normalized(String sentence) {
        return sentence.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

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
        List<Sentence> sentences = summarizer.sentences(REPORT).stream()
                .filter(s -> s.words().length >= 4)
                .toList();
        double[] scores = TextRank.rank(sentences);

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
            List<String> picked = summarizer.sentences(summary).stream().map(Sentence::text).toList();
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

        assertThat(summarizer.sentences(text)).extracting(Sentence::text).containsExactly(
                "Dr. Smith met Mr. J. Jones at the U.S. office on Monday.",
                "They discussed the budget, e.g. travel costs.",
                "The meeting ended at noon!");
    }

    @Test
    void wrappedLinesAreJoinedAndHeadingsKeptApart() {
        String text = "Introduction\nThe worker reads a message\nfrom the queue and runs it.\n\nResults\nIt works well.";

        assertThat(summarizer.sentences(text)).extracting(Sentence::text).containsExactly(
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
