package dev.queueworker.test.engine;

import static dev.queueworker.test.TaskMessageBuilder.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.test.QueueWorkerExtension;
import dev.queueworker.test.RecordingWorkerListener.Webhook;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Acceptance 7: a webhook aimed at cloud metadata is never sent, and the outcome records why. */
class WebhookGuardTest {
    private static final String METADATA = "http://169.254.169.254/latest/meta-data/iam";

    @RegisterExtension
    final QueueWorkerExtension worker = QueueWorkerExtension.withHandlers(new EchoHandler()).build();

    @Test
    void aWebhookUrlOnTheMetadataAddressIsRefusedAndTheReasonRecorded() {
        String id = worker.submit(aTaskMessage("echo").taskId("meta-1").webhookUrl(METADATA));

        worker.awaitCompleted(id);
        Webhook hook = worker.events().await(Webhook.class, w -> w.event().taskId().equals(id), Duration.ofSeconds(10));

        assertThat(hook.delivery().outcome()).isEqualTo(WebhookDelivery.Outcome.REFUSED);
        assertThat(hook.delivery().attempts()).isZero();
        assertThat(hook.delivery().detail()).contains("169.254.169.254");
        assertThat(worker.queue().approximateDepth()).as("nothing kept for a refused URL").isZero();
        assertThat(worker.meters().get("queueworker.webhooks").tag("outcome", "refused").counter().count())
                .isEqualTo(1.0);
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

        assertThat(poison.reason()).contains("payload.text");
        assertThat(hook.delivery().outcome()).isEqualTo(WebhookDelivery.Outcome.REFUSED);
        assertThat(worker.webhooks().received()).isEmpty();
    }
}
