package dev.queueworker.runner.internal.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.PoisonQueue;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.TaskMessage;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.runner.internal.cli.CommandFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The operations of {@code queue-worker poison} on {@code {CLIENT_ID}-tasks-poison}, through the
 * {@link PoisonQueue} SPI only: list, show, requeue and purge dead messages. Messages are JSON envelopes
 * ({@link PoisonMessage}); a message that is not one is shown as such and never requeued. A requeued
 * task keeps its task id ({@link PoisonMessage#requeueBody()}).
 *
 * <p>Finding a message beyond the first {@value PoisonQueue#MAX_BATCH} (all Azure lets one peek
 * at) scans the queue: each batch is received and hidden for {@link #SCAN_VISIBILITY}, so the next
 * receive returns the next batch, and every message not acted on is made visible again at the end.
 */
public final class PoisonAdmin {

    /** How long a scan hides the messages it has looked at; they reappear by themselves if the scan dies. */
    static final Duration SCAN_VISIBILITY = Duration.ofMinutes(2);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PoisonQueue queue;

    public PoisonAdmin(PoisonQueue queue) {
        this.queue = queue;
    }

    /**
     * One poison message: the queue's message, and its envelope or why it is not one.
     *
     * @param envelope null when the body is not a poison envelope
     * @param problem why the body is not an envelope, or null
     */
    public record Entry(QueueMessage message, PoisonMessage envelope, String problem) {

        static Entry of(QueueMessage message) {
            try {
                return new Entry(message, PoisonMessage.parse(message.body()), null);
            } catch (IllegalArgumentException e) {
                return new Entry(message, null, e.getMessage());
            }
        }

        /** Whether {@code id} is this message's queue id or its task id. */
        boolean matches(String id) {
            return message.messageId().equals(id) || envelope != null && id.equals(envelope.taskId());
        }

        /** Why this message cannot be requeued, or null when it can. */
        public String whyNotRequeueable() {
            return envelope == null ? "it is not a poison envelope (" + problem + ")" : envelope.whyNotRequeueable();
        }
    }

    /** The first messages and the queue's approximate depth. */
    public record Listing(List<Entry> entries, long approximateDepth, String queueName) {
    }

    /** A requeued message: the poison entry and the id of the new message on the task queue. */
    public record Requeued(Entry entry, String newMessageId) {
    }

    /** The outcome of {@link #requeueAll()}. */
    public record RequeueAll(List<Requeued> requeued, List<Entry> skipped) {
    }

    public String queueName() {
        return queue.name();
    }

    public String taskQueueName() {
        return queue.taskQueueName();
    }

    /** Up to the first {@value PoisonQueue#MAX_BATCH} messages, without hiding them. */
    public Listing list() {
        long depth = queue.approximateDepth();
        List<Entry> entries = queue.peek(PoisonQueue.MAX_BATCH).stream().map(Entry::of).toList();
        return new Listing(entries, Math.max(depth, entries.size()), queue.name());
    }

    /**
     * The messages whose queue id or task id is {@code id}: a peek first, then a scan of the whole
     * queue when the peek did not see every message.
     */
    public List<Entry> find(String id) {
        List<Entry> peeked = queue.peek(PoisonQueue.MAX_BATCH).stream().map(Entry::of).toList();
        List<Entry> found = peeked.stream().filter(e -> e.matches(id)).toList();
        if (!found.isEmpty() || peeked.size() < PoisonQueue.MAX_BATCH) {
            return found;
        }
        List<Entry> matches = new ArrayList<>();
        scan(entry -> {
            if (entry.matches(id)) {
                matches.add(entry);
            }
            return false;
        });
        return matches;
    }

    /**
     * Puts the original body of the message with queue id or task id {@code id} back on the task
     * queue as a new message (with its task id written in when it had none), then deletes the poison
     * message.
     *
     * @throws CommandFailedException when no message or several match, or the match cannot be requeued
     */
    public Requeued requeue(String id) {
        List<Entry> matches = new ArrayList<>();
        List<Entry> hidden = scanHidden(entry -> entry.matches(id), matches);
        try {
            if (matches.isEmpty()) {
                throw new CommandFailedException("no message on " + queue.name() + " has message id or task id " + id);
            }
            if (matches.size() > 1) {
                throw new CommandFailedException("task " + id + " has " + matches.size() + " messages on "
                        + queue.name() + " (message ids " + String.join(", ", matches.stream()
                                .map(m -> m.message().messageId()).toList()) + "): requeue one by its message id");
            }
            Entry entry = matches.get(0);
            String why = entry.whyNotRequeueable();
            if (why != null) {
                throw new CommandFailedException("message " + entry.message().messageId() + " cannot be requeued: "
                        + why);
            }
            String newId = queue.requeue(entry.message().receipt(), entry.envelope().requeueBody());
            matches.clear();
            return new Requeued(entry, newId);
        } finally {
            releaseAll(hidden);
            releaseAll(matches);
        }
    }

    /** Requeues every poison envelope on the queue; other messages are skipped and left in place. */
    public RequeueAll requeueAll() {
        List<Requeued> requeued = new ArrayList<>();
        List<Entry> skipped = new ArrayList<>();
        try {
            while (true) {
                List<QueueMessage> batch = queue.receive(PoisonQueue.MAX_BATCH, SCAN_VISIBILITY);
                if (batch.isEmpty()) {
                    break;
                }
                for (QueueMessage message : batch) {
                    Entry entry = Entry.of(message);
                    if (entry.whyNotRequeueable() != null) {
                        skipped.add(entry);
                    } else {
                        requeued.add(new Requeued(entry,
                                queue.requeue(message.receipt(), entry.envelope().requeueBody())));
                    }
                }
            }
        } finally {
            releaseAll(skipped);
        }
        return new RequeueAll(requeued, skipped);
    }

    /** Deletes every message; returns the approximate count before. */
    public long purge() {
        long depth = queue.approximateDepth();
        queue.clear();
        return depth;
    }

    /** Receives every message once; {@code stop} ends the scan early. Releases all it hid. */
    private void scan(Predicate<Entry> stop) {
        List<Entry> hidden = new ArrayList<>();
        try {
            while (true) {
                List<QueueMessage> batch = queue.receive(PoisonQueue.MAX_BATCH, SCAN_VISIBILITY);
                if (batch.isEmpty()) {
                    return;
                }
                for (QueueMessage message : batch) {
                    Entry entry = Entry.of(message);
                    hidden.add(entry);
                    if (stop.test(entry)) {
                        return;
                    }
                }
            }
        } finally {
            releaseAll(hidden);
        }
    }

    /** Receives every message once, keeping those {@code wanted} in {@code matches}; returns the others, still hidden. */
    private List<Entry> scanHidden(Predicate<Entry> wanted, List<Entry> matches) {
        List<Entry> others = new ArrayList<>();
        try {
            while (true) {
                List<QueueMessage> batch = queue.receive(PoisonQueue.MAX_BATCH, SCAN_VISIBILITY);
                if (batch.isEmpty()) {
                    return others;
                }
                for (QueueMessage message : batch) {
                    Entry entry = Entry.of(message);
                    (wanted.test(entry) ? matches : others).add(entry);
                }
            }
        } catch (RuntimeException e) {
            releaseAll(others);
            releaseAll(matches);
            throw e;
        }
    }

    private void releaseAll(List<Entry> entries) {
        for (Entry entry : entries) {
            if (entry.message().receipt() != null) {
                try {
                    queue.release(entry.message().receipt());
                } catch (RuntimeException e) {
                    // It reappears by itself when SCAN_VISIBILITY ends.
                }
            }
        }
    }

    /**
     * The original body as a person reads it: pretty JSON, decoded from Base64 first when it was
     * stored that way; otherwise as it is.
     */
    public static String readableBody(String body) {
        if (TaskMessage.Encoding.of(body) == TaskMessage.Encoding.BASE64) {
            try {
                String pretty = prettyJson(TaskMessage.jsonOf(body));
                if (pretty != null) {
                    return pretty + "\n(stored as Base64)";
                }
            } catch (InvalidTaskException e) {
                // not Base64 of JSON after all
            }
        }
        String pretty = prettyJson(body.strip());
        return pretty != null ? pretty : body;
    }

    /** {@code json} indented, or null when it is not a JSON object or array. */
    public static String prettyJson(String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || !node.isContainerNode()) {
                return null;
            }
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
