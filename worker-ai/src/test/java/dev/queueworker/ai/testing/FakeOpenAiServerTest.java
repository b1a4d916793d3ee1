package dev.queueworker.ai.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.output.FinishReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeOpenAiServerTest {

    private final FakeOpenAiServer server = FakeOpenAiServer.start(16);

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiEmbeddingModel.OpenAiEmbeddingModelBuilder embeddings() {
        return OpenAiEmbeddingModel.builder()
                .baseUrl(server.baseUrl())
                .apiKey("sk-test-key")
                .modelName("text-embedding-3-small")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(5));
    }

    private OpenAiChatModel.OpenAiChatModelBuilder chat() {
        return OpenAiChatModel.builder()
                .baseUrl(server.baseUrl())
                .apiKey("sk-test-key")
                .modelName("gpt-4o-mini")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(5));
    }

    @Test
    void baseUrlEndsInV1() {
        assertThat(server.baseUrl()).startsWith("http://").endsWith("/v1");
    }

    @Test
    void embedsABatchInOrderWithTheDefaultDimension() {
        List<String> texts = List.of("the queue worker takes tasks", "pgvector stores embeddings", "cats sleep in the sun");
        List<Embedding> vectors = embeddings().build()
                .embedAll(texts.stream().map(TextSegment::from).toList())
                .content();

        assertThat(vectors).hasSize(3);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(vectors.get(i).dimension()).isEqualTo(16);
            assertThat(vectors.get(i).vector()).containsExactly(FakeOpenAiServer.embeddingOf(texts.get(i), 16));
            assertThat(norm(vectors.get(i).vector())).isCloseTo(1.0, within(1e-5));
        }
        assertThat(server.requestCount(FakeOpenAiServer.EMBEDDINGS)).isEqualTo(1);
        FakeOpenAiServer.Call call = server.requests(FakeOpenAiServer.EMBEDDINGS).get(0);
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.authorization()).isEqualTo("Bearer sk-test-key");
        assertThat(call.body().path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(call.body().path("input")).hasSize(3);
        assertThat(call.status()).isEqualTo(200);
    }

    @Test
    void honoursRequestedDimensionsAndBase64Encoding() {
        Embedding floats = embeddings().dimensions(8).build().embed("hello world").content();
        Embedding base64 = embeddings().dimensions(8).encodingFormat("base64").build().embed("hello world").content();

        assertThat(floats.dimension()).isEqualTo(8);
        assertThat(base64.vector()).containsExactly(floats.vector());
        assertThat(server.requests().get(0).body().path("dimensions").asInt()).isEqualTo(8);
    }

    @Test
    void similarTextsAreNearer() {
        float[] a = FakeOpenAiServer.embeddingOf("the worker processes queue tasks", 64);
        float[] b = FakeOpenAiServer.embeddingOf("queue tasks are processed by the worker", 64);
        float[] c = FakeOpenAiServer.embeddingOf("bananas ripen on the kitchen table", 64);
        assertThat(dot(a, b)).isGreaterThan(dot(a, c));
    }

    @Test
    void acceptsAStringInputAndRejectsAnEmptyOneLikeOpenAi() throws Exception {
        HttpResponse<String> single = post("{\"model\":\"m\",\"input\":\"hello world\"}");
        HttpResponse<String> empty = post("{\"model\":\"m\",\"input\":\"\"}");

        assertThat(single.statusCode()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(single.body());
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("data")).hasSize(1);
        assertThat(body.path("data").get(0).path("object").asText()).isEqualTo("embedding");
        assertThat(body.path("data").get(0).path("embedding")).hasSize(16);
        assertThat(body.path("usage").path("total_tokens").asInt()).isPositive();
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(new ObjectMapper().readTree(empty.body()).path("error").path("type").asText())
                .isEqualTo("invalid_request_error");
    }

    private HttpResponse<String> post(String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/embeddings"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersChatWithADeterministicCompletion() {
        ChatResponse response = chat().build().chat(dev.langchain4j.data.message.UserMessage.from(
                "Please summarize the quarterly report about queue throughput"));

        String prompt = "Please summarize the quarterly report about queue throughput";
        assertThat(response.aiMessage().text())
                .isEqualTo("SUMMARY(" + prompt.length() + " chars): Please summarize the quarterly report about queue throughput");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.tokenUsage().totalTokenCount()).isPositive();
        assertThat(response.metadata().modelName()).isEqualTo("gpt-4o-mini");
        FakeOpenAiServer.Call call = server.requests(FakeOpenAiServer.CHAT_COMPLETIONS).get(0);
        assertThat(call.lastUserMessage()).isEqualTo(prompt);
        assertThat(call.body().path("model").asText()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void answersChatWithScriptedAnswers() {
        server.scriptChatAnswers("first", "second");
        OpenAiChatModel model = chat().build();
        assertThat(model.chat("a")).isEqualTo("first");
        assertThat(model.chat("b")).isEqualTo("second");
        assertThat(model.chat("c")).isEqualTo("second");

        server.answerChatWith(call -> "echo " + call.lastUserMessage() + " / " + call.model());
        assertThat(model.chat("d")).isEqualTo("echo d / gpt-4o-mini");
        assertThat(server.requestCount(FakeOpenAiServer.CHAT_COMPLETIONS)).isEqualTo(4);
    }

    @Test
    void scriptedFailuresReachTheClientAsOpenAiErrors() {
        OpenAiChatModel model = chat().build();
        server.failNext(1, 429);
        server.failNext(1, 500);
        server.failNext(1, 401);
        server.failNext(1, 403);
        server.failNext(1, 400);

        assertThatThrownBy(() -> model.chat("x")).isInstanceOf(RateLimitException.class);
        assertThatThrownBy(() -> model.chat("x")).isInstanceOf(InternalServerException.class);
        assertThatThrownBy(() -> model.chat("x")).isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> model.chat("x")).isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> model.chat("x")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("context_length_exceeded");
        assertThat(model.chat("x")).startsWith("SUMMARY");

        assertThat(server.requests()).extracting(FakeOpenAiServer.Call::status)
                .containsExactly(429, 500, 401, 403, 400, 200);
    }

    @Test
    void retryAfterAccompaniesA429AndTheClientRetriesWhenAllowed() {
        server.failNext(1, 429);
        List<Embedding> vectors = embeddings().maxRetries(1).build()
                .embedAll(List.of(TextSegment.from("retried text"))).content();

        assertThat(vectors).hasSize(1);
        assertThat(server.requests()).extracting(FakeOpenAiServer.Call::status).containsExactly(429, 200);
    }

    @Test
    void aRateLimitAdmitsRequestsAndTokensPerWindowAndSaysSoInOpenAisHeaders() throws Exception {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        server.rateLimit(2, 10, Duration.ofMinutes(1), nanos::get);

        HttpResponse<String> first = postEmbedding("a".repeat(24)); // 6 tokens
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        HttpResponse<String> refused = postEmbedding("b".repeat(20)); // 5 more than the 4 left
        HttpResponse<String> small = postEmbedding("c".repeat(16)); // 4 fit
        nanos.addAndGet(Duration.ofSeconds(50).toNanos()); // the first is a minute old
        HttpResponse<String> later = postEmbedding("d".repeat(20));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("10");
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("4");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
        assertThat(first.headers().firstValue("x-ratelimit-reset-tokens")).hasValue("1m0s");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("retry-after")).hasValue("50");
        assertThat(refused.headers().firstValue("retry-after-ms")).hasValue("50000");
        assertThat(refused.body()).contains("rate_limit_exceeded").contains("on tokens per min");
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(small.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(later.statusCode()).isEqualTo(200);
        assertThat(later.headers().firstValue("x-ratelimit-reset-requests")).hasValue("1m0s");
        assertThat(server.rateLimitedCount()).isEqualTo(1);
        assertThat(FakeRateLimiter.duration(20_000_000)).isEqualTo("20ms");
        assertThat(FakeRateLimiter.duration(1_500_000_000)).isEqualTo("1.500s");
        assertThat(FakeRateLimiter.duration(360_000_000_000L)).isEqualTo("6m0s");
    }

    private HttpResponse<String> postEmbedding(String input) throws Exception {
        return post("{\"model\":\"text-embedding-3-small\",\"input\":[\"" + input + "\"]}");
    }

    @Test
    void aDelayedAnswerTimesTheClientOut() {
        server.delayNext(Duration.ofSeconds(30));
        OpenAiChatModel model = chat().timeout(Duration.ofMillis(300)).build();

        assertThatThrownBy(() -> model.chat("slow")).isInstanceOf(TimeoutException.class);
        assertThat(model.chat("fast")).startsWith("SUMMARY");
    }

    @Test
    void recordsTheHighestConcurrency() throws Exception {
        server.holdUntilConcurrent(3, Duration.ofSeconds(10));
        OpenAiChatModel model = chat().build();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String prompt = "request " + i;
                answers.add(pool.submit(() -> model.chat(prompt)));
            }
            for (Future<String> answer : answers) {
                assertThat(answer.get()).startsWith("SUMMARY");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.maxConcurrentRequests()).isEqualTo(3);
    }

    private static double norm(float[] v) {
        return Math.sqrt(dot(v, v));
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
