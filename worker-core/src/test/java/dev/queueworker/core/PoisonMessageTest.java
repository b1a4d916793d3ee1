package dev.queueworker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queueworker.api.TaskMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PoisonMessageTest {
    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    private static PoisonMessage envelope(String body, String taskId) {
        return new PoisonMessage(body, "task_type: unknown type 'nope'", "InvalidMessage", 1, taskId, "nope", "msg-1",
                "southhaven", AT);
    }

    @Test
    void roundTripsThroughJson() {
        PoisonMessage p = envelope("{\"task_type\":\"nope\"}", "msg-1");
        assertThat(PoisonMessage.parse(p.toJson())).isEqualTo(p);
        assertThat(p.toJson(1000)).isEqualTo(p.toJson());
        assertThat(p.whyNotRequeueable()).isNull();
    }

    @Test
    void anOversizedEnvelopeIsCutToFitAndSaysWhatWasCut() throws Exception {
        String original = "é\"\\" + "a".repeat(100_000);
        PoisonMessage p = envelope(original, "t");

        String fitted = p.toJson(64 * 1024);

        assertThat(fitted.length()).isLessThanOrEqualTo(64 * 1024);
        JsonNode node = new ObjectMapper().readTree(fitted);
        assertThat(node.get("reason").asText()).isEqualTo(p.reason());
        assertThat(node.get("original_body_truncated").asBoolean()).isTrue();
        byte[] bytes = original.getBytes(StandardCharsets.UTF_8);
        assertThat(node.get("original_body_bytes").asLong()).isEqualTo(bytes.length);
        assertThat(node.get("original_body_sha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(original).startsWith(node.get("original_body").asText());
        assertThat(node.get("original_body").asText().length()).isGreaterThan(60_000);

        PoisonMessage read = PoisonMessage.parse(fitted);
        assertThat(read.truncated()).isEqualTo(new PoisonMessage.Truncation(bytes.length,
                node.get("original_body_sha256").asText()));
        assertThat(read.whyNotRequeueable()).contains("cut to fit").contains(Long.toString(bytes.length));
        assertThatThrownBy(read::requeueBody).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void escapesThatGrowTheEnvelopeStillFit() {
        String quotes = "\"\u0001".repeat(30_000); // each pair becomes 8 characters of JSON
        String fitted = envelope(quotes, "t").toJson(10_000);
        assertThat(fitted.length()).isLessThanOrEqualTo(10_000);
        assertThat(PoisonMessage.parse(fitted).truncated()).isNotNull();
    }

    @Test
    void aRequeuedBodyWithoutATaskIdGetsTheIdItFailedUnder() {
        String plain = "{\"task_type\":\"nope\",\"payload\":{\"n\":1},\"extra\":true}";
        String requeued = envelope(plain, "msg-1").requeueBody();
        assertThat(requeued).isEqualTo("{\"task_id\":\"msg-1\",\"task_type\":\"nope\",\"payload\":{\"n\":1},\"extra\":true}");

        String base64 = TaskMessage.Encoding.BASE64.encode(plain);
        String requeued64 = envelope(base64, "msg-1").requeueBody();
        assertThat(TaskMessage.Encoding.of(requeued64)).isEqualTo(TaskMessage.Encoding.BASE64);
        assertThat(TaskMessage.parse(requeued64).taskId()).isEqualTo("msg-1");

        String nullId = "{\"task_id\":null,\"task_type\":\"nope\"}";
        assertThat(TaskMessage.parse(envelope(nullId, "msg-1").requeueBody()).taskId()).isEqualTo("msg-1");
    }

    @Test
    void bodiesWithTheirOwnIdOrThatAreNoTaskMessageAreReplayedUntouched() {
        String own = "{\"task_type\":\"nope\",\"task_id\":\"mine\"}";
        assertThat(envelope(own, "mine").requeueBody()).isSameAs(own);
        for (String body : new String[] {"not json", "[1,2]", "{\"a\":", ""}) {
            assertThat(envelope(body, "msg-1").requeueBody()).as(body).isSameAs(body);
        }
        assertThat(envelope("{\"task_type\":\"x\"}", null).requeueBody()).isEqualTo("{\"task_type\":\"x\"}");
    }

    @Test
    void parseNamesWhatIsWrong() {
        assertThatThrownBy(() -> PoisonMessage.parse("{\"reason\":\"r\"}"))
                .hasMessageContaining("'original_body'");
        assertThatThrownBy(() -> PoisonMessage.parse("nope")).hasMessage("poison message is not valid JSON");
    }
}
