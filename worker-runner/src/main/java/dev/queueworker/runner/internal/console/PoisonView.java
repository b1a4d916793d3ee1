package dev.queueworker.runner.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.LeaseLostException;
import dev.queueworker.api.PoisonQueue;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.core.PoisonMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The poison page over the {@link PoisonQueue} SPI: a scan receives the queue batch by batch (each
 * message hidden for {@link #SCAN_LEASE} while the scan runs), acts on what matches, and releases
 * the rest at the end, so a list or an action sees every message, not only the first 32. Scans are
 * serialized: two at once would hide messages from each other. A provider without operator access
 * ({@code poisonQueue()} unsupported) gets a peek of the front, read-only.
 */
final class PoisonView {

    static final int MAX_SCAN = 5_000;
    static final Duration SCAN_LEASE = Duration.ofMinutes(2);

    /** What a scan does with each matching message. */
    enum Action { LIST, REQUEUE, DELETE }

    private final QueueProvider queue;
    private final PoisonQueue poison;

    PoisonView(QueueProvider queue) {
        this.queue = queue;
        PoisonQueue p;
        try {
            p = queue.poisonQueue();
        } catch (UnsupportedOperationException e) {
            p = null;
        }
        this.poison = p;
    }

    boolean actionsSupported() {
        return poison != null;
    }

    long depth() {
        return poison != null ? poison.approximateDepth() : queue.approximatePoisonDepth();
    }

    /** The messages matching {@code text} (all when blank), with their envelopes' fields, up to {@code limit}. */
    ObjectNode list(String text, int limit) {
        ObjectNode root = HttpAnswers.JSON.createObjectNode();
        root.put("actions", actionsSupported());
        root.put("depth", depth());
        ArrayNode items = root.putArray("messages");
        if (poison == null) {
            for (QueueMessage m : queue.peekPoison(32)) {
                if (matches(m, text) && items.size() < limit) {
                    items.add(item(m));
                }
            }
            root.put("scanned", items.size());
            return root;
        }
        List<QueueMessage> matched = new ArrayList<>();
        int scanned = scan(m -> matches(m, text), Action.LIST, matched);
        matched.stream().limit(limit).forEach(m -> items.add(item(m)));
        root.put("scanned", scanned);
        root.put("matched", matched.size());
        return root;
    }

    /** Requeues or deletes the messages with {@code messageId}; how many. */
    int actOnOne(Action action, String messageId) {
        return actOn(action, m -> m.messageId().equals(messageId));
    }

    /** Requeues or deletes every message matching {@code text} (all when blank); how many. */
    int actOnMatching(Action action, String text) {
        return actOn(action, m -> matches(m, text));
    }

    private int actOn(Action action, Predicate<QueueMessage> which) {
        if (poison == null) {
            throw new UnsupportedOperationException("this queue provider offers no poison actions");
        }
        List<QueueMessage> done = new ArrayList<>();
        scan(which, action, done);
        return done.size();
    }

    /**
     * Receives the whole queue (up to {@link #MAX_SCAN}), does {@code action} to each match and adds it
     * to {@code matched}, then releases what is left hidden. Returns how many were scanned.
     */
    private synchronized int scan(Predicate<QueueMessage> which, Action action, List<QueueMessage> matched) {
        List<QueueMessage> held = new ArrayList<>();
        int scanned = 0;
        try {
            while (scanned < MAX_SCAN) {
                List<QueueMessage> batch = poison.receive(PoisonQueue.MAX_BATCH, SCAN_LEASE);
                if (batch.isEmpty()) {
                    break;
                }
                for (QueueMessage m : batch) {
                    scanned++;
                    if (!which.test(m)) {
                        held.add(m);
                        continue;
                    }
                    switch (action) {
                        case LIST -> {
                            held.add(m);
                            matched.add(m);
                        }
                        case DELETE -> {
                            poison.delete(m.receipt());
                            matched.add(m);
                        }
                        case REQUEUE -> {
                            String body = requeueBody(m.body());
                            if (body == null) {
                                held.add(m); // not an envelope, or cut: nothing whole to replay
                            } else {
                                poison.requeue(m.receipt(), body);
                                matched.add(m);
                            }
                        }
                    }
                }
            }
        } finally {
            for (QueueMessage m : held) {
                try {
                    poison.release(m.receipt());
                } catch (LeaseLostException | dev.queueworker.api.RetryableException e) {
                    // It becomes visible again when the scan's lease lapses.
                }
            }
        }
        return scanned;
    }

    /**
     * The task message to replay ({@link PoisonMessage#requeueBody()}); null when the body is not an envelope
     * or its original was cut to fit the poison queue, so there is nothing whole to replay.
     */
    static String requeueBody(String stored) {
        try {
            return PoisonMessage.parse(stored).requeueBody();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return null;
        }
    }

    static boolean matches(QueueMessage m, String text) {
        if (text == null || text.isBlank()) {
            return true;
        }
        String needle = text.strip().toLowerCase(Locale.ROOT);
        return m.body().toLowerCase(Locale.ROOT).contains(needle)
                || m.messageId().toLowerCase(Locale.ROOT).contains(needle);
    }

    private static ObjectNode item(QueueMessage m) {
        ObjectNode n = HttpAnswers.JSON.createObjectNode();
        n.put("messageId", m.messageId());
        n.put("insertedAt", m.insertedAt() == null ? null : m.insertedAt().toString());
        try {
            PoisonMessage p = PoisonMessage.parse(m.body());
            n.put("envelope", true);
            n.put("taskId", p.taskId());
            n.put("taskType", p.taskType());
            n.put("reason", p.reason());
            n.put("errorType", p.errorType());
            n.put("attempts", p.attempts());
            n.put("failedAt", p.failedAt().toString());
            n.put("body", p.originalBody());
        } catch (IllegalArgumentException e) {
            n.put("envelope", false);
            n.put("reason", "not a poison envelope: " + e.getMessage());
            n.put("body", m.body());
        }
        return n;
    }
}
