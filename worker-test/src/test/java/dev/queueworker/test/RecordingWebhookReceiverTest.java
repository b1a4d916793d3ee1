package dev.queueworker.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class RecordingWebhookReceiverTest {

    // A fresh client per test, without connection reuse across a restart.
    private final OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();

    private int post(String url, String json) throws IOException {
        Request request = new Request.Builder().url(url)
                .post(RequestBody.create(json, MediaType.get("application/json"))).build();
        try (Response response = http.newCall(request).execute()) {
            return response.code();
        }
    }

    @Test
    void recordsPostsAndAnswersTheProgrammedSequenceThen200() throws Exception {
        try (RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start()) {
            receiver.respondWith(500, 429);
            assertThat(post(receiver.url(), "{\"task_id\":\"a\"}")).isEqualTo(500);
            assertThat(post(receiver.url(), "{\"task_id\":\"b\"}")).isEqualTo(429);
            assertThat(post(receiver.url("other"), "not json")).isEqualTo(200);
            assertThat(post(receiver.url(), "{\"task_id\":\"c\"}")).isEqualTo(200);

            List<ReceivedWebhook> got = receiver.awaitCount(4, Duration.ofSeconds(5));
            assertThat(got).extracting(ReceivedWebhook::responseStatus).containsExactly(500, 429, 200, 200);
            assertThat(got).extracting(ReceivedWebhook::path).containsExactly("/webhook", "/webhook", "/other", "/webhook");
            assertThat(got.get(0).taskId()).isEqualTo("a");
            assertThat(got.get(2).body()).isNull();
            assertThat(new String(got.get(2).rawBody())).isEqualTo("not json");
            assertThat(got.get(0).header("Content-Type")).startsWith("application/json");
            assertThat(got.get(0).signatureValid()).isTrue(); // no secret: nothing to verify
            assertThat(receiver.awaitTask("c", Duration.ofSeconds(1)).responseStatus()).isEqualTo(200);
        }
    }

    @Test
    void stopThenRestartListensOnTheSamePort() throws Exception {
        try (RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start()) {
            String url = receiver.url();
            int port = receiver.port();
            assertThat(post(url, "{\"task_id\":\"before\"}")).isEqualTo(200);

            receiver.stop();
            assertThatThrownBy(() -> post(url, "{\"task_id\":\"during\"}")).isInstanceOf(IOException.class);

            receiver.restart();
            assertThat(receiver.port()).isEqualTo(port);
            assertThat(receiver.url()).isEqualTo(url);
            assertThat(post(url, "{\"task_id\":\"after\"}")).isEqualTo(200);
            assertThat(receiver.received()).extracting(ReceivedWebhook::taskId).containsExactly("before", "after");
        }
    }

    @Test
    void awaitCountFailsWithWhatArrived() throws Exception {
        try (RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start()) {
            post(receiver.url(), "{\"task_id\":\"only\"}");
            assertThatThrownBy(() -> receiver.awaitCount(2, Duration.ofMillis(100)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("received 1")
                    .hasMessageContaining("only");
        }
    }

    @Test
    void redirectsWhenAsked() throws Exception {
        try (RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start()) {
            receiver.redirectTo("http://example.invalid/next");
            Request request = new Request.Builder().url(receiver.url())
                    .post(RequestBody.create("{}", MediaType.get("application/json"))).build();
            OkHttpClient noFollow = http.newBuilder().followRedirects(false).build();
            try (Response response = noFollow.newCall(request).execute()) {
                assertThat(response.code()).isEqualTo(307);
                assertThat(response.header("Location")).isEqualTo("http://example.invalid/next");
            }
        }
    }
}
