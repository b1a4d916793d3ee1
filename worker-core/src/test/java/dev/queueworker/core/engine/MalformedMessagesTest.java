package dev.queueworker.core.engine;

import static dev.queueworker.core.fixtures.TaskMessages.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.core.fixtures.EngineHarness;
import dev.queueworker.core.fixtures.WebhookReceiver.Received;
import dev.queueworker.core.fixtures.RecordingListener.Poisoned;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Acceptance 4: malformed messages each end in the poison queue with a reason; good ones complete. */
class MalformedMessagesTest {

    @RegisterExtension
    final EngineHarness worker = EngineHarness.withHandlers(new EchoHandler());

    @Test
    void everyKindOfMalformedMessageIsPoisonedWithAReasonWhileGoodMessagesComplete() {
        Map<String, String> bad = new LinkedHashMap<>(); // body -> expected part of the reason
        bad.put("plain words, not JSON", "body: is neither JSON nor valid Base64");
        bad.put("{\"task_type\": \"echo\", ", "body: is not valid JSON");
        bad.put("@@@@", "body: is neither JSON nor valid Base64");
        bad.put(base64("hello, world"), "does not decode to a JSON object");
        bad.put(Base64.getEncoder().encodeToString(new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'}),
                "does not decode to UTF-8 text");
        bad.put("", "body: is empty");
        bad.put(aTaskMessage("echo").payload("text", "x".repeat(70_000)).toJson(), "over the limit of 65536 bytes");
        bad.put("[\"task_type\", \"echo\"]", "body: must be a JSON object, was array");
        bad.put("{\"payload\": {}}", "task_type: is required");
        bad.put("{\"task_type\": 42}", "task_type: must be a string, was number");
        bad.put("{\"task_type\": \"   \"}", "task_type: must not be blank");
        bad.put("{\"task_type\": \"Ingest Now!\"}", "task_type: must be 1 to 64 lowercase letters");
        bad.put("{\"task_type\": \"nope\"}", "task_type: unknown type 'nope' (known: echo)");
        bad.put("{\"task_type\": \"echo\", \"payload\": [1, 2]}", "payload: must be a JSON object, was array");
        bad.put("{\"task_type\": \"echo\", \"payload\": \"text\"}", "payload: must be a JSON object, was string");
        bad.put(aTaskMessage("echo").field("task_id", new IntNode(7)).toJson(), "task_id: must be a string");
        bad.put("{\"task_type\": \"echo\", \"task_id\": \"a\\u0001b\"}", "task_id: must not contain control characters");
        bad.put(aTaskMessage("echo").webhookUrl("ftp://example.com/hook").toJson(),
                "webhook_url: must be an absolute http or https URL");
        bad.put("{\"task_type\": \"echo\", \"task_type\": \"echo\"}", "Duplicate field 'task_type'");
        bad.put("{\"task_type\": \"echo\"} trailing", "body: is not valid JSON");
        bad.put(aTaskMessage("echo").payload("text", JsonNodeFactory.instance.numberNode(5)).toJson(),
                "payload.text: must be a string, was number");
        bad.put(base64("{\"task_type\": \"echo\", \"payload\": 3}"), "payload: must be a JSON object, was number");

        List<String> goodIds = new ArrayList<>();
        int n = 0;
        for (String body : bad.keySet()) {
            worker.submit(body);
            String id = "good-" + n++;
            goodIds.add(id);
            worker.submit(n % 2 == 0 ? aTaskMessage("echo").taskId(id).payload("text", id).toJson()
                    : aTaskMessage("echo").taskId(id).payload("text", id).toBase64());
        }

        for (String id : goodIds) {
            assertThat(worker.awaitCompleted(id).data().get("text").asText()).isEqualTo(id);
        }
        List<Poisoned> poisoned = worker.events().awaitCount(Poisoned.class, bad.size(), Duration.ofSeconds(10));
        Map<String, String> reasons = poisoned.stream().map(Poisoned::poison)
                .collect(Collectors.toMap(PoisonMessage::originalBody, PoisonMessage::reason));
        assertThat(reasons.keySet()).containsExactlyInAnyOrderElementsOf(bad.keySet());
        bad.forEach((body, reason) -> assertThat(reasons.get(body)).as("reason for %s", abbreviate(body))
                .contains(reason));
        assertThat(worker.queue().approximatePoisonDepth()).isEqualTo(bad.size());
        assertThat(worker.queue().approximateDepth()).isZero();

        // Every malformed message still produced a signed `failed` webhook (to the default URL).
        List<Received> hooks = worker.webhooks().awaitCount(bad.size() + goodIds.size(), Duration.ofSeconds(10));
        // Delivery is at least once: a request can arrive twice; receivers drop repeats by webhook-id.
        List<Received> failed = hooks.stream()
                .filter(h -> h.body().get("status").asText().equals("failed"))
                .collect(Collectors.toMap(Received::webhookId, h -> h, (a, b) -> a, LinkedHashMap::new))
                .values().stream().toList();
        assertThat(failed).as("failed webhooks: %s", failed.stream()
                .map(h -> h.taskId() + "=" + h.body().get("error").get("message").asText()).toList())
                .hasSize(bad.size());
        assertThat(failed).allSatisfy(h -> {
            assertThat(h.signatureValid()).isTrue();
            assertThat(h.body().get("error").get("message").asText()).isNotBlank();
        });
        assertThat(worker.worker().isRunning()).isTrue();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String abbreviate(String body) {
        return body.length() > 80 ? body.substring(0, 80) + "..." : body;
    }
}
