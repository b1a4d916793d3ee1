package dev.queueworker.core.internal;

import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.core.internal.Decision.Poison;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.DoubleSupplier;

/**
 * Decides what becomes of a message: complete, retry after a backoff, or poison with a reason and an
 * error type. Pure: every answer follows from its arguments, the options and the jitter source; no
 * queue, clock or thread is involved, so each rule is tested on its own.
 */
final class OutcomePolicy {
    /** The poison error type of a message the worker itself refused. */
    static final String INVALID_MESSAGE = "InvalidMessage";
    /** The poison error type of an outcome whose receiver said no, or whose URL was refused. */
    static final String WEBHOOK_REJECTED = "WebhookRejected";

    private final WorkerOptions options;
    private final DoubleSupplier random;

    OutcomePolicy(WorkerOptions options, DoubleSupplier random) {
        this.options = options;
        this.random = random;
    }

    /** A message the codec could not read. */
    Poison undecodable(InvalidMessageException e) {
        return new Poison(e.getMessage(), INVALID_MESSAGE);
    }

    /**
     * Before the handler runs: a type nobody handles, or a message received more often than
     * {@code maxDequeueCount} (its last run never reported back), is poison.
     */
    Optional<Poison> beforeRun(String taskType, Collection<String> knownTypes, int attempt) {
        if (!knownTypes.contains(taskType)) {
            return Optional.of(new Poison("task_type: unknown type '" + taskType + "' (known: "
                    + String.join(", ", new TreeSet<>(knownTypes)) + ")", INVALID_MESSAGE));
        }
        if (attempt > options.maxDequeueCount()) {
            return Optional.of(new Poison("gave up after " + (attempt - 1) + " attempts (maxDequeueCount is "
                    + options.maxDequeueCount() + ")", "MaxDequeueCountExceeded"));
        }
        return Optional.empty();
    }

    /**
     * After the handler ran: success completes; a {@link PermanentException}, or any failure on the
     * last allowed attempt, is poison; anything else retries after a backoff growing with the attempt,
     * or after the delay a {@link RetryableException#retryAfter()} asks for.
     *
     * @param failure null when the handler returned normally
     */
    Decision afterRun(int attempt, Throwable failure) {
        if (failure == null) {
            return Decision.COMPLETE;
        }
        if (failure instanceof PermanentException) {
            return new Poison(describe(failure), failure.getClass().getSimpleName());
        }
        if (attempt >= options.maxDequeueCount()) {
            return new Poison("failed " + attempt + " times (maxDequeueCount is " + options.maxDequeueCount()
                    + "); last error: " + describe(failure), failure.getClass().getSimpleName());
        }
        if (failure instanceof RetryableException retryable && retryable.retryAfter().isPresent()) {
            return new Decision.Retry(retryable.retryAfter().get());
        }
        return new Decision.Retry(Backoff.retryDelay(attempt, options.retryBaseDelay(), options.retryMaxDelay(), random));
    }

    /**
     * After an outcome's first delivery: one refused by the address rules or allowed hosts, or
     * rejected by the receiver, will never arrive by retrying, so it is kept on the poison queue.
     */
    Optional<Poison> afterDelivery(WebhookDelivery delivery) {
        return switch (delivery.outcome()) {
            case REJECTED, REFUSED -> Optional.of(notTaken(delivery));
            default -> Optional.empty();
        };
    }

    /** After a kept outcome ({@code queue-worker.webhook}) was tried again on its {@code attempt}-th receive. */
    Decision afterRedelivery(int attempt, WebhookDelivery delivery) {
        return switch (delivery.outcome()) {
            case DELIVERED, SKIPPED -> Decision.COMPLETE;
            case REJECTED, REFUSED -> notTaken(delivery);
            case RETRY_LATER -> attempt >= options.webhookMaxAttempts()
                    ? new Poison("webhook undeliverable after " + attempt + " attempts (webhookMaxAttempts is " + options.webhookMaxAttempts() + "): "
                            + delivery.detail(), "WebhookUndeliverable")
                    : new Decision.Retry(Backoff.retryDelay(attempt + 1, options.retryBaseDelay(),
                            options.retryMaxDelay(), random));
        };
    }

    /** A kept outcome whose stored form cannot be read back. */
    Poison unreadableWebhook(IllegalArgumentException e) {
        return new Poison("stored webhook is unreadable: " + e.getMessage(), INVALID_MESSAGE);
    }

    private static Poison notTaken(WebhookDelivery delivery) {
        return new Poison("webhook " + delivery.outcome().name().toLowerCase(Locale.ROOT) + ": " + delivery.detail(),
                WEBHOOK_REJECTED);
    }

    /** An exception as the poison reason and the logs show it; never a stack trace. */
    static String describe(Throwable t) {
        String message = t.getMessage();
        if (t instanceof PermanentException || t instanceof RetryableException) {
            return message == null ? t.getClass().getSimpleName() : message;
        }
        return message == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + message;
    }
}
