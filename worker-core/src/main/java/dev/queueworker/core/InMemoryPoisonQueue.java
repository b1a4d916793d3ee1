package dev.queueworker.core;

import dev.queueworker.api.PoisonQueue;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.Receipt;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The poison queue of an {@link InMemoryQueueProvider}: its own in-memory queue, with the same
 * receipts and visibility rules as the task queue; {@link #requeue} sends to the provider's task queue.
 */
final class InMemoryPoisonQueue implements PoisonQueue {

    private final InMemoryQueueProvider store;
    private final InMemoryQueueProvider tasks;

    InMemoryPoisonQueue(InMemoryQueueProvider store, InMemoryQueueProvider tasks) {
        this.store = store;
        this.tasks = tasks;
    }

    @Override
    public String name() {
        return "mock-tasks-poison";
    }

    @Override
    public String taskQueueName() {
        return "mock-tasks";
    }

    @Override
    public long approximateDepth() {
        return store.approximateDepth();
    }

    @Override
    public List<QueueMessage> peek(int maxMessages) {
        return store.peek(maxMessages);
    }

    @Override
    public List<QueueMessage> receive(int maxMessages, Duration visibilityTimeout) {
        Objects.requireNonNull(visibilityTimeout, "'visibilityTimeout' cannot be null.");
        if (visibilityTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("'visibilityTimeout' must be between 1 second and 7 days, was "
                    + visibilityTimeout);
        }
        return store.receive(maxMessages, visibilityTimeout);
    }

    @Override
    public Receipt release(Receipt receipt) {
        return store.extendVisibility(receipt, Duration.ZERO);
    }

    @Override
    public void delete(Receipt receipt) {
        store.delete(receipt);
    }

    @Override
    public String requeue(Receipt receipt, String taskBody) {
        Objects.requireNonNull(receipt, "'receipt' cannot be null.");
        Objects.requireNonNull(taskBody, "'taskBody' cannot be null.");
        // As on Azure: sent first, deleted second.
        String id = tasks.send(taskBody, Duration.ZERO);
        store.delete(receipt);
        return id;
    }

    @Override
    public void clear() {
        store.clear();
    }

    /** Puts an envelope on the poison queue; the provider holds its own lock while doing so. */
    void add(String envelope) {
        store.send(envelope, Duration.ZERO);
    }

    List<String> bodies() {
        return store.bodies();
    }

    @Override
    public String toString() {
        return "InMemoryPoisonQueue[" + store.approximateDepth() + " messages]";
    }
}
