package dev.queueworker.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Proof that this consumer holds a received message: the message id, the newest pop receipt and the
 * time the message becomes visible to others again. Every update of the message returns a new
 * receipt; only the newest one is accepted.
 *
 * @param messageId the queue's id of the message
 * @param popReceipt the newest pop receipt
 * @param nextVisibleAt when the message becomes visible to other consumers
 */
public record Receipt(String messageId, String popReceipt, Instant nextVisibleAt) {
    public Receipt {
        Objects.requireNonNull(messageId, "'messageId' cannot be null.");
        Objects.requireNonNull(popReceipt, "'popReceipt' cannot be null.");
        Objects.requireNonNull(nextVisibleAt, "'nextVisibleAt' cannot be null.");
    }
}
