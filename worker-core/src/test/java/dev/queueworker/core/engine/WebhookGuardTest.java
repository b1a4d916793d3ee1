package dev.queueworker.core.engine;

import static dev.queueworker.core.fixtures.TaskMessages.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.core.fixtures.EngineHarness;
import dev.queueworker.core.fixtures.RecordingListener;
import dev.queueworker.core.fixtures.RecordingListener.Webhook;
import dev.queueworker.core.fixtures.WebhookReceiver.Received;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Acceptance 7: a webhook aimed at cloud metadata is never sent, and the outcome records why; an
 * outcome refused or rejected is kept on the poison queue, never dropped (issue 14, point 5).
 */
class WebhookGuardTest {
    private static final String METADATA = "http://169.254.169.254/latest/meta-data/iam";

    @RegisterExtension
    final EngineHarness worker = EngineHarness.withHandlers(new EchoHandler());

    @Test
    void aWebhookUrlOnTheMetadataAddressIsRefusedAndTheOutcomeKeptOnThePoisonQueue() throws Exception {
        String id = worker.submit(aTaskMessage("echo").taskId("meta-1").payload("text", "kept").webhookUrl(METADATA));

        worker.awaitCompleted(id);
        Webhook hook = worker.events().await(Webhook.class, w -> w.event().taskId().equals(id), Duration.ofSeconds(10));
        PoisonMessage kept = worker.awaitPoisoned(id);

        assertThat(hook.delivery().outcome()).isEqualTo(WebhookDelivery.Outcome.REFUSED);
        assertThat(hook.delivery().attempts()).isZero();
        assertThat(hook.delivery().detail()).contains("169.254.169.254");
        assertThat(worker.queue().approximateDepth()).as("nothing left on the task queue").isZero();
        assertThat(worker.meters().get("queueworker.webhooks").tag("outcome", "refused").counter().count())
                .isEqualTo(1.0);
        // Kept where an operator sees it: the outcome, as the webhook `poison requeue` would send again.
        assertThat(worker.queue().approximatePoisonDepth()).isEqualTo(1);
        assertThat(kept.errorType()).isEqualTo("WebhookRejected");
        assertThat(kept.taskType()).isEqualTo("queue-worker.webhook");
        assertThat(kept.reason()).startsWith("webhook refused: ").contains("169.254.169.254");
        JsonNode outcome = new ObjectMapper().readTree(kept.originalBody());
        assertThat(outcome.get("task_type").asText()).isEqualTo("queue-worker.webhook");
        assertThat(outcome.get("task_id").asText()).isEqualTo(id);
        assertThat(outcome.toString()).contains("\"completed\"").contains("\"kept\"");
        assertThat(worker.meters().get("queueworker.poisoned").tag("error_type", "WebhookRejected").counter().count())
                .isEqualTo(1.0);
        assertThat(worker.meters().get("queueworker.tasks").tag("type", "echo").tag("outcome", "completed")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void anOutcomeTheReceiverRejectsIsKeptOnThePoisonQueueAndRequeuingDeliversIt() {
        worker.webhooks().respondWith(410);
        String id = worker.submit(aTaskMessage("echo").taskId("gone-1"));

        PoisonMessage kept = worker.awaitPoisoned(id);

        assertThat(kept.errorType()).isEqualTo("WebhookRejected");
        assertThat(kept.reason()).contains("HTTP 410");
        // What `poison requeue` does: the original body back on the task queue. The outcome is delivered.
        worker.submit(kept.originalBody());
        Received delivered = worker.webhooks().awaitCount(2, Duration.ofSeconds(10)).get(1);
        assertThat(delivered.responseStatus()).isEqualTo(200);
        assertThat(delivered.body().get("status").asText()).isEqualTo("completed");
        assertThat(delivered.webhookId()).isEqualTo(worker.webhooks().received().get(0).webhookId());
        assertThat(worker.events().events(RecordingListener.Completed.class)).as("the task did not run again").hasSize(1);
    }

    @Test
    void aRedirectToTheMetadataAddressIsRefusedAfterTheFirstHop() {
        worker.webhooks().redirectTo(METADATA);
        String id = worker.submit(aTaskMessage("echo").taskId("meta-2"));

        worker.awaitCompleted(id);
        Webhook hook = worker.events().await(Webhook.class, w -> w.event().taskId().equals(id), Duration.ofSeconds(10));

        assertThat(hook.delivery().outcome()).isEqualTo(WebhookDelivery.Outcome.REFUSED);
        assertThat(hook.delivery().detail()).contains("169.254.169.254");
        assertThat(worker.webhooks().received()).hasSize(1);
        assertThat(worker.webhooks().received().get(0).responseStatus()).isEqualTo(307);
    }

    @Test
    void aFailedTaskWithARefusedUrlStillReachesThePoisonQueueWithItsReason() {
        String id = worker.submit(aTaskMessage("echo").taskId("meta-3").webhookUrl(METADATA)
                .payload("text", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()));

        PoisonMessage poison = worker.awaitPoisoned(id);
        Webhook hook = worker.events().await(Webhook.class, w -> w.event().taskId().equals(id), Duration.ofSeconds(10));

        assertThat(poison.reason()).contains("payload.text")
                .contains("; the failed webhook was not taken: webhook refused: ");
        assertThat(hook.delivery().outcome()).isEqualTo(WebhookDelivery.Outcome.REFUSED);
        assertThat(worker.webhooks().received()).isEmpty();
    }
}
