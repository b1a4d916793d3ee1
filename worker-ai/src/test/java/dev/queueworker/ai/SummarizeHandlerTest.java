package dev.queueworker.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.ai.testing.FakeOpenAiServer;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.TaskResult;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.test.TestTaskContext;
import dev.queueworker.test.TestTasks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummarizeHandlerTest {
    @TempDir
    Path dataDir;

    private final InMemoryDocumentStore documents = new InMemoryDocumentStore();

    @Test
    void withoutAModelTheSummaryIsExtractiveDeterministicAndWithinMaxWords() {
        put("bees.txt", IngestHandlerTest.paragraphs(15));
        try (AiHandlers ai = AiHandlers.create(AiSettings.builder().dataDir(dataDir).build())) {
            TaskResult first = summarize(ai, TestTasks.aTask("summarize").payload("filename", "bees.txt")
                    .payload("document_set", "nature").payload("max_words", 60));
            TaskResult again = summarize(ai, TestTasks.aTask("summarize").payload("filename", "bees.txt")
                    .payload("document_set", "nature").payload("max_words", 60));

            assertThat(first.data().get("method").asText()).isEqualTo("extractive");
            assertThat(first.data().get("model").isNull()).isTrue();
            assertThat(first.data().get("summary").asText()).isNotBlank().isEqualTo(again.data().get("summary").asText());
            assertThat(first.data().get("summary").asText().split("\\s+").length).isLessThanOrEqualTo(60);
            assertThat(first.data().get("input_characters").asInt()).isGreaterThan(1000);
            assertThat(first.data().has("chunks")).isTrue();
            assertThat(first.data().has("duration_ms")).isTrue();
        }
    }

    @Test
    void withAnLlmTheModelSummarizesAndItsFailuresAreClassified() {
        put("bees.txt", IngestHandlerTest.paragraphs(5));
        try (FakeOpenAiServer openAi = FakeOpenAiServer.start(16);
                AiHandlers ai = AiHandlers.create(AiSettings.builder().openAiApiKey("sk-test")
                        .openAiApiBase(openAi.baseUrl()).embeddingProvider(AiSettings.EmbeddingProvider.LOCAL)
                        .openAiModel("gpt-test").dataDir(dataDir).build())) {
            openAi.scriptChatAnswers("Bees dance to share where flowers are.");

            TaskResult result = summarize(ai, TestTasks.aTask("summarize").payload("filename", "bees.txt")
                    .payload("document_set", "nature").payload("instructions", "One sentence."));

            assertThat(result.data().get("summary").asText()).isEqualTo("Bees dance to share where flowers are.");
            assertThat(result.data().get("method").asText()).isEqualTo("llm");
            assertThat(result.data().get("model").asText()).isEqualTo("gpt-test");
            // the API's usage: the fake server counts a token per four characters, 38 in the answer
            assertThat(result.data().at("/usage/completion_tokens").asLong()).isEqualTo(10);
            assertThat(result.data().at("/usage/prompt_tokens").asLong()).isGreaterThan(100);
            assertThat(result.data().at("/usage/estimated_cost_usd").isNull()).isTrue(); // no price for gpt-test
            assertThat(openAi.requests(FakeOpenAiServer.CHAT_COMPLETIONS)).hasSize(1);
            assertThat(openAi.requests(FakeOpenAiServer.CHAT_COMPLETIONS).get(0).body().toString())
                    .contains("One sentence.").contains("waggle dance");

            openAi.failNext(1, 401);
            assertThatThrownBy(() -> summarize(ai, TestTasks.aTask("summarize").payload("filename", "bees.txt")
                    .payload("document_set", "nature"))).isInstanceOf(PermanentException.class);
            openAi.retryAfter(Duration.ofMillis(20));
            openAi.failNext(2, 429);
            summarize(ai, TestTasks.aTask("summarize").payload("filename", "bees.txt").payload("document_set", "nature"));
            assertThat(openAi.requests(FakeOpenAiServer.CHAT_COMPLETIONS)).extracting(FakeOpenAiServer.Call::status)
                    .endsWith(429, 429, 200); // the key's budget waited the 429s out
            openAi.retryAfter(Duration.ofMinutes(10)); // longer than 'openAiMaxWait'
            openAi.failNext(1, 429);
            assertThatThrownBy(() -> summarize(ai, TestTasks.aTask("summarize").payload("filename", "bees.txt")
                    .payload("document_set", "nature"))).isInstanceOf(RetryableException.class)
                    .hasMessageContaining("rate limited (429)");
        }
    }

    @Test
    void anLlmSummaryCountsAgainstTheDailyTokensAndAnExtractiveOneNever() throws Exception {
        put("bees.txt", IngestHandlerTest.paragraphs(5));
        Path spent = Files.createDirectories(dataDir.resolve("thrifty-extractive"));
        Files.writeString(spent.resolve("token-usage.json"), "{\"client_id\":\"thrifty\",\"day\":\""
                + LocalDate.now(ZoneOffset.UTC) + "\",\"tokens\":5}");
        try (FakeOpenAiServer openAi = FakeOpenAiServer.start(16);
                AiHandlers ai = AiHandlers.create(AiSettings.builder().clientId("thrifty").openAiApiKey("sk-test")
                        .openAiApiBase(openAi.baseUrl()).embeddingProvider(AiSettings.EmbeddingProvider.LOCAL)
                        .openAiTokensPerDay(1).openAiOverBudget(TokenBudget.OverBudget.FAIL)
                        .dataDir(dataDir.resolve("thrifty")).build());
                AiHandlers extractive = AiHandlers.create(AiSettings.builder().clientId("thrifty")
                        .summarizer(AiSettings.Summarizer.EXTRACTIVE).openAiTokensPerDay(1)
                        .openAiOverBudget(TokenBudget.OverBudget.FAIL).dataDir(spent).build())) {
            openAi.scriptChatAnswers("Bees dance.");
            summarize(ai, TestTasks.aTask("summarize").payload("filename", "bees.txt").payload("document_set", "n"));

            assertThatThrownBy(() -> summarize(ai, TestTasks.aTask("summarize").payload("filename", "bees.txt")
                    .payload("document_set", "n"))).isInstanceOf(PermanentException.class)
                    .hasMessageContaining("client 'thrifty' has spent");
            assertThat(openAi.requests(FakeOpenAiServer.CHAT_COMPLETIONS)).hasSize(1);
            assertThat(summarize(extractive, TestTasks.aTask("summarize").payload("filename", "bees.txt")
                    .payload("document_set", "n")).data().get("method").asText()).isEqualTo("extractive");
        }
    }

    @Test
    void badPayloadsNameTheirField() {
        put("a.txt", "Some text here. And more.");
        try (AiHandlers ai = AiHandlers.create(AiSettings.builder().dataDir(dataDir).build())) {
            assertThatThrownBy(() -> summarize(ai, TestTasks.aTask("summarize").payload("filename", "a.txt")
                    .payload("document_set", "x").payload("max_words", 3)))
                    .hasMessage("payload.max_words: must be 10 to 5000, was 3");
            assertThatThrownBy(() -> summarize(ai, TestTasks.aTask("summarize").payload("filename", "a.txt")
                    .payload("document_set", "x").payload("max_words", "many")))
                    .hasMessage("payload.max_words: must be a whole number, was string");
            assertThatThrownBy(() -> summarize(ai, TestTasks.aTask("summarize").payload("filename", "a.txt")
                    .payload("document_set", "x").payload("instructions", "y".repeat(2001))))
                    .hasMessageStartingWith("payload.instructions: is 2001 characters");
            assertThatThrownBy(() -> summarize(ai, TestTasks.aTask("summarize").payload("document_set", "x")))
                    .hasMessage("payload.filename: is required");
        }
    }

    private TaskResult summarize(AiHandlers ai, TestTasks task) {
        return ai.summarize().handle(task.build(), new TestTaskContext(documents, 1));
    }

    private void put(String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        documents.put(name, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }
}
