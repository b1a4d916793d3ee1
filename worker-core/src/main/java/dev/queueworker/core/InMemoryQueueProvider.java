package dev.queueworker.core;

import dev.queueworker.api.LeaseLostException;
import dev.queueworker.api.PoisonQueue;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.Receipt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code mock} {@link QueueProvider}: a task queue and its poison queue in memory, with the
 * semantics of Azure Storage Queue, on an injected {@link Clock}.
 *
 * <p>A received message is hidden until its visibility timeout lapses; every receive and every
 * update gives it a new pop receipt and only the newest one is accepted. As on Azure, an update
 * with the newest receipt still succeeds after the timeout lapsed, as long as nobody received the
 * message since. Visible messages are handed out in the order in which they became visible (ties
 * in the order they were sent).
 *
 * <p>Differences from Azure: bodies are not limited to 64 KiB (the engine enforces that limit
 * itself), any characters are accepted, a visibility timeout of zero is accepted by
 * {@code receive}, and order is strictly FIFO where Azure only tries to be.
 *
 * <p>Every operation is O(log n) in the number of messages, so benchmarks can push hundreds of
 * thousands of tasks through it. <b>Thread safety:</b> safe for concurrent use; one lock guards
 * the state.
 *
 * <pre>{@code
 * ManualScheduler time = new ManualScheduler();
 * InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());
 * queue.send("{\"task_type\":\"ingest\",\"payload\":{}}", Duration.ZERO);
 * QueueMessage m = queue.receive(1, Duration.ofSeconds(30)).get(0);
 * time.advance(Duration.ofSeconds(31));          // the lease lapses
 * queue.receive(1, Duration.ofSeconds(30));       // the same message, dequeue count 2
 * }</pre>
 */
public final class InMemoryQueueProvider implements QueueProvider {

    /** The most messages one receive or peek returns, as on Azure. */
    public static final int MAX_MESSAGES = 32;

    /** The longest visibility timeout or delay, as on Azure. */
    public static final Duration MAX_VISIBILITY = Duration.ofDays(7);

    private static final Comparator<Entry> BY_VISIBLE_AT =
            Comparator.comparing(Entry::visibleAt).thenComparingLong(e -> e.message.sequence);

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Message> messages = new HashMap<>();
    /** Visible messages, oldest-visible first; entries whose version is stale are skipped. */
    private final ArrayDeque<Entry> ready = new ArrayDeque<>();
    /** Hidden messages by the time they become visible; entries whose version is stale are skipped. */
    private final PriorityQueue<Entry> hidden = new PriorityQueue<>(BY_VISIBLE_AT);
    /** Null for the provider that is itself a poison queue's store. */
    private final InMemoryPoisonQueue poison;
    private final AtomicLong receiveCalls = new AtomicLong();
    private long nextSequence;

    /** A provider on the system clock in UTC. */
    public InMemoryQueueProvider() {
        this(Clock.systemUTC());
    }

    /** A provider on {@code clock}; pass a {@link ManualScheduler#clock()} to control time in tests. */
    public InMemoryQueueProvider(Clock clock) {
        this(clock, true);
    }

    private InMemoryQueueProvider(Clock clock, boolean withPoisonQueue) {
        this.clock = Objects.requireNonNull(clock, "'clock' cannot be null.");
        this.poison = withPoisonQueue ? new InMemoryPoisonQueue(new InMemoryQueueProvider(clock, false), this) : null;
    }

