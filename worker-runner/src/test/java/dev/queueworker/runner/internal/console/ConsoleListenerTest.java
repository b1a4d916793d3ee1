package dev.queueworker.runner.internal.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.TaskResult;
import org.junit.jupiter.api.Test;

/** What the Recent list says of a completed task's result. */
class ConsoleListenerTest {

    @Test
    void theRecentListShowsChunksTokensAndCost() {
        TaskResult ingest = TaskResult.of(TaskResult.newData().put("chunks", 12).set("usage",
                TaskResult.newData().put("embedding_tokens", 3456).put("estimated_cost_usd", 0.00006912)));
        TaskResult local = TaskResult.of(TaskResult.newData().put("chunks", 3).set("usage",
                TaskResult.newData().put("embedding_tokens", 0).put("estimated_cost_usd", 0)));
        TaskResult unpriced = TaskResult.of(TaskResult.newData().put("summary", "Short.").set("usage",
                TaskResult.newData().put("prompt_tokens", 900).put("completion_tokens", 100).putNull("estimated_cost_usd")));

        assertThat(ConsoleListener.describe(ingest)).isEqualTo("12 chunks, 3456 tokens (~$0.00006912)");
        assertThat(ConsoleListener.describe(local)).isEqualTo("3 chunks");
        assertThat(ConsoleListener.describe(unpriced)).isEqualTo("summary of 6 characters, 1000 tokens");
    }
}
