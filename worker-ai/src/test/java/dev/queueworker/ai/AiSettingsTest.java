package dev.queueworker.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AiSettingsTest {
    @Test
    void withNothingSetEverythingRunsOffline() {
        AiSettings s = AiSettings.fromEnvironment(Map.of());

        assertThat(s.embeddingProvider()).isEqualTo(AiSettings.EmbeddingProvider.LOCAL);
        assertThat(s.summarizer()).isEqualTo(AiSettings.Summarizer.EXTRACTIVE);
        assertThat(s.vectorStore()).isEqualTo(AiSettings.VectorStore.MEMORY);
        assertThat(s.chunkSize()).isEqualTo(110).isLessThanOrEqualTo(120);
        assertThat(s.chunkOverlap()).isEqualTo(20);
        assertThat(s.clientId()).isEqualTo("default");
    }

    @Test
    void anApiKeyAndADatabaseUrlSwitchTheDefaults() {
        AiSettings s = AiSettings.fromEnvironment(Map.of("OPENAI_API_KEY", "sk-test-123",
                "DATABASE_URL", "postgresql://u:p@db:5432/app", "OPENAI_API_BASE", "http://127.0.0.1:9/v1/"));

        assertThat(s.embeddingProvider()).isEqualTo(AiSettings.EmbeddingProvider.OPENAI);
        assertThat(s.summarizer()).isEqualTo(AiSettings.Summarizer.LLM);
        assertThat(s.vectorStore()).isEqualTo(AiSettings.VectorStore.PGVECTOR);
        assertThat(s.chunkSize()).isEqualTo(500);
        assertThat(s.openAiApiBase()).isEqualTo("http://127.0.0.1:9/v1");
        assertThat(s.toString()).doesNotContain("sk-test-123").doesNotContain("u:p@");
    }

    @Test
    void explicitChoicesWinOverTheDefaults() {
        AiSettings s = AiSettings.fromEnvironment(Map.of("OPENAI_API_KEY", "sk-x", "EMBEDDING_PROVIDER", "local",
                "SUMMARIZER", "Extractive", "CHUNK_SIZE", "80", "CHUNK_OVERLAP", "0", "INGEST_PARSE_TIMEOUT", "90s",
                "INGEST_MAX_BYTES", "1_000_000"));

        assertThat(s.embeddingProvider()).isEqualTo(AiSettings.EmbeddingProvider.LOCAL);
        assertThat(s.summarizer()).isEqualTo(AiSettings.Summarizer.EXTRACTIVE);
        assertThat(s.chunkSize()).isEqualTo(80);
        assertThat(s.chunkOverlap()).isZero();
        assertThat(s.parseTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.maxBytes()).isEqualTo(1_000_000);
    }

    @Test
    void badValuesNameTheirVariable() {
        assertThatThrownBy(() -> AiSettings.fromEnvironment(Map.of("EMBEDDING_PROVIDER", "cohere")))
                .hasMessage("EMBEDDING_PROVIDER must be openai or local, was 'cohere'");
        assertThatThrownBy(() -> AiSettings.fromEnvironment(Map.of("CHUNK_SIZE", "big")))
                .hasMessageStartingWith("CHUNK_SIZE must be a whole number");
        assertThatThrownBy(() -> AiSettings.fromEnvironment(Map.of("INGEST_PARSE_TIMEOUT", "soon")))
                .hasMessageStartingWith("INGEST_PARSE_TIMEOUT must be a duration");
        assertThatThrownBy(() -> AiSettings.fromEnvironment(Map.of("EMBEDDING_PROVIDER", "openai")))
                .hasMessage("EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY");
        assertThatThrownBy(() -> AiSettings.fromEnvironment(Map.of("VECTOR_STORE", "pgvector")))
                .hasMessage("VECTOR_STORE=pgvector needs DATABASE_URL");
        assertThatThrownBy(() -> AiSettings.fromEnvironment(Map.of("CHUNK_SIZE", "50", "CHUNK_OVERLAP", "50")))
                .hasMessageContaining("CHUNK_OVERLAP (50) must be smaller than CHUNK_SIZE (50)");
        assertThatThrownBy(() -> AiSettings.fromEnvironment(Map.of("PGVECTOR_TABLE", "chunks; drop table x")))
                .hasMessageStartingWith("PGVECTOR_TABLE must be a lowercase SQL name");
        assertThatThrownBy(() -> AiSettings.fromEnvironment(Map.of("DATABASE_URL", "mysql://x")))
                .hasMessageStartingWith("DATABASE_URL must start with");
        assertThatThrownBy(() -> AiSettings.fromEnvironment(Map.of("BLOB_NAME_TEMPLATE", "{name}.pdf")))
                .hasMessageContaining("BLOB_NAME_TEMPLATE");
    }
}
