package dev.queueworker.test;

import static dev.queueworker.test.TaskMessageBuilder.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test kit as a user meets it: the extension, the message builder, the receiver and the listener. */
class QueueWorkerExtensionTest {

    @RegisterExtension
    final QueueWorkerExtension worker = QueueWorkerExtension.withHandlers(new TaskHandler() {
        @Override
        public String taskType() {
            return "echo";
        }

        @Override
        public TaskResult handle(Task task, TaskContext context) {
            return TaskResult.of(TaskResult.newData().put("text", task.optionalString("text").orElse("")));
        }
    }).build();

    @Test
    void aSubmittedTaskCompletesAndItsSignedWebhookArrives() {
        String id = worker.submit(aTaskMessage("echo").taskId("kit-1").payload("text", "hello"));

        assertThat(worker.awaitCompleted(id).data().get("text").asText()).isEqualTo("hello");
        ReceivedWebhook hook = worker.webhooks().awaitTask(id, Duration.ofSeconds(10));
        assertThat(hook.signatureValid()).isTrue();
        assertThat(hook.body().get("status").asText()).isEqualTo("completed");
        assertThat(worker.events().events(RecordingWorkerListener.Completed.class)).hasSize(1);
    }

    @Test
    void aMessageForAnUnknownTypeIsPoisonedWithItsReason() {
        String id = worker.submit(aTaskMessage("nope").taskId("kit-2").toBase64());

        PoisonMessage poison = worker.awaitPoisoned(id);

        assertThat(poison.reason()).contains("task_type: unknown type 'nope'");
        assertThat(worker.queue().approximatePoisonDepth()).isEqualTo(1);
        assertThat(worker.webhooks().awaitTask(id, Duration.ofSeconds(10)).body().get("status").asText())
                .isEqualTo("failed");
    }
}
