package dev.queueworker.ai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.queueworker.ai.testing.FakeOpenAiServer;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.api.RetryableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelErrorsTest {

    private static final String API_KEY = "sk-test-SECRETVALUE-9876";

    private final FakeOpenAiServer server = FakeOpenAiServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    /** Runs one call of the real LangChain4j client of {@code kind} against {@code baseUrl}. */
    private static void callModel(String kind, String baseUrl, Duration timeout) {
        if (kind.equals("embedding")) {
            OpenAiEmbeddingModel.builder().baseUrl(baseUrl).apiKey(API_KEY).modelName("text-embedding-3-small")
                    .maxRetries(0).timeout(timeout).build()
                    .embedAll(List.of(TextSegment.from("some text")));
        } else {
            OpenAiChatModel.builder().baseUrl(baseUrl).apiKey(API_KEY).modelName("gpt-4o-mini")
                    .maxRetries(0).timeout(timeout).build()
                    .chat("some text");
        }
    }

    private RuntimeException translatedFailure(String kind, Duration timeout) {
        return translatedFailure(kind, server.baseUrl(), timeout);
    }

    private static RuntimeException translatedFailure(String kind, String baseUrl, Duration timeout) {
        Throwable thrown = catchThrowable(() -> callModel(kind, baseUrl, timeout));
        assertThat(thrown).as("the client should have failed").isInstanceOf(RuntimeException.class);
        return ModelErrors.translate((RuntimeException) thrown, kind + " model");
    }

    @ParameterizedTest(name = "{0} model, {1}")
    @CsvSource({
        "embedding, 429, rate limited (429), rate_limit_exceeded",
        "embedding, 500, server error (500), server_error",
        "embedding, 503, server error (503), server_error",
        "chat, 429, rate limited (429), rate_limit_exceeded",
        "chat, 500, server error (500), server_error",
        "chat, 502, server error (502), server_error",
    })
    void rateLimitsAndServerErrorsAreRetryable(String kind, int status, String phrase, String code) {
        server.failNext(1, status);

        RuntimeException error = translatedFailure(kind, Duration.ofSeconds(5));

        assertThat(error).isInstanceOf(RetryableException.class)
                .hasMessageStartingWith(kind + " model: " + phrase);
        assertThat(((QueueWorkerException) error).statusCode()).isEqualTo(status);
        assertThat(((QueueWorkerException) error).errorCode()).isEqualTo(code);
        assertThat(server.requests()).hasSize(1);
    }

    @ParameterizedTest(name = "{0} model, {1}")
    @CsvSource({
        "embedding, 400, request rejected (400)",
        "embedding, 401, authentication failed (401)",
        "embedding, 403, access denied (403)",
        "embedding, 404, not found (404)",
        "chat, 400, request rejected (400)",
        "chat, 401, authentication failed (401)",
        "chat, 403, access denied (403)",
        "chat, 404, not found (404)",
    })
    void rejectedRequestsArePermanent(String kind, int status, String phrase) {
        server.failNext(1, status);

        RuntimeException error = translatedFailure(kind, Duration.ofSeconds(5));

        assertThat(error).isInstanceOf(PermanentException.class)
                .hasMessageStartingWith(kind + " model: " + phrase);
        assertThat(((QueueWorkerException) error).statusCode()).isEqualTo(status);
    }

    @ParameterizedTest
    @CsvSource({"embedding", "chat"})
    void theApiKeyNeverAppearsInTheMessage(String kind) {
        server.failNext(1, 401);

        RuntimeException error = translatedFailure(kind, Duration.ofSeconds(5));

        // The fake echoes the key masked, as OpenAI does: "sk-********9876".
        assertThat(server.requests().get(0).authorization()).isEqualTo("Bearer " + API_KEY);
        assertThat(error.getMessage())
                .contains("Incorrect API key provided")
                .doesNotContain(API_KEY)
                .doesNotContain("SECRETVALUE")
                .doesNotContain("9876");
    }

    @ParameterizedTest
    @CsvSource({"embedding", "chat"})
    void timeoutsAreRetryable(String kind) {
        server.delayNext(Duration.ofSeconds(30));

        RuntimeException error = translatedFailure(kind, Duration.ofMillis(300));

        assertThat(error).isInstanceOf(RetryableException.class).hasMessageStartingWith(kind + " model: timed out");
    }

    @ParameterizedTest
    @CsvSource({"embedding", "chat"})
    void refusedConnectionsAreRetryable(String kind) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        RuntimeException error = translatedFailure(kind, "http://127.0.0.1:" + closedPort + "/v1", Duration.ofSeconds(5));

        assertThat(error).isInstanceOf(RetryableException.class)
                .hasMessageStartingWith(kind + " model: cannot connect to the model server");
    }

    @ParameterizedTest
    @CsvSource({"embedding", "chat"})
    void aConnectionDroppedMidAnswerIsRetryable(String kind) throws IOException {
        try (MockWebServer dropping = new MockWebServer()) {
            dropping.enqueue(new okhttp3.mockwebserver.MockResponse()
                    .setSocketPolicy(okhttp3.mockwebserver.SocketPolicy.DISCONNECT_AFTER_REQUEST));
            dropping.start();

            RuntimeException error = translatedFailure(kind, dropping.url("/v1").toString(), Duration.ofSeconds(5));

            assertThat(error).isInstanceOf(RetryableException.class)
                    .hasMessageStartingWith(kind + " model: connection to the model server failed");
        }
    }

    @Test
    void typedExceptionsWithoutAStatusAreMappedByKind() {
        assertThat(ModelErrors.translate(new RateLimitException("slow down"), "chat model"))
                .isInstanceOf(RetryableException.class).hasMessage("chat model: rate limited (429): slow down");
        assertThat(ModelErrors.translate(new RetriableException("blip"), "chat model"))
                .isInstanceOf(RetryableException.class);
        assertThat(ModelErrors.translate(new AuthenticationException("no"), "chat model"))
                .isInstanceOf(PermanentException.class);
        assertThat(ModelErrors.translate(new NonRetriableException("bad"), "chat model"))
                .isInstanceOf(PermanentException.class).hasMessage("chat model: bad");
        assertThat(ModelErrors.translate(new RuntimeException(new ConnectException()), "embedding model"))
                .isInstanceOf(RetryableException.class);
        assertThat(ModelErrors.translate(new IllegalStateException("odd"), "embedding model"))
                .isInstanceOf(RetryableException.class).hasMessageContaining("odd");
    }

    @Test
    void aNonJsonErrorBodyIsQuotedAndSecretsInItRemoved() {
        RuntimeException error = ModelErrors.translate(
                new RuntimeException(new HttpException(502, "<html>Bad gateway; Authorization: Bearer sk-live-abc</html>")),
                "embedding model");

        assertThat(error).isInstanceOf(RetryableException.class)
                .hasMessageStartingWith("embedding model: server error (502): <html>Bad gateway")
                .hasMessageNotContaining("sk-live-abc");
    }

    @Test
    void ourOwnExceptionsPassThrough() {
        PermanentException own = new PermanentException("already ours");
        assertThat(ModelErrors.translate(own, "chat model")).isSameAs(own);
    }
}
