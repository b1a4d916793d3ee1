package dev.queueworker.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.QueueMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private final MessageCodec codec = new MessageCodec(64 * 1024);

    @Test
    void decodesPlainJson() {
        MessageCodec.Decoded d = codec.decode(message("{\"task_id\":\"t1\",\"task_type\":\"ingest\","
                + "\"payload\":{\"filename\":\"a.pdf\"},\"webhook_url\":\"https://app.example/hook\"}"));
        assertThat(d.taskId()).isEqualTo("t1");
        assertThat(d.taskType()).isEqualTo("ingest");
        assertThat(d.payload().get("filename").asText()).isEqualTo("a.pdf");
        assertThat(d.webhookUrl()).isEqualTo("https://app.example/hook");
        assertThat(d.base64()).isFalse();
    }

    @Test
    void decodesBase64JsonAndFallsBackToTheMessageIdAndAnEmptyPayload() {
        String json = "{\"task_type\":\"summarize\"}";
        MessageCodec.Decoded d = codec.decode(message(Base64.getEncoder()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8))));
        assertThat(d.base64()).isTrue();
        assertThat(d.taskId()).isEqualTo("msg-1");
        assertThat(d.payload().isEmpty()).isTrue();
        assertThat(d.webhookUrl()).isNull();
    }

    @Test
    void leadingWhitespaceStillMeansJson() {
        assertThat(codec.decode(message("  \n{\"task_type\":\"x\"}")).base64()).isFalse();
    }

    @Test
    void bodiesOverTheLimitAreRefusedByTheirUtf8Size() {
        String multiByte = "é".repeat(40_000); // 80,000 bytes in UTF-8 but 40,000 chars
        assertThatThrownBy(() -> codec.decode(message("{\"task_type\":\"x\",\"payload\":{\"t\":\"" + multiByte + "\"}}")))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("over the limit of 65536 bytes");
    }

    @Test
    void keepsWhatItCouldReadOfABadMessage() {
        InvalidMessageException e = (InvalidMessageException) catchThrowable(
                "{\"task_id\":\"t9\",\"task_type\":\"x\",\"payload\":7,\"webhook_url\":\"https://a.example/h\"}");
        assertThat(e.field()).isEqualTo("payload");
        assertThat(e.partial().taskId()).isEqualTo("t9");
        assertThat(e.partial().taskType()).isEqualTo("x");
        assertThat(e.partial().webhookUrl()).isEqualTo("https://a.example/h");
    }

    @Test
    void aBadWebhookUrlIsNamedAndNotUsed() {
        InvalidMessageException e = (InvalidMessageException) catchThrowable(
                "{\"task_id\":\"t9\",\"task_type\":\"x\",\"webhook_url\":\"javascript:alert(1)\"}");
        assertThat(e.field()).isEqualTo("webhook_url");
        assertThat(e.partial().webhookUrl()).isNull();
        assertThat(e.partial().taskId()).isEqualTo("t9");
    }

    @Test
    void errorMessagesNeverQuoteTheBody() {
        Throwable e = catchThrowable("{\"task_type\": \"x\", \"secret\": \"hunter2\" ");
        assertThat(e.getMessage()).doesNotContain("hunter2").startsWith("body: is not valid JSON");
    }

    @Test
    void theTaskTypeCheckAgreesWithItsPattern() {
        for (String type : new String[] {"ingest", "a", "x.y_z-1", "9lives", "", "-x", ".x", "Ingest", "a b",
                "a/b", "x".repeat(64), "x".repeat(65), "é"}) {
            assertThat(MessageCodec.isTaskType(type)).as(type).isEqualTo(MessageCodec.TASK_TYPE.matcher(type).matches());
        }
    }

    @Test
    void checksWebhookUrls() {
        assertThat(MessageCodec.checkWebhookUrl("https://app.example/notify")).isNull();
        assertThat(MessageCodec.checkWebhookUrl("http://127.0.0.1:8080/x")).isNull();
        assertThat(MessageCodec.checkWebhookUrl("file:///etc/passwd")).contains("http");
        assertThat(MessageCodec.checkWebhookUrl("https:///nohost")).isNotNull();
        assertThat(MessageCodec.checkWebhookUrl("not a url")).isNotNull();
    }

    private Throwable catchThrowable(String body) {
        try {
            codec.decode(message(body));
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected a failure for " + body);
    }

    private static QueueMessage message(String body) {
        return new QueueMessage("msg-1", body, 1, Instant.EPOCH, null);
    }
}
