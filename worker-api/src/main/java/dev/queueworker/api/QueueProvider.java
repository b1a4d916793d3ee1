package dev.queueworker.api;

import java.time.Duration;
import java.util.List;

/**
 * One task queue and its poison queue, with the semantics of Azure Storage Queue: a received message
 * is invisible to other consumers for a visibility timeout, every update returns a new pop receipt,
 * and a stale receipt is refused.
 *
 * <p><b>Thread safety:</b> implementations are safe for concurrent use by any number of threads;
 * the engine receives on one thread while renewing, releasing and deleting on others.
 *
 * <p><b>Failures:</b> transient service failures (5xx, timeouts, refused connections) are thrown as
 * {@link RetryableException}; a stale receipt or a vanished message as {@link LeaseLostException};
 * anything that retrying cannot fix (bad credentials, bad queue name) as {@link PermanentException}.
 *
 * <p>Implementations: {@code InMemoryQueueProvider} in worker-core (the {@code mock} provider),
 * {@code AzureQueueProvider} in worker-azure. Every implementation passes the
 * {@code QueueProviderCompatibilityKit} of worker-test.
 */
public interface QueueProvider extends AutoCloseable {

    /**
     * Receives up to {@code maxMessages} visible messages and hides each for {@code visibilityTimeout}.
     *
     * @param maxMessages 1 to 32
     * @return the received messages, each with a {@link Receipt}; empty when none is visible
     */
    List<QueueMessage> receive(int maxMessages, Duration visibilityTimeout);

    /**
     * Keeps a received message hidden for {@code visibilityTimeout} from now.
     *
     * @return the new receipt; the one passed in is stale from now on
     * @throws LeaseLostException when the receipt is stale or the message is gone
     */
    Receipt extendVisibility(Receipt receipt, Duration visibilityTimeout);

    /**
     * Gives a received message back: it becomes visible again after {@code delay}
     * ({@link Duration#ZERO} for at once). Its dequeue count is kept.
     *
     * @throws LeaseLostException when the receipt is stale or the message is gone
     */
    void release(Receipt receipt, Duration delay);

    /**
     * Deletes a received message.
     *
     * @throws LeaseLostException when the receipt is stale or the message is gone
     */
    void delete(Receipt receipt);

    /**
     * Puts a message on the queue, visible after {@code initialDelay}.
     *
     * @param body the body as it should be stored (the engine sends plain JSON)
     * @return the new message's id
     */
    String send(String body, Duration initialDelay);

    /**
     * Moves a received message to the poison queue: puts {@code poisonBody} (a JSON envelope the
     * engine builds, holding the original body, the reason, the error type and the attempts) on the
     * poison queue, then deletes the original.
     *
     * @throws LeaseLostException when the receipt is stale or the message is gone; the envelope may
     *     then already be on the poison queue
     */
    void moveToPoison(Receipt receipt, String poisonBody);

    /**
     * Looks at up to {@code maxMessages} messages of the poison queue without receiving them.
     * The returned messages carry no receipt.
     */
    List<QueueMessage> peekPoison(int maxMessages);

    /** The approximate number of messages on the task queue, visible or not. */
    long approximateDepth();

    /** The approximate number of messages on the poison queue. */
    long approximatePoisonDepth();

    /**
     * The poison queue, for operators: look at dead messages, requeue or delete them.
     *
     * @throws UnsupportedOperationException when this provider has no operator access to its poison queue
     *     (the default)
     */
    default PoisonQueue poisonQueue() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no operator access to its poison queue");
    }

    /** Releases resources such as connection pools. Does nothing by default. */
    @Override
    default void close() {
    }
}
