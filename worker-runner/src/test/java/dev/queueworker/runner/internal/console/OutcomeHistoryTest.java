package dev.queueworker.runner.internal.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutcomeHistoryTest {

    @TempDir
    Path dir;

    static OutcomeHistory.Outcome outcome(int i, String status) {
        return new OutcomeHistory.Outcome("2026-12-04T23:00:00Z", "task-" + i, i % 2 == 0 ? "ingest" : "summarize",
                status, 100 + i, 1, "file-" + i + ".pdf", status.equals("completed") ? i + " chunks" : null,
                status.equals("completed") ? null : "Boom: broken " + i);
    }

    @Test
    void aRestartKeepsTheLastOutcomesAndTheFileStaysBounded() throws IOException {
        try (OutcomeHistory history = new OutcomeHistory(dir, 100)) {
            for (int i = 0; i < 450; i++) {
                history.record(outcome(i, i % 10 == 0 ? "poisoned" : "completed"));
            }
            assertThat(history.size()).isEqualTo(100);
        }
        assertThat(Files.readAllLines(dir.resolve(OutcomeHistory.FILE_NAME)).size()).isLessThan(200);
        Files.writeString(dir.resolve(OutcomeHistory.FILE_NAME), "{\"at\":\"cut sho", java.nio.file.StandardOpenOption.APPEND);

        try (OutcomeHistory restarted = new OutcomeHistory(dir, 100)) {
            assertThat(restarted.size()).isEqualTo(100);
            JsonNode newest = restarted.query(null, null, null, 1).path("outcomes").get(0);
            assertThat(newest.path("taskId").asText()).isEqualTo("task-449");
            assertThat(newest.path("durationMs").asLong()).isEqualTo(549);
        }
    }

    @Test
    void filtersByStatusTypeAndTextNewestFirst() {
        try (OutcomeHistory history = new OutcomeHistory(null, 1000)) {
            for (int i = 0; i < 50; i++) {
                history.record(outcome(i, i % 10 == 0 ? "poisoned" : "completed"));
            }
            JsonNode poisoned = history.query("poisoned", null, null, 100).path("outcomes");
            assertThat(poisoned).hasSize(5);
            assertThat(poisoned.get(0).path("taskId").asText()).isEqualTo("task-40");
            assertThat(history.query(null, "summarize", null, 100).path("outcomes")).hasSize(25);
            assertThat(history.query(null, null, "BROKEN 2", 100).path("outcomes")).hasSize(1);
            assertThat(history.query("completed", "ingest", "file-4", 100).path("outcomes"))
                    .extracting(n -> n.path("taskId").asText()).containsExactly("task-48", "task-46", "task-44", "task-42", "task-4");
            assertThat(history.query(null, null, null, 3).path("kept").asInt()).isEqualTo(50);
        }
    }
}
