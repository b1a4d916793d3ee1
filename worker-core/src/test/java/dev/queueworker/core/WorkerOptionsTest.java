package dev.queueworker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {
    @Test
    void defaultsFollowTheDeploymentGuide() {
        WorkerOptions o = WorkerOptions.defaults();
        assertThat(o.clientId()).isEqualTo("default");
        assertThat(o.pollingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.visibilityTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.maxMessages()).isEqualTo(10);
        assertThat(o.concurrency()).isEqualTo(10);
        assertThat(o.maxDequeueCount()).isEqualTo(5);
        assertThat(o.maxMessageBytes()).isEqualTo(65536);
        assertThat(o.defaultWebhookUrl()).isNull();
    }

    @Test
    void concurrencyDefaultsToMaxMessages() {
        assertThat(WorkerOptions.builder().maxMessages(4).build().concurrency()).isEqualTo(4);
        assertThat(WorkerOptions.builder().maxMessages(4).concurrency(16).build().concurrency()).isEqualTo(16);
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> WorkerOptions.builder().maxMessages(33)).hasMessageContaining("'maxMessages'");
        assertThatThrownBy(() -> WorkerOptions.builder().visibilityTimeout(Duration.ofDays(8)))
                .hasMessageContaining("'visibilityTimeout'");
        assertThatThrownBy(() -> WorkerOptions.builder().clientId(" ")).hasMessageContaining("'clientId'");
        assertThatThrownBy(() -> WorkerOptions.builder().defaultWebhookUrl("ftp://x/y"))
                .hasMessageContaining("'defaultWebhookUrl'");
        assertThatThrownBy(() -> WorkerOptions.builder().minPollingInterval(Duration.ofSeconds(10))
                .pollingInterval(Duration.ofSeconds(1)).build()).hasMessageContaining("'minPollingInterval'");
    }

    @Test
    void newBuilderKeepsEveryValue() {
        WorkerOptions o = WorkerOptions.builder().clientId("acme").maxMessages(7).concurrency(3)
                .defaultWebhookUrl("https://a.example/h").webhookMaxAttempts(9).build();
        assertThat(o.newBuilder().build().toString()).isEqualTo(o.toString());
        assertThat(o.toString()).doesNotContain("a.example");
    }
}
