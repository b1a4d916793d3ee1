package dev.queueworker.runner.internal.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.Task;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The tasks this worker runs now, with the progress their handlers last reported. Thread-safe. */
final class InFlightTasks {

    private final Clock clock;
    private final Duration visibilityTimeout;
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    InFlightTasks(Clock clock, Duration visibilityTimeout) {
        this.clock = clock;
        this.visibilityTimeout = visibilityTimeout;
    }

    void started(Task task) {
        running.put(key(task), new Running(task, clock.instant()));
    }

    void progress(Task task, double fraction, String message) {
        Running r = running.get(key(task));
        if (r != null) {
            r.fraction = fraction;
            r.message = message;
        }
    }

    /** Removes {@code task}; its start time, or null when it was not seen starting. */
    Instant ended(Task task) {
        Running r = running.remove(key(task));
        return r == null ? null : r.started;
    }

    int count() {
        return running.size();
    }

    /** The running tasks, oldest first. */
    ArrayNode toJson() {
        ArrayNode list = HttpAnswers.JSON.createArrayNode();
        Instant now = clock.instant();
        running.values().stream().sorted(Comparator.comparing((Running r) -> r.started)).forEach(r -> {
            ObjectNode n = list.addObject();
            n.put("taskId", r.task.id());
            n.put("type", r.task.type());
            n.put("filename", r.task.payload().path("filename").isTextual()
                    ? r.task.payload().path("filename").asText() : null);
            n.put("attempt", r.task.attempt());
            n.put("startedAt", r.started.toString());
            n.put("elapsedMs", Duration.between(r.started, now).toMillis());
            if (r.fraction >= 0) {
                n.put("progress", r.fraction);
            } else {
                n.putNull("progress");
            }
            n.put("message", r.message);
            // The engine renews a lease with half of it or less left, sweeping every sixth of the timeout:
            // while the task runs, its lease has at least a third of the timeout to go.
            n.put("leaseAtLeastUntil", now.plus(visibilityTimeout.dividedBy(3)).toString());
        });
        return list;
    }

    private static String key(Task task) {
        return task.messageId() == null ? task.id() : task.messageId();
    }

    private static final class Running {
        final Task task;
        final Instant started;
        volatile double fraction = -1;
        volatile String message;

        Running(Task task, Instant started) {
            this.task = task;
            this.started = started;
        }
    }
}
