package dev.queueworker.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.LeaseLostException;
import dev.queueworker.api.PoisonQueue;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.Receipt;
import dev.queueworker.api.TaskMessage;
import dev.queueworker.core.PoisonMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link PoisonQueue} part of {@link QueueProviderCompatibilityKit}, which implements it: every
 * provider's poison queue lists, hands out for triage, requeues, deletes and counts as these tests say.
 * Messages reach it the way the engine puts them there: {@link QueueProvider#moveToPoison} with a
 * {@link PoisonMessage} envelope fitted to {@link QueueProvider#maxBodyLength()}.
 */
public interface PoisonQueueContract {

    /** Long enough that nothing lapses while a test runs. */
    Duration TRIAGE = Duration.ofSeconds(30);

    /** The provider under test, over fresh queues. */
    QueueProvider providerUnderTest();

    @Test
    default void poisonedMessagesArePeekedWithoutReceiptsAndCounted() {
        QueueProvider provider = providerUnderTest();
        PoisonQueue poison = provider.poisonQueue();
        List<String> envelopes = poisonAll(List.of("{\"task_type\":\"a\"}", "{\"task_type\":\"b\"}"));

        assertThat(poison.name()).isNotBlank();
        assertThat(poison.taskQueueName()).isNotBlank().isNotEqualTo(poison.name());
        assertThat(poison.approximateDepth()).isEqualTo(2);
        assertThat(provider.approximatePoisonDepth()).isEqualTo(2);
        List<QueueMessage> peeked = poison.peek(PoisonQueue.MAX_BATCH);
        assertThat(peeked).extracting(QueueMessage::body).containsExactlyInAnyOrderElementsOf(envelopes);
        assertThat(peeked).allSatisfy(m -> assertThat(m.receipt()).isNull());
        assertThat(poison.peek(1)).as("peeking takes nothing away").hasSize(1);
        assertThat(provider.peekPoison(PoisonQueue.MAX_BATCH)).hasSize(2);
    }

    @Test
    default void receivePagesThroughTheQueueAndReleaseShowsAMessageAgain() {
        PoisonQueue poison = providerUnderTest().poisonQueue();
        poisonAll(List.of("{\"task_type\":\"a\"}", "{\"task_type\":\"b\"}", "{\"task_type\":\"c\"}"));

        List<QueueMessage> pages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<QueueMessage> page = poison.receive(1, TRIAGE);
            if (page.isEmpty()) {
                break;
            }
            assertThat(page.get(0).receipt()).isNotNull();
            pages.addAll(page);
        }
        assertThat(pages).as("one page per message, each once").hasSize(3)
                .extracting(QueueMessage::messageId).doesNotHaveDuplicates();
        assertThat(poison.approximateDepth()).as("hidden messages still count").isEqualTo(3);

        Receipt released = poison.release(pages.get(0).receipt());
        assertThat(released.messageId()).isEqualTo(pages.get(0).messageId());
        List<QueueMessage> again = poison.receive(PoisonQueue.MAX_BATCH, TRIAGE);
        assertThat(again).extracting(QueueMessage::messageId).containsExactly(pages.get(0).messageId());
        assertThat(again.get(0).body()).isEqualTo(pages.get(0).body());
    }

    @Test
    default void requeueSendsTheBodyAsANewTaskMessageAndDeletesThePoisonOne() {
        QueueProvider provider = providerUnderTest();
        PoisonQueue poison = provider.poisonQueue();
        String base64 = TaskMessage.builder("echo").taskId("b64").build().toBase64();
        poisonAll(List.of(base64));
        QueueMessage dead = poison.receive(1, TRIAGE).get(0);

        String newId = poison.requeue(dead.receipt(), PoisonMessage.parse(dead.body()).requeueBody());

        assertThat(poison.approximateDepth()).isZero();
        List<QueueMessage> tasks = provider.receive(32, TRIAGE);
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).messageId()).isEqualTo(newId);
        assertThat(tasks.get(0).body()).as("stored exactly as it was: Base64 stays Base64").isEqualTo(base64);
        assertThat(tasks.get(0).dequeueCount()).as("attempts start again").isEqualTo(1);
        assertThatThrownBy(() -> poison.delete(dead.receipt())).isInstanceOf(LeaseLostException.class);
    }

    @Test
    default void aRequeuedTaskWithoutATaskIdKeepsTheIdItFailedUnder() {
        QueueProvider provider = providerUnderTest();
        PoisonQueue poison = provider.poisonQueue();
        String plain = "{\"task_type\":\"nope\",\"payload\":{\"n\":1}}";
        String base64 = TaskMessage.Encoding.BASE64.encode(plain);
        List<String> originalIds = new ArrayList<>();
        for (String body : List.of(plain, base64)) {
            provider.send(body, Duration.ZERO);
            QueueMessage message = provider.receive(1, TRIAGE).get(0);
            originalIds.add(message.messageId());
            // As the engine does: the message id is the task's id.
            provider.moveToPoison(message.receipt(), envelope(message, message.messageId()).toJson(provider.maxBodyLength()));
        }

        for (QueueMessage dead : poison.receive(PoisonQueue.MAX_BATCH, TRIAGE)) {
            poison.requeue(dead.receipt(), PoisonMessage.parse(dead.body()).requeueBody());
        }

        List<QueueMessage> requeued = provider.receive(32, TRIAGE);
        assertThat(requeued).hasSize(2);
        for (QueueMessage m : requeued) {
            TaskMessage task = TaskMessage.parse(m.body());
            assertThat(originalIds).as("the task id written into the requeued body").contains(task.taskId());
            assertThat(m.messageId()).as("a new message").isNotIn(originalIds);
            assertThat(task.taskType()).isEqualTo("nope");
            assertThat(task.payload().get("n").asInt()).isEqualTo(1);
        }
        assertThat(requeued).extracting(m -> TaskMessage.Encoding.of(m.body()))
                .containsExactlyInAnyOrder(TaskMessage.Encoding.PLAIN, TaskMessage.Encoding.BASE64);
    }

    @Test
    default void deleteAndStaleReceiptsAndClear() {
        PoisonQueue poison = providerUnderTest().poisonQueue();
        poisonAll(List.of("{\"task_type\":\"a\"}", "{\"task_type\":\"b\"}", "{\"task_type\":\"c\"}"));
        List<QueueMessage> received = poison.receive(1, TRIAGE);
        Receipt first = received.get(0).receipt();
        Receipt fresh = poison.release(first);

        assertThatThrownBy(() -> poison.delete(first)).as("released: the old receipt is stale")
                .isInstanceOf(LeaseLostException.class);
        QueueMessage again = poison.receive(PoisonQueue.MAX_BATCH, TRIAGE).stream()
                .filter(m -> m.messageId().equals(fresh.messageId())).findFirst().orElseThrow();
        assertThatThrownBy(() -> poison.delete(fresh)).as("received again since").isInstanceOf(LeaseLostException.class);
        poison.delete(again.receipt());
        assertThat(poison.approximateDepth()).isEqualTo(2);
        assertThatThrownBy(() -> poison.delete(again.receipt())).isInstanceOf(LeaseLostException.class);

        poison.clear();
        assertThat(poison.approximateDepth()).isZero();
        assertThat(poison.peek(PoisonQueue.MAX_BATCH)).isEmpty();
    }

    @Test
    default void anEnvelopeFittedToTheQueueIsAcceptedAndSaysWhetherItWasCut() {
        QueueProvider provider = providerUnderTest();
        String quotes = "\"".repeat(40_000); // 40,000 characters, 80,000 once escaped in the envelope
        provider.send(quotes, Duration.ZERO);
        QueueMessage message = provider.receive(1, TRIAGE).get(0);
        String fitted = envelope(message, message.messageId()).toJson(provider.maxBodyLength());
        assertThat(fitted.length()).isLessThanOrEqualTo(provider.maxBodyLength());

        provider.moveToPoison(message.receipt(), fitted);

        PoisonMessage stored = PoisonMessage.parse(provider.poisonQueue().peek(1).get(0).body());
        boolean cut = provider.maxBodyLength() < 80_100;
        assertThat(stored.truncated() != null).as("cut to fit %s characters", provider.maxBodyLength()).isEqualTo(cut);
        assertThat(stored.whyNotRequeueable() != null).isEqualTo(cut);
        assertThat(quotes).startsWith(stored.originalBody());
    }

    @Test
    default void badPoisonArgumentsAreRejected() {
        PoisonQueue poison = providerUnderTest().poisonQueue();
        assertThatThrownBy(() -> poison.peek(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> poison.peek(PoisonQueue.MAX_BATCH + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> poison.receive(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> poison.receive(0, TRIAGE)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Sends each body, receives it and moves it to the poison queue as the engine does; returns the envelopes. */
    private List<String> poisonAll(List<String> bodies) {
        QueueProvider provider = providerUnderTest();
        List<String> envelopes = new ArrayList<>();
        for (String body : bodies) {
            provider.send(body, Duration.ZERO);
            List<QueueMessage> received = provider.receive(1, TRIAGE);
            assertThat(received).as("the task message just sent").hasSize(1);
            QueueMessage message = received.get(0);
            String envelope = envelope(message, TaskMessage.parse(message.body()).taskId()).toJson(provider.maxBodyLength());
            provider.moveToPoison(message.receipt(), envelope);
            envelopes.add(envelope);
        }
        return envelopes;
    }

    private static PoisonMessage envelope(QueueMessage message, String taskId) {
        return new PoisonMessage(message.body(), "task_type: unknown type", "InvalidMessage", message.dequeueCount(),
                taskId != null ? taskId : message.messageId(), null, message.messageId(), "kit", Instant.now());
    }
}
