package dev.queueworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskTest {
    @Test
    void payloadHelpersNameTheOffendingField() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("filename", "a.pdf").put("size", 3)
                .put("blank", " ").put("ctl", "a\tb");
        Task task = new Task("t", "ingest", payload, null, 1, Instant.EPOCH, "m");

        assertThat(task.requireString("filename")).isEqualTo("a.pdf");
        assertThat(task.optionalString("missing")).isEmpty();
        assertThatThrownBy(() -> task.requireString("missing")).isInstanceOf(InvalidTaskException.class)
                .hasMessage("payload.missing: is required");
        assertThatThrownBy(() -> task.requireString("size")).hasMessage("payload.size: must be a string, was number");
        assertThatThrownBy(() -> task.requireString("blank")).hasMessage("payload.blank: must not be blank");
        assertThatThrownBy(() -> task.requireString("ctl")).hasMessageContaining("control characters");
        assertThat(task.optionalLong("size")).hasValue(3);
        assertThat(task.optionalLong("missing")).isEmpty();
        assertThatThrownBy(() -> task.optionalLong("filename")).hasMessage("payload.filename: must be a whole number, was string");
        assertThat(((InvalidTaskException) catchIt(() -> task.requireString("size"))).field()).isEqualTo("payload.size");
    }

    @Test
    void aMissingPayloadIsEmptyAndAttemptsStartAtOne() {
        assertThat(new Task("t", "x", null, null, 1, Instant.EPOCH, "m").payload().isEmpty()).isTrue();
        assertThatThrownBy(() -> new Task("t", "x", null, null, 0, Instant.EPOCH, "m"))
                .hasMessageContaining("'attempt'");
    }

    @Test
    void documentNamesFollowOneRuleForEveryStore() {
        assertThat(DocumentStore.checkName("policies/2026/report.pdf")).isEqualTo("policies/2026/report.pdf");
        for (String bad : new String[] {"", "/etc/passwd", "../x", "a/../b", "a/./b", "a//b", "a/", "a\u0000b",
                "a\nb", "a\\b", "C:/x", "x".repeat(1025)}) {
            assertThatThrownBy(() -> DocumentStore.checkName(bad)).as(bad.length() > 20 ? "long name" : bad)
                    .isInstanceOf(InvalidDocumentNameException.class);
        }
        assertThatThrownBy(() -> DocumentStore.checkName("a\u0001b")).hasMessageContaining("\\u0001");
    }

    private static Throwable catchIt(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("no exception");
    }
}
