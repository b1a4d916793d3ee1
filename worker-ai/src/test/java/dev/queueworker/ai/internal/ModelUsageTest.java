package dev.queueworker.ai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.output.TokenUsage;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ModelUsageTest {
    @Test
    void tokensAddUpAndCostByTheModelsListPrice() {
        ModelUsage chat = ModelUsage.chat(new TokenUsage(1_000_000, 200_000)).plus(ModelUsage.chat(new TokenUsage(500, 100)));
        ModelUsage embedding = ModelUsage.embedding(new TokenUsage(2_000_000));

        assertThat(chat).isEqualTo(new ModelUsage(1_000_500, 200_100, 0));
        // gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens
        assertThat(chat.estimatedCostUsd("gpt-4o-mini")).isEqualByComparingTo(new BigDecimal("0.270135"));
        assertThat(chat.estimatedCostUsd("gpt-4o-mini-2024-07-18")).isEqualByComparingTo("0.270135");
        assertThat(embedding.estimatedCostUsd("text-embedding-3-small")).isEqualByComparingTo("0.04");
        assertThat(embedding.estimatedCostUsd(Embeddings.LOCAL_MODEL)).isEqualByComparingTo("0");
        assertThat(embedding.estimatedCostUsd("my-own-model")).isNull();
        assertThat(ModelUsage.chat(null)).isEqualTo(ModelUsage.NONE);
        assertThat(ModelUsage.embedding(new TokenUsage())).isEqualTo(ModelUsage.NONE);
    }

    @Test
    void aResultsUsageSaysWhatTheTaskSpent() {
        ObjectNode ingest = JsonNodeFactory.instance.objectNode();
        ObjectNode summarize = JsonNodeFactory.instance.objectNode();

        new ModelUsage(0, 0, 1234).putEmbedding(ingest, "text-embedding-3-large");
        new ModelUsage(90, 10, 0).putChat(summarize, "unknown-model");

        assertThat(ingest.toString()).isEqualTo("{\"usage\":{\"embedding_tokens\":1234,\"estimated_cost_usd\":0.00016042}}");
        assertThat(summarize.toString())
                .isEqualTo("{\"usage\":{\"prompt_tokens\":90,\"completion_tokens\":10,\"estimated_cost_usd\":null}}");
    }
}
