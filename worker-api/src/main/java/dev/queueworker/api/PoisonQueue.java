package dev.queueworker.api;

import java.time.Duration;
import java.util.List;

/**
 * The poison queue {@code {clientId}-tasks-poison} as an operator sees it: look at dead messages, take
 * them for triage, put them back on the task queue, delete them. Obtained from
 * {@link QueueProvider#poisonQueue()}, whose task queue {@link #requeue} sends to.
 *
 * <p>Each message's body is the JSON envelope the engine wrote ({@code PoisonMessage} of worker-core:
 * the original body, the reason, the error type, the attempts, the task id). Bodies are read and written
 * exactly as stored.
 *
 * <pre>{@code
 * PoisonQueue poison = provider.poisonQueue();
 * List<QueueMessage> page = poison.receive(32, Duration.ofMinutes(1));  // hidden for a minute
 * for (QueueMessage m : page) {
 *     PoisonMessage envelope = PoisonMessage.parse(m.body());
 *     poison.requeue(m.receipt(), envelope.requeueBody());            // a new task message, same task id
 * }
 * }</pre>
 *
 * <p><b>Paging:</b> {@link #peek} shows the front of the queue without touching it (Azure shows at most
 * {@value #MAX_BATCH}). To page through the whole queue, {@link #receive} batch after batch: a received
 * message stays hidden for the visibility timeout, so the next call returns the next page, until one
 * comes back empty; then {@link #release} what was not acted on (or let the timeout lapse).
 *
 * <p><b>Thread safety:</b> safe for concurrent use. <b>Failures</b> as for {@link QueueProvider}: a stale
 * receipt or a vanished message is a {@link LeaseLostException}; unlike the task queue, a missing poison
 * queue is never created here but reported as a {@link PermanentException}.
 */
public interface PoisonQueue {

    /** The most messages one {@link #peek} or {@link #receive} returns, as on Azure. */
    int MAX_BATCH = 32;

    /** The queue's name, such as {@code southhaven-tasks-poison}, for messages to people. */
    String name();

    /** The name of the task queue {@link #requeue} sends to, such as {@code southhaven-tasks}. */
    String taskQueueName();

    /** The approximate number of messages on the poison queue, visible or not. */
    long approximateDepth();

    /**
     * Up to {@code maxMessages} visible messages from the front of the queue, without hiding them or
     * counting a delivery; their {@link QueueMessage#receipt()} is null.
     *
     * @param maxMessages 1 to {@value #MAX_BATCH}
     */
    List<QueueMessage> peek(int maxMessages);

    /**
     * Receives up to {@code maxMessages} visible messages and hides each for {@code visibilityTimeout},
     * so the caller may {@link #requeue}, {@link #delete} or {@link #release} it.
     *
     * @param maxMessages 1 to {@value #MAX_BATCH}
     * @param visibilityTimeout 1 second to 7 days
     */
    List<QueueMessage> receive(int maxMessages, Duration visibilityTimeout);

    /**
     * Makes a received message visible again at once, unchanged.
     *
     * @return the new receipt
     * @throws LeaseLostException when the receipt is stale or the message is gone
     */
    Receipt release(Receipt receipt);

    /**
     * Deletes a received message.
     *
     * @throws LeaseLostException when the receipt is stale or the message is gone
     */
    void delete(Receipt receipt);

    /**
     * Puts {@code taskBody} on the task queue as a new message, exactly as given (so its dequeue count
     * starts again at 1), then deletes the poison message. Sent first, deleted second: a failure in
     * between leaves the task on both queues, never on neither.
     *
     * @param receipt the poison message's receipt, from {@link #receive}
     * @param taskBody the task message to replay: normally the envelope's {@code requeueBody()}, the
     *     original body with its task id written in
     * @return the new task message's id
     * @throws LeaseLostException when the receipt is stale (the task was sent; the poison message stays)
     */
    String requeue(Receipt receipt, String taskBody);

    /** Deletes every message on the poison queue. */
    void clear();
}
