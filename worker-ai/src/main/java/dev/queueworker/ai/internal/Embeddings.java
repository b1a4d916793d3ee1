package dev.queueworker.ai.internal;

import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiTokenCountEstimator;
import dev.queueworker.ai.AiSettings;
import dev.queueworker.ai.internal.budget.ApiBudgets;
import java.util.Map;

/**
 * The embedding model of the settings, with its name, dimension and a token counter for sizing
 * chunks in its own tokens.
 *
 * @param name the model's name as reported in results, such as {@code all-minilm-l6-v2-q}
 */
public record Embeddings(EmbeddingModel model, String name, int dimension, TokenCountEstimator tokens) {

    /** The local model's name in results and chunk metadata. */
    public static final String LOCAL_MODEL = "all-minilm-l6-v2-q";

    private static final Map<String, Integer> OPENAI_DIMENSIONS = Map.of(
            "text-embedding-3-small", 1536, "text-embedding-3-large", 3072, "text-embedding-ada-002", 1536);

    /**
     * Builds the model the settings choose. The local model loads in about a second; an OpenAI model
     * whose dimension is neither configured nor known is asked once (one embedding request).
     */
    public static Embeddings create(AiSettings settings) {
        if (settings.embeddingProvider() == AiSettings.EmbeddingProvider.LOCAL) {
            // The BERT uncased WordPiece vocabulary bundled with langchain4j-embeddings is the one
            // all-MiniLM-L6-v2 uses, so chunk sizes are counted in the model's own tokens.
            return new Embeddings(new AllMiniLmL6V2QuantizedEmbeddingModel(), LOCAL_MODEL, 384,
                    new WordPieceTokenCounter(new HuggingFaceTokenCountEstimator()));
        }
        String name = settings.openAiEmbeddingModel();
        OpenAiEmbeddingModel.OpenAiEmbeddingModelBuilder builder = OpenAiEmbeddingModel.builder()
                .baseUrl(settings.openAiApiBase())
                .apiKey(settings.openAiApiKey().orElseThrow())
                .modelName(name)
                .timeout(settings.openAiTimeout())
                .httpClientBuilder(ApiBudgets.httpClientBuilder(settings)) // waits for the key's rate limit
                .maxRetries(1) // a server error once more; 429s are the budget's, the rest the engine's
                .maxSegmentsPerBatch(settings.embeddingBatchSize());
        settings.openAiEmbeddingDimensions().ifPresent(builder::dimensions);
        OpenAiEmbeddingModel model = builder.build();
        int dimension = settings.openAiEmbeddingDimensions().orElseGet(() -> {
            Integer known = OPENAI_DIMENSIONS.get(name);
            if (known != null) {
                return known;
            }
            try {
                return model.embed("dimension probe").content().dimension();
            } catch (RuntimeException e) {
                throw ModelErrors.translate(e, "embedding model " + name);
            }
        });
        return new Embeddings(model, name, dimension, openAiTokens(name));
    }

    /** A tokenizer for OpenAI model names; cl100k (text-embedding-3-*) for names jtokkit does not know. */
    private static TokenCountEstimator openAiTokens(String name) {
        try {
            return new OpenAiTokenCountEstimator(name);
        } catch (RuntimeException e) {
            return new OpenAiTokenCountEstimator(AiSettings.DEFAULT_OPENAI_EMBEDDING_MODEL);
        }
    }
}
