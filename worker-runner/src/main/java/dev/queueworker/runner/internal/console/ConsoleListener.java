package dev.queueworker.runner.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.core.WorkerListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Feeds the engine's events to the console's figures, in-flight list and outcome history. */
final class ConsoleListener implements WorkerListener {

    private final Clock clock;
    private final LiveFigures figures;
    private final InFlightTasks inFlight;
    private final OutcomeHistory history;

    ConsoleListener(Clock clock, LiveFigures figures, InFlightTasks inFlight, OutcomeHistory history) {
        this.clock = clock;
        this.figures = figures;
        this.inFlight = inFlight;
        this.history = history;
    }

    @Override
    public void taskStarted(Task task) {
        inFlight.started(task);
    }

    @Override
    public void taskProgress(Task task, double fraction, String message) {
        inFlight.progress(task, fraction, message);
    }

    @Override
    public void taskCompleted(Task task, TaskResult result, Duration duration) {
        inFlight.ended(task);
        figures.outcome(LiveFigures.Outcome.COMPLETED, duration.toMillis());
        history.record(outcome(task, "completed", duration.toMillis(), describe(result), null));
    }

    @Override
    public void taskRetryScheduled(Task task, Throwable error, Duration delay) {
        long ms = elapsed(inFlight.ended(task));
        figures.outcome(LiveFigures.Outcome.RETRIED, ms);
        history.record(outcome(task, "retry", ms, "again in " + delay.toSeconds() + " s", describe(error)));
    }

    @Override
    public void messagePoisoned(Task task, PoisonMessage poison) {
        long ms = task == null ? -1 : elapsed(inFlight.ended(task));
        figures.outcome(LiveFigures.Outcome.POISONED, ms);
        String error = poison.errorType() + ": " + poison.reason();
        if (task == null) {
            history.record(new OutcomeHistory.Outcome(clock.instant().toString(), poison.taskId(), poison.taskType(),
                    "poisoned", 0, (int) poison.attempts(), null, null, error));
        } else {
            history.record(outcome(task, "poisoned", ms, null, error));
        }
    }

    @Override
    public void leaseLost(Task task) {
        long ms = elapsed(inFlight.ended(task));
        history.record(outcome(task, "lease_lost", ms, null, "the lease was lost; another worker may run it"));
    }

    @Override
    public void taskReleased(Task task) {
        long ms = elapsed(inFlight.ended(task));
        history.record(outcome(task, "released", ms, "released unfinished at shutdown", null));
    }

    @Override
    public void webhookDelivered(WebhookEvent event, WebhookDelivery delivery) {
        if (delivery.outcome() != WebhookDelivery.Outcome.SKIPPED) {
            figures.webhook(delivery.delivered());
        }
    }

    private long elapsed(Instant started) {
        return started == null ? -1 : Duration.between(started, clock.instant()).toMillis();
    }

    private OutcomeHistory.Outcome outcome(Task task, String status, long ms, String result, String error) {
        String filename = task.payload().path("filename").isTextual() ? task.payload().path("filename").asText() : null;
        return new OutcomeHistory.Outcome(clock.instant().toString(), task.id(), task.type(), status, Math.max(ms, 0),
                task.attempt(), filename, result, error);
    }

    /**
     * Chunks and summary length when the handler reported them, else the result's fields (values of
     * scalars); then the model tokens and estimated cost of its {@code usage}, when it has one.
     */
    static String describe(TaskResult result) {
        if (result == null || result.data() == null || result.data().isEmpty()) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        if (result.data().has("chunks")) {
            s.append(result.data().path("chunks").asLong()).append(" chunks");
        }
        if (result.data().path("summary").isTextual()) {
            s.append(s.length() > 0 ? ", " : "").append("summary of ")
                    .append(result.data().path("summary").asText().length()).append(" characters");
        }
        if (s.length() == 0) {
            result.data().fields().forEachRemaining(f -> s.append(s.length() > 0 ? ", " : "").append(f.getKey())
                    .append(f.getValue().isValueNode() ? "=" + f.getValue().asText() : ""));
        }
        JsonNode usage = result.data().path("usage");
        long tokens = usage.path("embedding_tokens").asLong(0) + usage.path("prompt_tokens").asLong(0)
                + usage.path("completion_tokens").asLong(0);
        if (tokens > 0) {
            s.append(", ").append(tokens).append(" tokens");
            if (usage.path("estimated_cost_usd").isNumber()) {
                s.append(" (~$").append(usage.path("estimated_cost_usd").decimalValue().toPlainString()).append(")");
            }
        }
        return s.length() > 200 ? s.substring(0, 200) + "…" : s.toString();
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        String text = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }
}
