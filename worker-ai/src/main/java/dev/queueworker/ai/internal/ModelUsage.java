package dev.queueworker.ai.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.output.TokenUsage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * The tokens a task spent on the model API, as the API's {@code usage} reported them, and what they
 * cost by the list prices of OpenAI's models (USD per million tokens, as published in 2025); the
 * cost of another model is unknown (null), the in-process model's is 0.
 *
 * @param promptTokens     chat input tokens
 * @param completionTokens chat output tokens
 * @param embeddingTokens  embedding input tokens
 */
public record ModelUsage(long promptTokens, long completionTokens, long embeddingTokens) {

    /** Nothing spent. */
    public static final ModelUsage NONE = new ModelUsage(0, 0, 0);

    /** USD per million input and output tokens. */
    private record Price(double input, double output) {}

    private static final Map<String, Price> PRICES = Map.of(
            "text-embedding-3-small", new Price(0.02, 0),
            "text-embedding-3-large", new Price(0.13, 0),
            "text-embedding-ada-002", new Price(0.10, 0),
            "gpt-4o-mini", new Price(0.15, 0.60),
            "gpt-4o", new Price(2.50, 10.00),
            "gpt-4.1", new Price(2.00, 8.00),
            "gpt-4.1-mini", new Price(0.40, 1.60),
            "gpt-4.1-nano", new Price(0.10, 0.40),
            Embeddings.LOCAL_MODEL, new Price(0, 0));

    /** A chat call's usage; {@link #NONE} when the response had none. */
    public static ModelUsage chat(TokenUsage usage) {
        return usage == null ? NONE : new ModelUsage(count(usage.inputTokenCount()), count(usage.outputTokenCount()), 0);
    }

    /** An embedding call's usage; {@link #NONE} when the response had none. */
    public static ModelUsage embedding(TokenUsage usage) {
        return usage == null ? NONE : new ModelUsage(0, 0, count(usage.inputTokenCount()));
    }

    /** All the tokens: prompt, completion and embedding. */
    public long total() {
        return promptTokens + completionTokens + embeddingTokens;
    }

    public ModelUsage plus(ModelUsage other) {
        return new ModelUsage(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
                embeddingTokens + other.embeddingTokens);
    }

    /**
     * The estimated cost in USD of these tokens spent on {@code model}, or null when its price is
     * not known. A chat model's dated name ({@code gpt-4o-mini-2024-07-18}) costs as its base name.
     */
    public BigDecimal estimatedCostUsd(String model) {
        Price price = model == null ? null : PRICES.get(model);
        if (price == null && model != null) {
            price = PRICES.get(model.replaceFirst("-\\d{4}-\\d{2}-\\d{2}$", ""));
        }
        if (price == null) {
            return null;
        }
        double usd = ((promptTokens + embeddingTokens) * price.input() + completionTokens * price.output()) / 1e6;
        return BigDecimal.valueOf(usd).setScale(8, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    /** Writes the embedding tokens and their cost on {@code model} as a result's {@code usage}. */
    public void putEmbedding(ObjectNode result, String model) {
        ObjectNode usage = result.putObject("usage").put("embedding_tokens", embeddingTokens);
        usage.put("estimated_cost_usd", estimatedCostUsd(model));
    }

    /** Writes the chat tokens and their cost on {@code model} as a result's {@code usage}. */
    public void putChat(ObjectNode result, String model) {
        ObjectNode usage = result.putObject("usage").put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens);
        usage.put("estimated_cost_usd", estimatedCostUsd(model));
    }

    private static long count(Integer tokens) {
        return tokens == null ? 0 : tokens;
    }
}
