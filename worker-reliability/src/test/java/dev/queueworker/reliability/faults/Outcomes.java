package dev.queueworker.reliability.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.test.RecordingWebhookReceiver;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** The outcomes a frontend sees: webhooks per task, waited for and checked against DESIGN.md. */
final class Outcomes {
    private Outcomes() {
    }

    /** The tasks among {@code taskIds} with at least one {@code completed} webhook. */
    static Set<String> completed(RecordingWebhookReceiver receiver, Collection<String> taskIds) {
        Set<String> wanted = Set.copyOf(taskIds);
        return receiver.received().stream()
                .filter(w -> wanted.contains(w.taskId()) && "completed".equals(status(w)))
                .map(ReceivedWebhook::taskId).collect(Collectors.toSet());
    }

    /** Waits until every task of {@code taskIds} has a {@code completed} webhook; fails naming the missing ones. */
    static void awaitAllCompleted(RecordingWebhookReceiver receiver, Collection<String> taskIds, Duration timeout,
            Runnable whileWaiting) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (completed(receiver, taskIds).size() < taskIds.size()) {
            whileWaiting.run();
            if (System.nanoTime() > deadline) {
                Set<String> missing = taskIds.stream().filter(id -> !completed(receiver, taskIds).contains(id))
                        .collect(Collectors.toSet());
                throw new AssertionError(missing.size() + " of " + taskIds.size() + " tasks have no completed webhook"
                        + " within " + timeout + ": " + missing + "; failed ones: " + receiver.received().stream()
                        .filter(w -> "failed".equals(status(w))).map(w -> w.body().path("error").toString()).toList());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    /** Waits for {@code condition} up to {@code timeout} on the clock; fails with {@code what}. */
    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /**
     * Checks DESIGN.md's webhook contract for {@code taskIds}: each has at least one {@code completed}
     * webhook and none {@code failed}; all signatures are valid; every delivery of one outcome carries the
     * same {@code webhook-id}, and different outcomes different ones.
     *
     * @return the number of webhooks received for these tasks beyond one per task (duplicates)
     */
    static int assertCompletedOncePerOutcome(RecordingWebhookReceiver receiver, Collection<String> taskIds) {
        Set<String> wanted = Set.copyOf(taskIds);
        Map<String, List<ReceivedWebhook>> byTask = receiver.received().stream()
                .filter(w -> wanted.contains(w.taskId()))
                .collect(Collectors.groupingBy(ReceivedWebhook::taskId));
        assertThat(byTask.keySet()).as("tasks with a webhook").containsExactlyInAnyOrderElementsOf(wanted);
        int total = 0;
        Set<String> allIds = new java.util.HashSet<>();
        for (Map.Entry<String, List<ReceivedWebhook>> e : byTask.entrySet()) {
            List<ReceivedWebhook> hooks = e.getValue();
            total += hooks.size();
            assertThat(hooks).as("webhooks of task %s", e.getKey()).allMatch(ReceivedWebhook::signatureValid)
                    .allMatch(w -> "completed".equals(status(w)));
            Set<String> ids = hooks.stream().map(ReceivedWebhook::webhookId).collect(Collectors.toSet());
            assertThat(ids).as("distinct webhook-ids of the completed outcome of task %s (%s)", e.getKey(), hooks)
                    .hasSize(1).doesNotContainNull();
            assertThat(allIds.add(ids.iterator().next())).as("webhook-id of task %s used by another task", e.getKey())
                    .isTrue();
        }
        return total - byTask.size();
    }

    static String status(ReceivedWebhook w) {
        return w.body() == null ? null : w.body().path("status").asText(null);
    }
}
