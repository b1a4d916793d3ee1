package dev.queueworker.runner.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.models.QueueMessageItem;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.test.Azurite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code queue-worker poison} against a real Azurite, with envelopes as the engine writes them. */
class PoisonCommandIT {
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static Azurite azurite;

    @TempDir
    Path dir;

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

    private static QueueClient queue(String name) {
        QueueClient client = new QueueServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getQueueClient(name);
        client.createIfNotExists();
        return client;
    }

    private static Map<String, String> env(String clientId) {
        Map<String, String> env = new HashMap<>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("CLIENT_ID", clientId);
        return env;
    }

    private static String body(int i) {
        return "{\"task_id\":\"task-" + i + "\",\"task_type\":\"ingest\",\"payload\":{\"filename\":\"f" + i + ".pdf\"}}";
    }

    /** Writes {@code count} envelopes as the engine would, for tasks task-0 … task-(count-1). */
    private static void poison(String client, int count) {
        queue(client + "-tasks"); // as a worker leaves it: both queues exist
        QueueClient poison = queue(client + "-tasks-poison");
        for (int i = 0; i < count; i++) {
            poison.sendMessage(new PoisonMessage(body(i), "Connection reset by the parser service", "RetryableException",
                    5, "task-" + i, "ingest", "m-" + i, client, Instant.parse("2026-11-29T12:00:00Z").plusSeconds(i))
                    .toJson());
        }
    }

    private static List<QueueMessageItem> receiveAll(QueueClient queue) {
        List<QueueMessageItem> items = new ArrayList<>();
        while (true) {
            List<QueueMessageItem> batch = new ArrayList<>();
            queue.receiveMessages(32).forEach(batch::add);
            if (batch.isEmpty()) {
                return items;
            }
            items.addAll(batch);
        }
    }

    @Test
    void list_show_and_requeue_one_message_by_task_id_or_message_id() {
        String client = "poison-" + CLIENTS.incrementAndGet();
        poison(client, 3);

        AdminCli.Run list = AdminCli.run(env(client), dir, "poison", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).startsWith("MESSAGE ID").contains("TASK ID").contains("FAILED AT")
                .contains("task-0").contains("task-2").contains("2026-11-29T12:00:01Z")
                .contains("RetryableException: Connection reset by the parser service")
                .endsWith("3 messages on " + client + "-tasks-poison\n");

        AdminCli.Run show = AdminCli.run(env(client), dir, "poison", "show", "task-1");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).contains("\"reason\" : \"Connection reset by the parser service\"")
                .contains("\"attempts\" : 5").contains("original body:")
                .contains("\"filename\" : \"f1.pdf\"");
        String messageId = show.out().lines().filter(l -> l.startsWith("message id:")).findFirst().orElseThrow()
                .substring("message id:".length()).strip();

        AdminCli.Run byMessageId = AdminCli.run(env(client), dir, "poison", "show", messageId);
        assertThat(byMessageId.out()).isEqualTo(show.out());

        AdminCli.Run requeue = AdminCli.run(env(client), dir, "poison", "requeue", "task-1");
        assertThat(requeue.exitCode()).as(requeue.toString()).isZero();
        assertThat(requeue.out()).startsWith("requeued task task-1 (ingest, message " + messageId + ") to "
                + client + "-tasks as message ");

