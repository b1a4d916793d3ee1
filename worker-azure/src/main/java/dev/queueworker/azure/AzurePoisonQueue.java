package dev.queueworker.azure;

import com.azure.core.util.Context;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.models.PeekedMessageItem;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.UpdateMessageResult;
import dev.queueworker.api.LeaseLostException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.PoisonQueue;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.Receipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@link PoisonQueue} {@code {clientId}-tasks-poison} on Azure Storage Queue: look at dead
 * messages, put their original bodies back on the task queue, delete them. Obtained from
 * {@link AzureQueueProvider#poisonQueue()}, whose clients, retries and task queue it shares.
 *
 * <pre>{@code
 * PoisonQueue poison = provider.poisonQueue();
 * for (QueueMessage m : poison.receive(32, Duration.ofMinutes(1))) {      // hidden for a minute
 *     String body = PoisonMessage.parse(m.body()).requeueBody();
 *     poison.requeue(m.receipt(), body);                                   // a new task message, same task id
 * }
 * }</pre>
 *
 * <p>Bodies are read and written exactly as stored: {@link #requeue} sends the original body as it
 * was received (plain JSON or Base64 of it), never encoding it a second time. Unlike the provider's
 * operations, none of these creates a missing queue: a missing poison queue is a
 * {@link PermanentException} saying so. Failures are translated as the provider's are (retryable,
 * permanent, or {@link LeaseLostException} for a stale receipt or a message already gone), never carrying a key.
 *
 * <p>Thread-safe: the SDK's clients are.
 */
public final class AzurePoisonQueue implements PoisonQueue {

    private final QueueClient poison;
    private final QueueClient tasks;

    AzurePoisonQueue(QueueClient poison, QueueClient tasks) {
        this.poison = poison;
        this.tasks = tasks;
    }

    /** The poison queue's name, {@code {clientId}-tasks-poison}. */
    @Override
    public String name() {
        return poison.getQueueName();
    }

    /** The task queue {@link #requeue} sends to, {@code {clientId}-tasks}. */
    @Override
    public String taskQueueName() {
        return tasks.getQueueName();
    }

    /** Whether the poison queue exists (one request; creates nothing). */
    public boolean exists() {
        return AzureQueueProvider.exists(poison);
    }

    /** Azure's approximate count of messages on the poison queue, visible or not. */
    @Override
    public long approximateDepth() {
        try {
            return poison.getProperties().getApproximateMessagesCount();
        } catch (RuntimeException e) {
            throw translate("reading the properties of", poison, e);
        }
    }

    /**
     * Up to {@code maxMessages} visible messages from the front of the queue, without hiding them
     * or counting a delivery; their {@link QueueMessage#receipt()} is null.
     *
     * @param maxMessages 1 to {@value #MAX_BATCH}
     */
    @Override
    public List<QueueMessage> peek(int maxMessages) {
        checkBatch(maxMessages);
        try {
            List<QueueMessage> peeked = new ArrayList<>();
            for (PeekedMessageItem item : poison.peekMessages(maxMessages, null, Context.NONE)) {
                peeked.add(new QueueMessage(item.getMessageId(), AzureQueueProvider.text(item.getBody()),
                        item.getDequeueCount(), AzureQueueProvider.instant(item.getInsertionTime()), null));
            }
            return peeked;
        } catch (RuntimeException e) {
            throw translate("peeking at", poison, e);
        }
    }

    /**
     * Receives up to {@code maxMessages} messages and hides them for {@code visibilityTimeout}, so
     * the caller may {@link #requeue}, {@link #delete} or {@link #release} each. A scan of the whole
     * queue receives batch after batch until one comes back empty: hidden messages are not
     * received again while hidden.
     *
     * @param maxMessages 1 to {@value #MAX_BATCH}
     * @param visibilityTimeout 1 second to 7 days
     */
    @Override
    public List<QueueMessage> receive(int maxMessages, Duration visibilityTimeout) {
        checkBatch(maxMessages);
        Objects.requireNonNull(visibilityTimeout, "'visibilityTimeout' cannot be null.");
        if (visibilityTimeout.compareTo(Duration.ofSeconds(1)) < 0 || visibilityTimeout.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("'visibilityTimeout' must be between 1 second and 7 days, was "
                    + visibilityTimeout);
        }
        try {
            List<QueueMessage> received = new ArrayList<>();
            for (QueueMessageItem item : poison.receiveMessages(maxMessages, visibilityTimeout, null, Context.NONE)) {
                received.add(new QueueMessage(item.getMessageId(), AzureQueueProvider.text(item.getBody()),
                        item.getDequeueCount(), AzureQueueProvider.instant(item.getInsertionTime()),
                        new Receipt(item.getMessageId(), item.getPopReceipt(),
                                AzureQueueProvider.instant(item.getTimeNextVisible()))));
            }
            return received;
        } catch (RuntimeException e) {
            throw translate("receiving from", poison, e);
        }
    }

    /** Deletes a received poison message. */
    @Override
    public void delete(Receipt receipt) {
        Objects.requireNonNull(receipt, "'receipt' cannot be null.");
        try {
            poison.deleteMessage(receipt.messageId(), receipt.popReceipt());
        } catch (RuntimeException e) {
            throw translate("deleting a message from", poison, e);
        }
    }

    /** Makes a received poison message visible again at once, unchanged. */
    @Override
    public Receipt release(Receipt receipt) {
        Objects.requireNonNull(receipt, "'receipt' cannot be null.");
        try {
            UpdateMessageResult result = poison.updateMessage(receipt.messageId(), receipt.popReceipt(), null,
                    Duration.ZERO);
            return new Receipt(receipt.messageId(), result.getPopReceipt(),
                    AzureQueueProvider.instant(result.getTimeNextVisible()));
        } catch (RuntimeException e) {
            throw translate("updating a message on", poison, e);
        }
    }

    /**
     * Puts {@code originalBody} on the task queue as a new message (so its dequeue count starts
     * again), exactly as given, then deletes the poison message. Sent first, deleted second: a
     * failure in between leaves the message on both queues, never on neither.
     *
     * @param receipt the poison message's receipt, from {@link #receive}
     * @param originalBody the body to replay, normally the envelope's {@code requeueBody()}
     * @return the new task message's id
     */
    @Override
    public String requeue(Receipt receipt, String originalBody) {
        Objects.requireNonNull(receipt, "'receipt' cannot be null.");
        Objects.requireNonNull(originalBody, "'originalBody' cannot be null.");
        String messageId;
        try {
            messageId = tasks.sendMessageWithResponse(originalBody, null, null, null, Context.NONE).getValue()
                    .getMessageId();
        } catch (RuntimeException e) {
            throw translate("sending to", tasks, e);
        }
        delete(receipt);
        return messageId;
    }

    /** Deletes every message on the poison queue. */
    @Override
    public void clear() {
        try {
            poison.clearMessages();
        } catch (RuntimeException e) {
            throw translate("clearing", poison, e);
        }
    }

    private static RuntimeException translate(String action, QueueClient queue, RuntimeException e) {
        return AzureQueueProvider.translate(action, queue, e, false);
    }

    private static void checkBatch(int maxMessages) {
        if (maxMessages < 1 || maxMessages > MAX_BATCH) {
            throw new IllegalArgumentException("'maxMessages' must be between 1 and " + MAX_BATCH + ", was "
                    + maxMessages);
        }
    }

    @Override
    public String toString() {
        String url = poison.getQueueUrl();
        int query = url.indexOf('?');
        return "AzurePoisonQueue[" + (query < 0 ? url : url.substring(0, query)) + "]";
    }
}
