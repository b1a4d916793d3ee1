package dev.queueworker.runner.internal.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.core.WorkerListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The model tokens and estimated cost of a client's completed tasks as meters, from the
 * {@code usage} the built-in handlers put in their results (worker-ai has no meters of its own):
 * {@code queueworker_model_tokens_total{client_id, model, kind}} with kind {@code embedding},
 * {@code prompt} or {@code completion}, and {@code queueworker_model_cost_usd_total{client_id, model}}
 * (only for models with a known price). A result without {@code usage} adds nothing.
 */
public final class ModelUsageMeters implements WorkerListener {
    static final String TOKENS = "queueworker.model.tokens";
    static final String COST = "queueworker.model.cost.usd";
    private static final List<String> KINDS = List.of("embedding", "prompt", "completion");

    private final MeterRegistry registry;
    private final String client;

    public ModelUsageMeters(MeterRegistry registry, String client) {
        this.registry = Objects.requireNonNull(registry, "'registry' cannot be null.");
        this.client = Objects.requireNonNull(client, "'client' cannot be null.");
    }

    @Override
    public void taskCompleted(Task task, TaskResult result, Duration duration) {
        JsonNode data = result == null ? null : result.data();
        JsonNode usage = data == null ? null : data.get("usage");
        if (usage == null || !usage.isObject()) {
            return;
        }
        String model = data.path(data.has("embedding_model") ? "embedding_model" : "model").asText("unknown");
        for (String kind : KINDS) {
            long tokens = usage.path(kind + "_tokens").asLong(0);
            if (tokens > 0) {
                Counter.builder(TOKENS).description("Model tokens the API reported for completed tasks")
                        .tag("client_id", client).tag("model", model).tag("kind", kind)
                        .register(registry).increment(tokens);
            }
        }
        JsonNode cost = usage.get("estimated_cost_usd");
        if (cost != null && cost.isNumber()) {
            Counter.builder(COST).description("Estimated cost of completed tasks' model calls, in US dollars")
                    .tag("client_id", client).tag("model", model).register(registry).increment(cost.doubleValue());
        }
    }
}
