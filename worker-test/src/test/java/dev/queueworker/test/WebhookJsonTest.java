package dev.queueworker.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.TaskError;
import dev.queueworker.api.TaskStatus;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.core.internal.WebhookJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant STARTED = Instant.parse("2025-03-01T10:15:30.123456789Z");
    private static final Instant COMPLETED = Instant.parse("2025-03-01T10:16:00Z");

    static WebhookEvent completed() {
        ObjectNode result = MAPPER.createObjectNode().put("filename", "report.pdf").put("chunks", 42);
        return new WebhookEvent(WebhookJson.webhookId("southhaven", "t-1", TaskStatus.COMPLETED),
                "https://app.example/notify", "t-1", "ingest", "southhaven", TaskStatus.COMPLETED, result, null,
                1, STARTED, COMPLETED);
    }

    static WebhookEvent failed() {
        return new WebhookEvent(WebhookJson.webhookId("southhaven", "t-2", TaskStatus.FAILED),
                "https://app.example/notify?token=x", "t-2", null, "southhaven", TaskStatus.FAILED, null,
                new TaskError("InvalidMessage", "no task_type"), 3, STARTED, COMPLETED);
    }

    @Test
    void payloadHasTheContractKeysInOrder() throws Exception {
        JsonNode n = MAPPER.readTree(WebhookJson.payload(completed()));
        List<String> keys = new ArrayList<>();
        n.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("task_id", "task_type", "client_id", "status", "result", "error",
                "attempt", "started_at", "completed_at");
        assertThat(n.get("task_id").asText()).isEqualTo("t-1");
        assertThat(n.get("task_type").asText()).isEqualTo("ingest");
        assertThat(n.get("client_id").asText()).isEqualTo("southhaven");
        assertThat(n.get("status").asText()).isEqualTo("completed");
        assertThat(n.get("result").get("chunks").asInt()).isEqualTo(42);
        assertThat(n.get("error").isNull()).isTrue();
        assertThat(n.get("attempt").asInt()).isEqualTo(1);
        assertThat(n.get("started_at").asText()).isEqualTo("2025-03-01T10:15:30.123456789Z");
        assertThat(n.get("completed_at").asText()).isEqualTo("2025-03-01T10:16:00Z");
    }

    @Test
    void failedPayloadCarriesTheErrorAndNulls() throws Exception {
        JsonNode n = MAPPER.readTree(WebhookJson.payload(failed()));
        assertThat(n.get("status").asText()).isEqualTo("failed");
        assertThat(n.get("task_type").isNull()).isTrue();
        assertThat(n.get("result").isNull()).isTrue();
        assertThat(n.get("error").get("type").asText()).isEqualTo("InvalidMessage");
        assertThat(n.get("error").get("message").asText()).isEqualTo("no task_type");
        assertThat(n.has("webhook_id")).isFalse();
        assertThat(n.has("url")).isFalse();
    }

    @Test
    void storedFormRoundTrips() throws Exception {
        for (WebhookEvent e : List.of(completed(), failed())) {
            ObjectNode stored = WebhookJson.toStored(e);
            assertThat(stored.get("webhook_id").asText()).isEqualTo(e.webhookId());
            assertThat(stored.get("url").asText()).isEqualTo(e.url());
            // Through text too, as it travels on the queue.
            JsonNode reread = MAPPER.readTree(MAPPER.writeValueAsString(stored));
            assertThat(WebhookJson.fromStored(reread)).isEqualTo(e);
        }
    }

    @Test
    void storedFormNamesAMissingOrMistypedField() {
        ObjectNode missing = WebhookJson.toStored(completed());
        missing.remove("task_id");
        assertThatThrownBy(() -> WebhookJson.fromStored(missing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("task_id");

        ObjectNode mistyped = WebhookJson.toStored(completed());
        mistyped.put("attempt", "one");
        assertThatThrownBy(() -> WebhookJson.fromStored(mistyped))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempt");

        ObjectNode badStatus = WebhookJson.toStored(completed());
        badStatus.put("status", "done");
        assertThatThrownBy(() -> WebhookJson.fromStored(badStatus))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("status");

        ObjectNode badTime = WebhookJson.toStored(completed());
        badTime.put("completed_at", "yesterday");
        assertThatThrownBy(() -> WebhookJson.fromStored(badTime))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("completed_at");

        ObjectNode badError = WebhookJson.toStored(failed());
        ((ObjectNode) badError.get("error")).remove("message");
        assertThatThrownBy(() -> WebhookJson.fromStored(badError))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("error.message");
    }

    @Test
    void webhookIdIsStableAndDiffersPerOutcome() {
        String a = WebhookJson.webhookId("southhaven", "t-1", TaskStatus.COMPLETED);
        assertThat(a).matches("msg_[0-9a-f]{32}");
        assertThat(WebhookJson.webhookId("southhaven", "t-1", TaskStatus.COMPLETED)).isEqualTo(a);
        assertThat(WebhookJson.webhookId("southhaven", "t-1", TaskStatus.FAILED)).isNotEqualTo(a);
        assertThat(WebhookJson.webhookId("southhaven", "t-2", TaskStatus.COMPLETED)).isNotEqualTo(a);
        assertThat(WebhookJson.webhookId("other", "t-1", TaskStatus.COMPLETED)).isNotEqualTo(a);
        // The separator keeps ("a", "b\nc") and ("a\nb", "c") apart... as long as ids hold no newline.
        assertThat(WebhookJson.webhookId("ab", "c", TaskStatus.COMPLETED))
                .isNotEqualTo(WebhookJson.webhookId("a", "bc", TaskStatus.COMPLETED));
    }
}
