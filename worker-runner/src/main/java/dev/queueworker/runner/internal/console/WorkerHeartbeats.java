package dev.queueworker.runner.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Workers page: every worker serving this client's queue writes a heartbeat record (host,
 * version, started, concurrency, in flight, last seen) every {@link #INTERVAL} to the storage the
 * workers already share ({@link HeartbeatStore}), and deletes it when it stops. The page lists the
 * records seen within {@link #STALE_AFTER} (three heartbeats), so a worker that died disappears
 * within three heartbeats too. Called from the console's one scheduler thread.
 */
final class WorkerHeartbeats {

    static final Duration INTERVAL = Duration.ofSeconds(15);
    static final Duration STALE_AFTER = INTERVAL.multipliedBy(3);
    private static final Logger log = LoggerFactory.getLogger(WorkerHeartbeats.class);

    private final HeartbeatStore store;
    private final Clock clock;
    private final ObjectNode self;
    private final IntSupplier inFlight;
    private volatile boolean failing;

    WorkerHeartbeats(HeartbeatStore store, Clock clock, ObjectNode self, IntSupplier inFlight) {
        this.store = store;
        this.clock = clock;
        this.self = self;
        this.inFlight = inFlight;
    }

    String workerId() {
        return self.path("workerId").asText();
    }

    String storeDescription() {
        return store.description();
    }

    /** Writes this worker's record; a storage failure is logged once per run of failures, never thrown. */
    void beat() {
        ObjectNode record = self.deepCopy();
        record.put("inFlight", inFlight.getAsInt());
        record.put("lastSeen", clock.instant().toString());
        try {
            store.put(workerId(), record.toString());
            if (failing) {
                log.info("Console: worker heartbeats are written again to {}", store.description());
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("Console: the worker heartbeat cannot be written to {}: {}", store.description(),
                        e.getClass().getSimpleName());
                failing = true;
            }
        }
    }

    /** The live workers, newest heartbeat first; this worker always (its own record is current). */
    ArrayNode toJson() {
        ArrayNode list = HttpAnswers.JSON.createArrayNode();
        Instant oldest = clock.instant().minus(STALE_AFTER);
        List<JsonNode> live = new ArrayList<>();
        boolean sawSelf = false;
        try {
            for (String json : store.list()) {
                try {
                    JsonNode n = HttpAnswers.JSON.readTree(json);
                    Instant seen = Instant.parse(n.path("lastSeen").asText());
                    if (n.path("workerId").asText().equals(workerId())) {
                        continue; // shown from memory below
                    }
                    if (!seen.isBefore(oldest)) {
                        live.add(n);
                    }
                } catch (java.io.IOException | java.time.DateTimeException e) {
                    // Not a heartbeat this version understands: skip it.
                }
            }
        } catch (RuntimeException e) {
            log.debug("Console: listing heartbeats failed", e);
        }
        ObjectNode me = self.deepCopy();
        me.put("inFlight", inFlight.getAsInt());
        me.put("lastSeen", clock.instant().toString());
        me.put("self", true);
        live.add(me);
        live.sort(Comparator.comparing((JsonNode n) -> n.path("startedAt").asText()));
        live.forEach(list::add);
        return list;
    }

    /** Deletes this worker's record, at shutdown. */
    void stop() {
        try {
            store.remove(workerId());
        } catch (RuntimeException e) {
            log.debug("Console: removing the heartbeat failed", e);
        }
    }
}
