package dev.queueworker.runner.internal.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerHeartbeatsTest {

    static WorkerHeartbeats worker(HeartbeatStore store, LiveFiguresTest.MovableClock clock, String id, int inFlight) {
        ObjectNode self = HttpAnswers.JSON.createObjectNode().put("workerId", id).put("host", "host-" + id)
                .put("startedAt", clock.instant().toString());
        return new WorkerHeartbeats(store, clock, self, () -> inFlight);
    }

    @Test
    void listsTheWorkersSeenWithinThreeHeartbeatsAndDropsOneThatStopsOrDies() {
        HeartbeatStore shared = HeartbeatStore.inMemory();
        LiveFiguresTest.MovableClock clock = new LiveFiguresTest.MovableClock();
        WorkerHeartbeats a = worker(shared, clock, "a", 1);
        WorkerHeartbeats b = worker(shared, clock, "b", 3);
        WorkerHeartbeats c = worker(shared, clock, "c", 0);
        a.beat();
        b.beat();
        c.beat();
        assertThat(a.toJson()).extracting(n -> n.path("workerId").asText()).containsExactlyInAnyOrder("a", "b", "c");
        JsonNode seenB = a.toJson().findParents("workerId").stream()
                .filter(n -> n.path("workerId").asText().equals("b")).findFirst().orElseThrow();
        assertThat(seenB.path("inFlight").asInt()).isEqualTo(3);

        c.stop(); // a clean stop removes its record at once
        assertThat(a.toJson()).extracting(n -> n.path("workerId").asText()).containsExactlyInAnyOrder("a", "b");

        // b dies: no more heartbeats. Within three intervals it is still listed, after them it is not.
        clock.now = clock.now.plus(WorkerHeartbeats.STALE_AFTER.minus(Duration.ofSeconds(1)));
        assertThat(a.toJson()).hasSize(2);
        clock.now = clock.now.plus(Duration.ofSeconds(2));
        a.beat();
        assertThat(a.toJson()).extracting(n -> n.path("workerId").asText()).containsExactly("a");
        assertThat(a.toJson().get(0).path("self").asBoolean()).isTrue();
    }
}
