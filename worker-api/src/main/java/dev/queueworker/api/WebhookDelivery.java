package dev.queueworker.api;

import java.util.Objects;

/**
 * How one {@link WebhookNotifier#deliver(WebhookEvent) delivery} ended.
 *
 * @param outcome what happened
 * @param statusCode the receiver's last HTTP status, or 0 when none was received
 * @param attempts how many requests were made (0 when the URL was refused)
 * @param detail why, for logs and poison messages; never holds secrets
 */
public record WebhookDelivery(Outcome outcome, int statusCode, int attempts, String detail) {

    /** What happened to a delivery. */
    public enum Outcome {
        /** The receiver answered 2xx. */
        DELIVERED,
        /** Network error, timeout, 408, 429 or 5xx after the quick retries: try again later. */
        RETRY_LATER,
        /** The receiver answered another 4xx: retrying will not help. */
        REJECTED,
        /** The URL was refused before any connection: link-local, cloud metadata, not allowed or malformed. */
        REFUSED,
        /** Webhooks are switched off ({@link WebhookNotifier#NONE}): nothing was sent, on purpose. */
        SKIPPED
    }

    public WebhookDelivery {
        Objects.requireNonNull(outcome, "'outcome' cannot be null.");
        Objects.requireNonNull(detail, "'detail' cannot be null.");
    }

    public boolean delivered() {
        return outcome == Outcome.DELIVERED;
    }
}
