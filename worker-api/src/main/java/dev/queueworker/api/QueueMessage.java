package dev.queueworker.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A message as received from a {@link QueueProvider}.
 *
 * @param messageId the queue's id of the message
 * @param body the body exactly as stored: plain JSON or Base64 of it; the engine decodes it
 * @param dequeueCount how many times the message has been received, this time included (1 on the
 *     first delivery)
 * @param insertedAt when the message was put on the queue
 * @param receipt the lease on the message; {@code null} for messages only peeked at
 */
public record QueueMessage(String messageId, String body, long dequeueCount, Instant insertedAt, Receipt receipt) {
    public QueueMessage {
        Objects.requireNonNull(messageId, "'messageId' cannot be null.");
        Objects.requireNonNull(body, "'body' cannot be null.");
        Objects.requireNonNull(insertedAt, "'insertedAt' cannot be null.");
    }

    @Override
    public String toString() {
        // Bodies may hold customer data: never print them.
        return "QueueMessage[messageId=" + messageId + ", dequeueCount=" + dequeueCount + ", bodyLength="
                + body.length() + "]";
    }
}
