package dev.queueworker.runner.internal.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.TaskResult;
import dev.queueworker.test.TestTasks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModelUsageMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ModelUsageMeters meters = new ModelUsageMeters(registry, "alpha");

    @Test
    void tokensAndCostAddUpByClientModelAndKind() {
        TaskResult ingest = TaskResult.of(TaskResult.newData().put("embedding_model", "text-embedding-3-small")
                .set("usage", TaskResult.newData().put("embedding_tokens", 1200).put("estimated_cost_usd", 0.000024)));
        TaskResult summary = TaskResult.of(TaskResult.newData().put("model", "gpt-4o-mini")
                .set("usage", TaskResult.newData().put("prompt_tokens", 900).put("completion_tokens", 150)
                        .putNull("estimated_cost_usd")));

        meters.taskCompleted(TestTasks.aTask("ingest").build(), ingest, Duration.ofSeconds(1));
        meters.taskCompleted(TestTasks.aTask("ingest").build(), ingest, Duration.ofSeconds(1));
        meters.taskCompleted(TestTasks.aTask("summarize").build(), summary, Duration.ofSeconds(1));

        assertThat(tokens("text-embedding-3-small", "embedding")).isEqualTo(2400);
        assertThat(tokens("gpt-4o-mini", "prompt")).isEqualTo(900);
        assertThat(tokens("gpt-4o-mini", "completion")).isEqualTo(150);
        assertThat(registry.get(ModelUsageMeters.COST).tag("client_id", "alpha").tag("model", "text-embedding-3-small")
                .counter().count()).isCloseTo(0.000048, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(registry.find(ModelUsageMeters.COST).tag("model", "gpt-4o-mini").counter())
                .as("no price, no cost meter").isNull();
    }

    @Test
    void aResultWithoutUsageAddsNothing() {
        meters.taskCompleted(TestTasks.aTask("echo").build(), TaskResult.of(TaskResult.newData().put("text", "x")),
                Duration.ZERO);
        meters.taskCompleted(TestTasks.aTask("echo").build(), TaskResult.empty(), Duration.ZERO);

        assertThat(registry.getMeters()).isEmpty();
    }

    private double tokens(String model, String kind) {
        return registry.get(ModelUsageMeters.TOKENS).tag("client_id", "alpha").tag("model", model).tag("kind", kind)
                .counter().count();
    }
}
