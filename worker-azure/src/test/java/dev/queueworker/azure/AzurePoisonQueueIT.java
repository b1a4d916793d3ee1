package dev.queueworker.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.models.QueueMessageItem;
import dev.queueworker.api.LeaseLostException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.test.Azurite;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The poison queue's operator operations against a real Azurite. */
class AzurePoisonQueueIT {
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static Azurite azurite;

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.start();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    private static AzureQueueProvider provider(String clientId, boolean create,
            AzureQueueProvider.MessageEncoding encoding) {
        return AzureQueueProvider.builder().connectionString(azurite.connectionString()).clientId(clientId)
                .createQueues(create).messageEncoding(encoding).maxTries(1).build();
    }

    private static String freshClient() {
        return "poison-" + CLIENTS.incrementAndGet();
    }

    /** Puts {@code body} on the task queue, receives it and moves it to the poison queue as the engine does. */
    private static void poisonOne(AzureQueueProvider provider, String body) {
        provider.send(body, Duration.ZERO);
        List<QueueMessage> received = provider.receive(1, Duration.ofSeconds(30));
        assertThat(received).hasSize(1);
        provider.moveToPoison(received.get(0).receipt(), "{\"original_body\":" + quote(received.get(0).body())
                + ",\"reason\":\"test\"}");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static QueueClient sdkQueue(String name) {
        return new QueueServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getQueueClient(name);
    }

    @Test
    void a_missing_poison_queue_is_reported_and_not_created() {
        String client = freshClient();
        AzureQueueProvider provider = provider(client, false, AzureQueueProvider.MessageEncoding.NONE);
        AzurePoisonQueue poison = provider.poisonQueue();

        assertThat(provider.exists()).isFalse();
        assertThat(poison.exists()).isFalse();
        assertThatThrownBy(poison::approximateDepth).isInstanceOf(PermanentException.class)
                .hasMessageContaining(client + "-tasks-poison").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> poison.peek(32)).isInstanceOf(PermanentException.class);
        assertThat(poison.exists()).as("nothing created the queue").isFalse();
        assertThat(poison.name()).isEqualTo(client + "-tasks-poison");
        assertThat(poison.taskQueueName()).isEqualTo(client + "-tasks");
    }

    @Test
    void peek_shows_messages_without_hiding_them_and_receive_hides_until_released() {
        AzureQueueProvider provider = provider(freshClient(), true, AzureQueueProvider.MessageEncoding.NONE);
        AzurePoisonQueue poison = provider.poisonQueue();
        assertThat(provider.exists()).isTrue();
        assertThat(poison.exists()).isTrue();
        for (int i = 0; i < 3; i++) {
            poisonOne(provider, "{\"task_type\":\"t" + i + "\"}");
        }

        assertThat(poison.approximateDepth()).isEqualTo(3);
        assertThat(poison.peek(32)).hasSize(3).allSatisfy(m -> assertThat(m.receipt()).isNull());
        assertThat(poison.peek(32)).as("peeking hides nothing").hasSize(3);

        List<QueueMessage> received = poison.receive(2, Duration.ofMinutes(1));
        assertThat(received).hasSize(2).allSatisfy(m -> assertThat(m.receipt()).isNotNull());
        assertThat(poison.peek(32)).as("two are hidden").hasSize(1);
        assertThat(poison.receive(32, Duration.ofMinutes(1))).as("a scan sees each message once").hasSize(1);
        assertThat(poison.receive(32, Duration.ofMinutes(1))).isEmpty();

        poison.release(received.get(0).receipt());
        assertThat(poison.peek(32)).extracting(QueueMessage::messageId).containsExactly(received.get(0).messageId());
    }

    @Test
    void requeue_sends_the_original_body_as_a_new_message_and_deletes_the_poison_one() {
        String client = freshClient();
        // Base64 encoding on the provider must not touch requeued bodies: they go back exactly as received.
        AzureQueueProvider provider = provider(client, true, AzureQueueProvider.MessageEncoding.BASE64);
        AzurePoisonQueue poison = provider.poisonQueue();
        String body = "{\"task_id\":\"t-1\",\"task_type\":\"ingest\"}";
        poisonOne(provider, body);
        String stored = Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));

        QueueMessage dead = poison.receive(1, Duration.ofMinutes(1)).get(0);
        assertThat(dead.body()).contains(stored);
        String newId = poison.requeue(dead.receipt(), stored);

        assertThat(poison.approximateDepth()).isZero();
        assertThat(poison.peek(32)).isEmpty();
        List<QueueMessageItem> items = new ArrayList<>();
        sdkQueue(client + "-tasks").receiveMessages(32).forEach(items::add);
        assertThat(items).hasSize(1);
        assertThat(items.get(0).getMessageId()).isEqualTo(newId);
        assertThat(items.get(0).getBody().toString()).isEqualTo(stored);
        assertThat(items.get(0).getDequeueCount()).as("a fresh message: first delivery").isEqualTo(1);
        assertThatThrownBy(() -> poison.delete(dead.receipt())).as("already deleted by requeue")
                .isInstanceOf(LeaseLostException.class);
    }

    @Test
    void delete_with_a_stale_receipt_is_a_lost_lease_and_clear_empties_the_queue() {
        AzureQueueProvider provider = provider(freshClient(), true, AzureQueueProvider.MessageEncoding.NONE);
        AzurePoisonQueue poison = provider.poisonQueue();
        poisonOne(provider, "{\"task_type\":\"a\"}");
        poisonOne(provider, "{\"task_type\":\"b\"}");

        QueueMessage first = poison.receive(1, Duration.ofMinutes(1)).get(0);
        poison.release(first.receipt());
        assertThatThrownBy(() -> poison.delete(first.receipt())).isInstanceOf(LeaseLostException.class);

        QueueMessage again = poison.receive(1, Duration.ofMinutes(1)).get(0);
        poison.delete(again.receipt());
        assertThat(poison.peek(32)).hasSize(1);

        poison.clear();
        assertThat(poison.peek(32)).isEmpty();
        assertThat(poison.approximateDepth()).isZero();
        assertThatThrownBy(() -> poison.receive(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> poison.receive(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
