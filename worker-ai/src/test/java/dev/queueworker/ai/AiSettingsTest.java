package dev.queueworker.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AiSettingsTest {
    @Test
    void withNothingSetEverythingRunsOffline() {
        AiSettings s = AiSettings.builder().build();

        assertThat(s.embeddingProvider()).isEqualTo(AiSettings.EmbeddingProvider.LOCAL);
        assertThat(s.summarizer()).isEqualTo(AiSettings.Summarizer.EXTRACTIVE);
        assertThat(s.vectorStore()).isEqualTo(AiSettings.VectorStore.MEMORY);
        assertThat(s.chunkSize()).isEqualTo(110).isLessThanOrEqualTo(120);
        assertThat(s.chunkOverlap()).isEqualTo(20);
        assertThat(s.clientId()).isEqualTo("default");
    }

    @Test
    void anApiKeyAndADatabaseUrlSwitchTheDefaults() {
        AiSettings s = AiSettings.builder().openAiApiKey("sk-test-123").databaseUrl("postgresql://u:p@db:5432/app")
                .openAiApiBase("http://127.0.0.1:9/v1/").build();

        assertThat(s.embeddingProvider()).isEqualTo(AiSettings.EmbeddingProvider.OPENAI);
        assertThat(s.summarizer()).isEqualTo(AiSettings.Summarizer.LLM);
        assertThat(s.vectorStore()).isEqualTo(AiSettings.VectorStore.PGVECTOR);
        assertThat(s.chunkSize()).isEqualTo(500);
        assertThat(s.openAiApiBase()).isEqualTo("http://127.0.0.1:9/v1");
        assertThat(s.toString()).doesNotContain("sk-test-123").doesNotContain("u:p@");
    }

    @Test
    void explicitChoicesWinOverTheDefaults() {
        AiSettings s = AiSettings.builder().openAiApiKey("sk-x").embeddingProvider(AiSettings.EmbeddingProvider.LOCAL)
                .summarizer(AiSettings.Summarizer.EXTRACTIVE).chunkSize(80).chunkOverlap(0)
                .parseTimeout(Duration.ofSeconds(90)).maxBytes(1_000_000).build();

        assertThat(s.embeddingProvider()).isEqualTo(AiSettings.EmbeddingProvider.LOCAL);
        assertThat(s.summarizer()).isEqualTo(AiSettings.Summarizer.EXTRACTIVE);
        assertThat(s.chunkSize()).isEqualTo(80);
        assertThat(s.chunkOverlap()).isZero();
        assertThat(s.parseTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.maxBytes()).isEqualTo(1_000_000);
    }

    /** A library names its options, never an environment variable: the daemon's reader names those. */
    @Test
    void badValuesNameTheirOption() {
        assertThatThrownBy(() -> AiSettings.builder().chunkSize(0))
                .hasMessage("'chunkSize' must be 1 to 8000, was 0");
        assertThatThrownBy(() -> AiSettings.builder().parseTimeout(Duration.ZERO))
                .hasMessageStartingWith("'parseTimeout' must be positive");
        assertThatThrownBy(() -> AiSettings.builder().embeddingProvider(AiSettings.EmbeddingProvider.OPENAI).build())
                .hasMessage("'embeddingProvider' OPENAI needs 'openAiApiKey'");
        assertThatThrownBy(() -> AiSettings.builder().vectorStore(AiSettings.VectorStore.PGVECTOR).build())
                .hasMessage("'vectorStore' PGVECTOR needs 'databaseUrl'");
        assertThatThrownBy(() -> AiSettings.builder().chunkSize(50).chunkOverlap(50).build())
                .hasMessageContaining("'chunkOverlap' (50) must be smaller than 'chunkSize' (50)");
        assertThatThrownBy(() -> AiSettings.builder().pgvectorTable("chunks; drop table x"))
                .hasMessageStartingWith("'pgvectorTable' must be a lowercase SQL name");
        assertThatThrownBy(() -> AiSettings.builder().databaseUrl("mysql://x"))
                .hasMessageStartingWith("'databaseUrl' must start with");
        assertThatThrownBy(() -> AiSettings.builder().blobNameTemplate("{name}.pdf"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRateLimitOptionsDefaultToLearningAndTwoMinutesOfWaitAndAreChecked() {
        AiSettings defaults = AiSettings.builder().openAiApiKey("sk-x").build();
        AiSettings set = AiSettings.builder().openAiApiKey("sk-x").openAiRequestsPerMinute(500)
                .openAiTokensPerMinute(2_000_000).openAiMaxWait(Duration.ofSeconds(30)).build();

        assertThat(defaults.openAiRequestsPerMinute()).isZero();
        assertThat(defaults.openAiTokensPerMinute()).isZero();
        assertThat(defaults.openAiMaxWait()).isEqualTo(Duration.ofMinutes(2));
        assertThat(set.openAiRequestsPerMinute()).isEqualTo(500);
        assertThat(set.openAiTokensPerMinute()).isEqualTo(2_000_000);
        assertThat(set.openAiMaxWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(set.toString()).contains("openAiTokensPerMinute=2000000", "openAiMaxWait=PT30S");
        assertThatThrownBy(() -> AiSettings.builder().openAiRequestsPerMinute(-1))
                .hasMessage("'openAiRequestsPerMinute' must be 0 (learn it from the API) to 10000000, was -1");
        assertThatThrownBy(() -> AiSettings.builder().openAiTokensPerMinute(-5))
                .hasMessageStartingWith("'openAiTokensPerMinute' must be 0");
        assertThatThrownBy(() -> AiSettings.builder().openAiMaxWait(Duration.ZERO))
                .hasMessageStartingWith("'openAiMaxWait' must be positive");
        assertThatThrownBy(() -> AiSettings.builder().openAiMaxWait(Duration.ofHours(2)))
                .hasMessage("'openAiMaxWait' must be at most 1h, was PT2H");
    }

    @Test
    void theDailyTokensDefaultToNoneAndWaitingAndAreChecked() {
        AiSettings defaults = AiSettings.builder().build();
        AiSettings set = AiSettings.builder().openAiTokensPerDay(5_000_000)
                .openAiOverBudget(TokenBudget.OverBudget.FAIL).build();

        assertThat(defaults.openAiTokensPerDay()).isZero();
        assertThat(defaults.openAiOverBudget()).isEqualTo(TokenBudget.OverBudget.WAIT);
        assertThat(set.openAiTokensPerDay()).isEqualTo(5_000_000);
        assertThat(set.toString()).contains("openAiTokensPerDay=5000000", "openAiOverBudget=FAIL");
        assertThatThrownBy(() -> AiSettings.builder().openAiTokensPerDay(-1))
                .hasMessage("'openAiTokensPerDay' must be 0 (no daily budget) to 10000000000000, was -1");
        assertThatThrownBy(() -> AiSettings.builder().openAiOverBudget(null)).hasMessageContaining("'openAiOverBudget'");
    }
}
