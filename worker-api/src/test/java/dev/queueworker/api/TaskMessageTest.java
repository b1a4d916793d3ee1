package dev.queueworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TaskMessageTest {

    @Test
    void writesAndReadsTheWireFormat() {
        TaskMessage message = TaskMessage.builder("ingest").taskId("t1").put("filename", "a.pdf")
                .put("document_set", "s").webhookUrl("https://app.example/hook").build();

        assertThat(message.toJson()).isEqualTo("{\"task_id\":\"t1\",\"task_type\":\"ingest\",\"payload\":"
                + "{\"filename\":\"a.pdf\",\"document_set\":\"s\"},\"webhook_url\":\"https://app.example/hook\"}");
        assertThat(TaskMessage.parse(message.toJson())).isEqualTo(message);
        assertThat(TaskMessage.parse(message.toBase64())).isEqualTo(message);
        assertThat(TaskMessage.Encoding.of(message.toBase64())).isEqualTo(TaskMessage.Encoding.BASE64);
        assertThat(TaskMessage.Encoding.of("  \n" + message.toJson())).isEqualTo(TaskMessage.Encoding.PLAIN);
    }

    @Test
    void optionalFieldsDefaultAsTheContractSays() {
        TaskMessage message = TaskMessage.parse("{\"task_id\": null, \"task_type\": \"ocr\", \"payload\": null}");
        assertThat(message.taskId()).isNull();
        assertThat(message.payload().isEmpty()).isTrue();
        assertThat(message.webhookUrl()).isNull();
        assertThat(message.toJson()).isEqualTo("{\"task_type\":\"ocr\",\"payload\":{}}");

        Task task = message.toTask("msg-1", 2, Instant.EPOCH, "https://default.example/h");
        assertThat(task.id()).isEqualTo("msg-1");
        assertThat(task.messageId()).isEqualTo("msg-1");
        assertThat(task.webhookUrl()).isEqualTo("https://default.example/h");
        assertThat(task.attempt()).isEqualTo(2);
    }

    @Test
    void everyFieldErrorNamesTheField() {
        assertProblem("{\"payload\": {}}", "task_type", "task_type: is required");
        assertProblem("{\"task_type\": 7}", "task_type", "task_type: must be a string, was number");
        assertProblem("{\"task_type\": \" \"}", "task_type", "task_type: must not be blank");
        assertProblem("{\"task_type\": \"Ingest\"}", "task_type", "task_type: must be 1 to 64 lowercase letters");
        assertProblem("{\"task_type\": \"x\", \"task_id\": 42}", "task_id", "task_id: must be a string, was number");
        assertProblem("{\"task_type\": \"x\", \"task_id\": \"a\\u0001b\"}", "task_id",
                "task_id: must not contain control characters");
        assertProblem("{\"task_type\": \"x\", \"task_id\": \"" + "t".repeat(257) + "\"}", "task_id",
                "task_id: must be at most 256 characters, was 257");
        assertProblem("{\"task_type\": \"x\", \"payload\": [1]}", "payload", "payload: must be a JSON object, was array");
        assertProblem("{\"task_type\": \"x\", \"webhook_url\": \"ftp://a.example/x\"}", "webhook_url",
                "webhook_url: must be an absolute http or https URL");
        assertProblem("{\"task_type\": \"x\", \"webhook_url\": \"https:///nohost\"}", "webhook_url", "webhook_url: ");
        assertProblem("[]", "body", "body: must be a JSON object, was array");
        assertThatThrownBy(() -> TaskMessage.builder("x").taskId(" ").build()).isInstanceOf(InvalidTaskException.class)
                .hasMessage("task_id: must not be blank");
    }

    @Test
    void keepsWhatItCouldReadOfABadMessage() {
        InvalidTaskMessageException e = parseFailure(
                "{\"task_id\":\"t9\",\"task_type\":\"x\",\"payload\":7,\"webhook_url\":\"https://a.example/h\"}");
        assertThat(e.field()).isEqualTo("payload");
        assertThat(e.taskId()).isEqualTo("t9");
        assertThat(e.taskType()).isEqualTo("x");
        assertThat(e.webhookUrl()).isEqualTo("https://a.example/h");
        assertThat(e.problem()).isEqualTo("must be a JSON object, was number");

        InvalidTaskMessageException badUrl = parseFailure(
                "{\"task_id\":\"t9\",\"task_type\":\"x\",\"webhook_url\":\"javascript:alert(1)\"}");
        assertThat(badUrl.field()).isEqualTo("webhook_url");
        assertThat(badUrl.webhookUrl()).isNull();
        assertThat(badUrl.taskId()).isEqualTo("t9");
    }

    @Test
    void bodyErrorsAreOursAndNeverQuoteTheBody() {
        String[] bodies = {"{\"task_type\": \"x\", \"secret\": \"hunter2\" ", "{\"task_type\": \"x\"} hunter2",
            "{\"a\": 1, \"a\": 2, \"hunter2\": 3}", "{hunter2}", "not json hunter2", "aHVudGVyMg", "aHVudGVyMg==",
            "   ", "{\"task_type\": \"x\", \"s\": \"a\u0001hunter2\"}"};
        for (String body : bodies) {
            InvalidTaskMessageException e = parseFailure(body);
            assertThat(e.field()).as(body).isEqualTo("body");
            assertThat(e.getMessage()).as(body).startsWith("body: ").doesNotContain("hunter2")
                    .doesNotContain("StreamReadFeature").doesNotContain("Illegal base64").doesNotContain("Source:")
                    .doesNotContain("REDACTED");
        }
        assertThat(parseFailure(bodies[0]).getMessage())
                .isEqualTo("body: is not valid JSON: it ends before the JSON is complete at line 1, column 40");
        assertThat(parseFailure(bodies[4]).getMessage())
                .isEqualTo("body: is neither JSON nor valid Base64: character 4 is not a Base64 character");
        assertThat(parseFailure("@").getMessage())
                .isEqualTo("body: is neither JSON nor valid Base64: character 1 is neither '{' nor a Base64 character");
        assertThat(parseFailure(bodies[2]).getMessage()).startsWith("body: is not valid JSON: Duplicate field 'a' at line 1");
        assertThat(parseFailure("{\"a b\": 1, \"a b\": 2}").getMessage())
                .startsWith("body: is not valid JSON: a field appears twice at line 1");
    }

    @Test
    void bodiesOverTheLimitAreRefusedByTheirUtf8Size() {
        String multiByte = "é".repeat(40_000); // 80,000 bytes in UTF-8 but 40,000 chars
        assertThatThrownBy(() -> TaskMessage.parse("{\"task_type\":\"x\",\"payload\":{\"t\":\"" + multiByte + "\"}}"))
                .isInstanceOf(InvalidTaskMessageException.class)
                .hasMessageStartingWith("body: is 80036 bytes, over the limit of 65536 bytes");
        String json = "{\"task_type\":\"x\"}";
        assertThat(TaskMessage.parse(json, json.length()).taskType()).isEqualTo("x");
    }

    @Test
    void theTaskTypeCheckAgreesWithItsRegex() {
        Pattern regex = Pattern.compile(TaskMessage.TASK_TYPE_REGEX);
        for (String type : new String[] {"ingest", "a", "x.y_z-1", "9lives", "", "-x", ".x", "Ingest", "a b",
            "a/b", "x".repeat(64), "x".repeat(65), "é", "queue-worker.webhook"}) {
            assertThat(TaskMessage.isTaskType(type)).as(type).isEqualTo(regex.matcher(type).matches());
        }
        assertThat(TaskMessage.isTaskType(null)).isFalse();
    }

    @Test
    void checksWebhookUrls() {
        TaskMessage.checkWebhookUrl("https://app.example/notify");
        TaskMessage.checkWebhookUrl("HTTP://127.0.0.1:8080/x");
        assertThatThrownBy(() -> TaskMessage.checkWebhookUrl("file:///etc/passwd")).hasMessageContaining("http");
        assertThatThrownBy(() -> TaskMessage.checkWebhookUrl("not a url")).hasMessageStartingWith("webhook_url: ");
        assertThatThrownBy(() -> TaskMessage.checkWebhookUrl("https://a.example/" + "x".repeat(2048)))
                .hasMessage("webhook_url: must be at most 2048 characters");
    }

    @Test
    void theBuilderCopiesThePayload() {
        var fields = JsonNodeFactory.instance.objectNode().put("n", 1);
        TaskMessage message = TaskMessage.builder("x").payload(fields).build();
        fields.put("n", 2);
        assertThat(message.payload().get("n").asInt()).isEqualTo(1);
        assertThat(message.toString()).doesNotContain("\"n\"");
        assertThat(message.withTaskId("kept").toJson()).startsWith("{\"task_id\":\"kept\",");
    }

    @Test
    void jsonOfDecodesBase64Bodies() {
        String json = "{\"task_type\":\"x\"}";
        assertThat(TaskMessage.jsonOf(Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(json);
        assertThat(TaskMessage.jsonOf(json)).isEqualTo(json);
    }

    @Test
    void controlCharactersHaveOneRule() {
        assertThat(ControlCharacters.in("a\u007fb")).isTrue();
        assertThat(ControlCharacters.in("tab\there")).isTrue();
        assertThat(ControlCharacters.in("é and 你好")).isFalse();
        assertThat(ControlCharacters.escape("a\u0000b")).isEqualTo("a\\u0000b");
    }

    private static void assertProblem(String body, String field, String messageStart) {
        InvalidTaskMessageException e = parseFailure(body);
        assertThat(e.field()).as(body).isEqualTo(field);
        assertThat(e.getMessage()).as(body).startsWith(messageStart);
    }

    private static InvalidTaskMessageException parseFailure(String body) {
        try {
            TaskMessage.parse(body);
        } catch (InvalidTaskMessageException e) {
            return e;
        }
        throw new AssertionError("expected a failure for " + body);
    }
}