        List<QueueMessageItem> tasks = receiveAll(queue(client + "-tasks"));
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).getBody().toString()).isEqualTo(body(1));
        assertThat(tasks.get(0).getDequeueCount()).as("a fresh message").isEqualTo(1);
        assertThat(AdminCli.run(env(client), dir, "poison", "list").out())
                .doesNotContain("task-1").contains("task-0").contains("task-2");
        // The scan made the other messages visible again right away.
        assertThat(receiveAll(queue(client + "-tasks-poison"))).hasSize(2);

        AdminCli.Run unknown = AdminCli.run(env(client), dir, "poison", "show", "no-such-task");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err().strip()).isEqualTo("queue-worker: no message on " + client
                + "-tasks-poison has message id or task id no-such-task");
    }

    @Test
    void a_requeued_message_without_a_task_id_keeps_the_id_it_failed_under() {
        String client = "poison-" + CLIENTS.incrementAndGet();
        queue(client + "-tasks");
        String plain = "{\"task_type\":\"translate\",\"payload\":{\"text\":\"hello\"}}";
        String base64 = Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        // As the engine writes it: without a task_id, the queue message id is the task's id.
        queue(client + "-tasks-poison").sendMessage(new PoisonMessage(plain, "task_type: unknown type 'translate'",
                "InvalidMessage", 1, "msg-plain", "translate", "msg-plain", client, Instant.now()).toJson());
        queue(client + "-tasks-poison").sendMessage(new PoisonMessage(base64, "task_type: unknown type 'translate'",
                "InvalidMessage", 1, "msg-b64", "translate", "msg-b64", client, Instant.now()).toJson());

        AdminCli.Run one = AdminCli.run(env(client), dir, "poison", "requeue", "msg-plain");
        assertThat(one.exitCode()).as(one.toString()).isZero();
        AdminCli.Run all = AdminCli.run(env(client), dir, "poison", "requeue", "--all");
        assertThat(all.exitCode()).as(all.toString()).isZero();

        List<String> requeued = receiveAll(queue(client + "-tasks")).stream().map(m -> m.getBody().toString()).toList();
        assertThat(requeued).containsExactlyInAnyOrder(
                "{\"task_id\":\"msg-plain\",\"task_type\":\"translate\",\"payload\":{\"text\":\"hello\"}}",
                Base64.getEncoder().encodeToString(("{\"task_id\":\"msg-b64\",\"task_type\":\"translate\","
                        + "\"payload\":{\"text\":\"hello\"}}").getBytes(StandardCharsets.UTF_8)));
        assertThat(receiveAll(queue(client + "-tasks-poison"))).isEmpty();
    }

    @Test
    void beyond_32_messages_list_says_how_many_and_show_and_requeue_all_find_every_one() {
        String client = "poison-" + CLIENTS.incrementAndGet();
        poison(client, 35);
        QueueClient poisonQueue = queue(client + "-tasks-poison");
        poisonQueue.sendMessage("this is not an envelope");

        AdminCli.Run list = AdminCli.run(env(client), dir, "poison", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains("showing 32 of about 36 messages on " + client + "-tasks-poison");

        AdminCli.Run show = AdminCli.run(env(client), dir, "poison", "show", "task-34");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).contains("\"task_id\" : \"task-34\"");

        AdminCli.Run all = AdminCli.run(env(client), dir, "poison", "requeue", "--all");
        assertThat(all.exitCode()).as("one message could not be requeued: " + all).isEqualTo(1);
        assertThat(all.out()).contains("requeued 35 messages to " + client + "-tasks; 1 left on " + client
                + "-tasks-poison").contains("skipped message").contains("not a poison envelope");

        List<QueueMessageItem> tasks = receiveAll(queue(client + "-tasks"));
        assertThat(tasks).hasSize(35).allSatisfy(m -> assertThat(m.getDequeueCount()).isEqualTo(1));
        assertThat(tasks.stream().map(m -> m.getBody().toString()))
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 35).mapToObj(
                        PoisonCommandIT::body).toList());
        List<QueueMessageItem> left = receiveAll(poisonQueue);
        assertThat(left).hasSize(1);
        assertThat(left.get(0).getBody().toString()).isEqualTo("this is not an envelope");
    }

    @Test
    void purge_asks_for_yes_then_deletes_everything() {
        String client = "poison-" + CLIENTS.incrementAndGet();
        poison(client, 4);

        AdminCli.Run refused = AdminCli.run(env(client), dir, "poison", "purge");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("add --yes");
        assertThat(queue(client + "-tasks-poison").getProperties().getApproximateMessagesCount()).isEqualTo(4);

        AdminCli.Run purge = AdminCli.run(env(client), dir, "poison", "purge", "--yes");
        assertThat(purge.exitCode()).as(purge.toString()).isZero();
        assertThat(purge.out()).isEqualTo("deleted about 4 messages from " + client + "-tasks-poison\n");
        assertThat(queue(client + "-tasks-poison").peekMessages(32, null, null)).isEmpty();

        AdminCli.Run empty = AdminCli.run(env(client), dir, "poison", "list");
        assertThat(empty.out()).isEqualTo("no poison messages on " + client + "-tasks-poison\n");
    }

    @Test
    void a_missing_poison_queue_is_reported_not_created() {
        String client = "poison-" + CLIENTS.incrementAndGet();

        AdminCli.Run list = AdminCli.run(env(client), dir, "poison", "list");

        assertThat(list.exitCode()).isEqualTo(1);
        assertThat(list.err().strip()).startsWith("queue-worker: ").contains(client + "-tasks-poison")
                .contains("does not exist");
        assertThat(dev.queueworker.azure.AzureQueueProvider.builder().connectionString(azurite.connectionString())
                .clientId(client).createQueues(false).build().poisonQueue().exists()).isFalse();
    }
}