    @Override
    public List<QueueMessage> receive(int maxMessages, Duration visibilityTimeout) {
        checkMaxMessages(maxMessages);
        checkDuration(visibilityTimeout, "visibilityTimeout");
        receiveCalls.incrementAndGet();
        lock.lock();
        try {
            Instant now = clock.instant();
            promoteDue(now);
            List<QueueMessage> received = new ArrayList<>(Math.min(maxMessages, ready.size()));
            while (received.size() < maxMessages) {
                Entry entry = ready.pollFirst();
                if (entry == null) {
                    break;
                }
                if (entry.isStale()) {
                    continue;
                }
                Message message = entry.message;
                message.dequeueCount++;
                Receipt receipt = hide(message, now.plus(visibilityTimeout));
                received.add(new QueueMessage(message.id, message.body, message.dequeueCount, message.insertedAt,
                        receipt));
            }
            compactIfNeeded();
            return received;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Receipt extendVisibility(Receipt receipt, Duration visibilityTimeout) {
        Objects.requireNonNull(receipt, "'receipt' cannot be null.");
        checkDuration(visibilityTimeout, "visibilityTimeout");
        lock.lock();
        try {
            Message message = leased(receipt);
            return hide(message, clock.instant().plus(visibilityTimeout));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(Receipt receipt, Duration delay) {
        Objects.requireNonNull(receipt, "'receipt' cannot be null.");
        checkDuration(delay, "delay");
        lock.lock();
        try {
            Message message = leased(receipt);
            // A new receipt nobody knows: like an Azure update, the one passed in is stale from now on.
            hide(message, clock.instant().plus(delay));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(Receipt receipt) {
        Objects.requireNonNull(receipt, "'receipt' cannot be null.");
        lock.lock();
        try {
            remove(leased(receipt));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String send(String body, Duration initialDelay) {
        Objects.requireNonNull(body, "'body' cannot be null.");
        checkDuration(initialDelay, "initialDelay");
        lock.lock();
        try {
            Instant now = clock.instant();
            Message message = new Message(UUID.randomUUID().toString(), body, now, nextSequence++);
            messages.put(message.id, message);
            Instant visibleAt = now.plus(initialDelay);
            message.visibleAt = visibleAt;
            Entry entry = new Entry(message, message.version);
            Entry firstHidden = hidden.peek();
            if (!visibleAt.isAfter(now) && (firstHidden == null || firstHidden.visibleAt.isAfter(now))) {
                // Nothing hidden is due before it, so the tail of the ready deque keeps FIFO order.
                ready.addLast(entry);
            } else {
                hidden.add(entry);
            }
            return message.id;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void moveToPoison(Receipt receipt, String poisonBody) {
        Objects.requireNonNull(receipt, "'receipt' cannot be null.");
        Objects.requireNonNull(poisonBody, "'poisonBody' cannot be null.");
        lock.lock();
        try {
            Message message = leased(receipt);
            poison().add(poisonBody);
            remove(message);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The poison queue: an in-memory queue of its own, with receipts and visibility as here. Like
     * Azure's, its receive refuses a visibility timeout under a second.
     */
    @Override
    public PoisonQueue poisonQueue() {
        return poison();
    }

    private InMemoryPoisonQueue poison() {
        if (poison == null) {
            throw new UnsupportedOperationException("a poison queue has no poison queue");
        }
        return poison;
    }

    @Override
    public long approximateDepth() {
        lock.lock();
        try {
            return messages.size();
        } finally {
            lock.unlock();
        }
    }

    /** Up to {@code maxMessages} visible messages, oldest-visible first, without hiding them. */
    List<QueueMessage> peek(int maxMessages) {
        checkMaxMessages(maxMessages);
        lock.lock();
        try {
            promoteDue(clock.instant());
            List<QueueMessage> peeked = new ArrayList<>(Math.min(maxMessages, ready.size()));
            Iterator<Entry> it = ready.iterator();
            while (it.hasNext() && peeked.size() < maxMessages) {
                Entry entry = it.next();
                if (!entry.isStale()) {
                    Message m = entry.message;
                    peeked.add(new QueueMessage(m.id, m.body, m.dequeueCount, m.insertedAt, null));
                }
            }
            return peeked;
        } finally {
            lock.unlock();
        }
    }

    /** Deletes every message. */
    void clear() {
        lock.lock();
        try {
            for (Message message : new ArrayList<>(messages.values())) {
                remove(message);
            }
            ready.clear();
            hidden.clear();
        } finally {
            lock.unlock();
        }
    }

    /** How many times {@link #receive} has been called, empty receives included. */
    public long receiveCalls() {
        return receiveCalls.get();
    }

    /** The bodies of all messages on the poison queue, visible or not, oldest first. */
    public List<String> poisonBodies() {
        return poison().bodies();
    }

    /** The bodies of all messages, visible or not, in the order they were sent. */
    List<String> bodies() {
        lock.lock();
        try {
            return messages.values().stream().sorted(Comparator.comparingLong(m -> m.sequence)).map(m -> m.body)
                    .toList();
        } finally {
            lock.unlock();
        }
    }

    /** The clock this provider reads. */
    public Clock clock() {
        return clock;
    }

    // --- internals; all called with the lock held ---

    private Receipt hide(Message message, Instant visibleAt) {
        message.version++;
        message.popReceipt = UUID.randomUUID().toString();
        message.visibleAt = visibleAt;
        hidden.add(new Entry(message, message.version));
        return new Receipt(message.id, message.popReceipt, visibleAt);
    }

    private void promoteDue(Instant now) {
        Entry next;
        while ((next = hidden.peek()) != null && !next.visibleAt.isAfter(now)) {
            hidden.poll();
            if (!next.isStale()) {
                ready.addLast(next);
            }
        }
    }

    private Message leased(Receipt receipt) {
        Message message = messages.get(receipt.messageId());
        if (message == null) {
            throw new LeaseLostException("message " + receipt.messageId() + " not found: it was deleted",
                    null, 0, "MessageNotFound");
        }
        if (!receipt.popReceipt().equals(message.popReceipt)) {
            throw new LeaseLostException("pop receipt mismatch for message " + receipt.messageId()
                    + ": it was updated or received again since this receipt was issued", null, 0,
                    "PopReceiptMismatch");
        }
        return message;
    }

    private void remove(Message message) {
        message.version++;
        message.removed = true;
        messages.remove(message.id);
    }

    /**
     * Stale entries are dropped lazily when they come due; a long visibility timeout followed by a
     * delete could keep many around, so rebuild when they outnumber live messages.
     */
    private void compactIfNeeded() {
        int entries = hidden.size() + ready.size();
        if (entries <= 2 * messages.size() + 1024) {
            return;
        }
        hidden.removeIf(Entry::isStale);
        ready.removeIf(Entry::isStale);
    }

    private static void checkMaxMessages(int maxMessages) {
        if (maxMessages < 1 || maxMessages > MAX_MESSAGES) {
            throw new IllegalArgumentException(
                    "'maxMessages' must be between 1 and " + MAX_MESSAGES + ", was " + maxMessages);
        }
    }

    private static void checkDuration(Duration duration, String name) {
        Objects.requireNonNull(duration, "'" + name + "' cannot be null.");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("'" + name + "' must not be negative, was " + duration);
        }
        if (duration.compareTo(MAX_VISIBILITY) > 0) {
            throw new IllegalArgumentException("'" + name + "' must be at most 7 days, was " + duration);
        }
    }

    private static final class Message {
        final String id;
        final String body;
        final Instant insertedAt;
        final long sequence;
        long dequeueCount;
        String popReceipt;
        Instant visibleAt;
        long version;
        boolean removed;

        Message(String id, String body, Instant insertedAt, long sequence) {
            this.id = id;
            this.body = body;
            this.insertedAt = insertedAt;
            this.sequence = sequence;
        }
    }

    /** A message's place in the ready deque or the hidden heap, valid while its version is current. */
    private static final class Entry {
        final Message message;
        final long version;
        final Instant visibleAt;

        Entry(Message message, long version) {
            this.message = message;
            this.version = version;
            this.visibleAt = message.visibleAt;
        }

        Instant visibleAt() {
            return visibleAt;
        }

        boolean isStale() {
            return message.removed || message.version != version;
        }
    }
}
