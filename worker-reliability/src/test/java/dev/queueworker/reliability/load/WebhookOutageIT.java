package dev.queueworker.reliability.load;

import static dev.queueworker.reliability.load.LoadKit.await;
import static dev.queueworker.reliability.load.LoadKit.figure;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.queue.QueueClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.RecordingWebhookReceiver;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 5 of docs/reliability.md: the webhook receiver answers 500, then is down for 60 s, then
 * answers slower than {@code WEBHOOK_READ_TIMEOUT}; afterwards every outcome (completed and failed)
 * is delivered, none is lost, none carries a bad signature, and each outcome keeps one
 * {@code webhook-id}. The durable redelivery's backoff is shortened with
 * {@code WORKER_RETRY_BASE_DELAY}/{@code WORKER_RETRY_MAX_DELAY} (docs/webhooks.md).
 */
class WebhookOutageIT {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final int QUICK_ATTEMPTS = 2;
    static final Duration DOWN = Duration.ofSeconds(60);
    static final Duration DEADLINE = Duration.ofMinutes(3);

    @TempDir
    Path work;

    @Test
    void everyOutcomeIsDeliveredSignedAfter500sAnOutageAndASlowReceiver() {
        try (Azurite azurite = Azurite.start(); RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start(SECRET)) {
            QueueClient tasks = LoadKit.queue(azurite.connectionString(), "hooks-tasks");
            QueueClient poison = LoadKit.queue(azurite.connectionString(), "hooks-tasks-poison");
            Map<String, String> expected = new HashMap<>(); // task id -> status
            for (int i = 0; i < 8; i++) {
                String id = "hook-" + i;
                boolean fail = i % 4 == 3;
                expected.put(id, fail ? "failed" : "completed");
                tasks.sendMessage("{\"task_id\":\"" + id + "\",\"task_type\":\"echo\",\"payload\":{\"text\":\"t" + i
                        + "\",\"fail\":" + fail + "}}");
            }
            int firstRequests = expected.size() * QUICK_ATTEMPTS;
            receiver.respondWith(java.util.stream.IntStream.range(0, firstRequests).map(i -> 500).toArray());

            Map<String, String> env = new HashMap<>();
            env.put("CLIENT_ID", "hooks");
            env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
            env.put("WORKER_TASK_TYPES", "echo");
            env.put("WORKER_PLUGINS_DIR", LoadKit.echoPlugin(work.resolve("plugins")).getParent().toString());
            env.put("WORKER_CONCURRENCY", "10");
            env.put("WORKER_POLLING_INTERVAL", "1s");
            env.put("WEBHOOK_URL", receiver.url());
            env.put("WEBHOOK_SECRET", SECRET);
            env.put("WEBHOOK_READ_TIMEOUT", "2s");
            env.put("WEBHOOK_CONNECT_TIMEOUT", "2s");
            env.put("WEBHOOK_MAX_QUICK_ATTEMPTS", Integer.toString(QUICK_ATTEMPTS));
            // Durable redelivery after 3 s, then every ≤ 5 s: the quick 500s of all 8 tasks come first.
            env.put("WORKER_RETRY_BASE_DELAY", "3s");
            env.put("WORKER_RETRY_MAX_DELAY", "5s");
            env.put("WEBHOOK_MAX_ATTEMPTS", "100");

            try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, env, "256m", "run")) {
                // 1. Every outcome's quick attempts are answered 500: each is kept on the queue.
                receiver.awaitCount(firstRequests, DEADLINE);
                List<ReceivedWebhook> phase1 = receiver.received().subList(0, firstRequests);
                assertThat(phase1).allSatisfy(h -> assertThat(h.responseStatus()).isEqualTo(500));
                assertThat(phase1.stream().map(ReceivedWebhook::taskId).collect(Collectors.toSet()))
                        .isEqualTo(expected.keySet());

                // 2. Down for 60 s.
                receiver.stop();
                int linesBefore = daemon.output().lines().toList().size();
                long downUntil = System.nanoTime() + DOWN.toNanos();
                await(() -> System.nanoTime() >= downUntil || !daemon.isAlive(), DOWN.plusSeconds(10),
                        () -> "the outage's end");
                assertThat(daemon.isAlive()).as(daemon.output()).isTrue();
                long outageLines = daemon.output().lines().count() - linesBefore;
                long refused = daemon.output().lines().skip(linesBefore).filter(l -> l.contains("Webhook failed")).count();
                assertThat(refused).as("redeliveries tried during the outage").isPositive();

                // 3. Back, but slower than WEBHOOK_READ_TIMEOUT (2 s): every outcome is tried and times out.
                int slowMark = receiver.received().size();
                receiver.respondWithDelay(Duration.ofSeconds(4));
                receiver.restart();
                await(() -> taskIdsFrom(receiver, slowMark).containsAll(expected.keySet()), DEADLINE,
                        () -> "a slow request for every task; had " + taskIdsFrom(receiver, slowMark));
                assertThat(LoadKit.approximateDepth(tasks)).as("outcomes still kept on the queue").isPositive();

                // 4. Normal again: every outcome arrives, the kept ones are deleted.
                int normalMark = receiver.received().size();
                long restored = System.nanoTime();
                receiver.respondWithDelay(Duration.ZERO);
                await(() -> taskIdsFrom(receiver, normalMark).containsAll(expected.keySet())
                        && LoadKit.approximateDepth(tasks) == 0, DEADLINE,
                        () -> "every outcome delivered and the queue empty; delivered "
                                + taskIdsFrom(receiver, normalMark) + ", depth " + LoadKit.approximateDepth(tasks));
                double deliveredAfter = (System.nanoTime() - restored) / 1e9;

                List<ReceivedWebhook> all = receiver.received();
                assertThat(all).allSatisfy(h -> assertThat(h.signatureValid()).as(h.toString()).isTrue());
                Map<String, Set<String>> webhookIds = new HashMap<>();
                for (ReceivedWebhook h : all) {
                    assertThat(h.body().path("status").asText()).isEqualTo(expected.get(h.taskId()));
                    webhookIds.computeIfAbsent(h.taskId(), k -> new HashSet<>()).add(h.webhookId());
                }
                assertThat(webhookIds.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
                assertThat(webhookIds.values().stream().flatMap(Set::stream).distinct().count())
                        .isEqualTo(expected.size());
                for (ReceivedWebhook h : all.subList(normalMark, all.size())) {
                    if ("failed".equals(expected.get(h.taskId()))) {
                        assertThat(h.body().path("error").path("type").asText()).isEqualTo("PermanentException");
                    }
                }

                // Nothing lost or given up: the poison queue holds the two failed tasks only.
                List<JsonNode> envelopes = LoadKit.drain(poison);
                assertThat(envelopes).extracting(e -> e.path("task_id").asText()).containsExactlyInAnyOrderElementsOf(
                        expected.entrySet().stream().filter(e -> e.getValue().equals("failed")).map(Map.Entry::getKey)
                                .toList());
                assertThat(envelopes).extracting(e -> e.path("error_type").asText()).containsOnly("PermanentException");
                assertThat(daemon.output()).doesNotContain("WebhookUndeliverable", "Unexpected engine error");

                figure("5", String.format(java.util.Locale.ROOT,
                        "outcomes=%d requests=%d answered_500=%d down_s=%d slow_delay_s=4 read_timeout_s=2"
                                + " delivered_s_after_restore=%.1f log_lines_during_outage=%d lost=0 bad_signatures=0",
                        expected.size(), all.size(), firstRequests, DOWN.toSeconds(), deliveredAfter, outageLines));
                daemon.terminate();
                assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
            }
        }
    }

    private static Set<String> taskIdsFrom(RecordingWebhookReceiver receiver, int from) {
        List<ReceivedWebhook> all = receiver.received();
        Set<String> ids = new HashSet<>();
        for (ReceivedWebhook h : new ArrayList<>(all.subList(Math.min(from, all.size()), all.size()))) {
            ids.add(h.taskId());
        }
        return ids;
    }
}
