package dev.queueworker.ai.internal.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetedHttpClientTest {
    private static final String OK = "{\"object\":\"list\",\"data\":[],\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}";
    private static final String RATE_LIMITED = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"tokens\","
            + "\"code\":\"rate_limit_exceeded\"}}";

    private final ManualPause pause = new ManualPause();
    private final ApiBudget budget = new ApiBudget("test", Duration.ofMinutes(1), pause.time.clock(), pause);
    private final Deque<HttpTransport.Response> answers = new ArrayDeque<>();
    private final List<Instant> sent = new ArrayList<>();
    private final HttpTransport transport = request -> {
        sent.add(pause.time.now());
        return answers.remove();
    };
    private final BudgetedHttpClient client = new BudgetedHttpClient(budget, transport, UnusedClient::new,
            Duration.ofMinutes(2), pause.time.clock());

    private static HttpRequest embeddings(String... inputs) {
        String body = "{\"model\":\"m\",\"input\":[" + String.join(",", java.util.Arrays.stream(inputs)
                .map(i -> "\"" + i + "\"").toList()) + "]}";
        return HttpRequest.builder().method(HttpMethod.POST).url("http://127.0.0.1:9/v1/embeddings")
                .addHeader("Authorization", "Bearer sk-x").body(body).build();
    }

    private static HttpTransport.Response response(int status, String body, String... headers) {
        Map<String, List<String>> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], List.of(headers[i + 1]));
        }
        return new HttpTransport.Response(status, map, body);
    }

    @Test
    void a429IsWaitedOutForItsRetryAfterAndTheSameRequestSentAgain() {
        answers.add(response(429, RATE_LIMITED, "retry-after", "3", "x-ratelimit-remaining-tokens", "0"));
        answers.add(response(200, OK, "x-ratelimit-limit-tokens", "1000"));

        SuccessfulHttpResponse r = client.execute(embeddings("hello world"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(OK);
        assertThat(sent).hasSize(2);
        assertThat(Duration.between(sent.get(0), sent.get(1))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void a429AskingForMoreThanTheMaximumWaitFailsAtOnce() {
        answers.add(response(429, RATE_LIMITED, "retry-after", "600"));

        assertThatThrownBy(() -> client.execute(embeddings("hello")))
                .isInstanceOf(BudgetExceededException.class)
                .hasMessageContaining("rate limited (429) 1 times").hasMessageContaining("PT10M")
                .hasMessageContaining("openAiMaxWait");
        assertThat(sent).hasSize(1);
        assertThat(pause.pauses).isEmpty();
    }

    @Test
    void repeated429sStopWhenTheMaximumWaitIsSpent() {
        for (int i = 0; i < 10; i++) {
            answers.add(response(429, RATE_LIMITED, "retry-after", "50"));
        }

        assertThatThrownBy(() -> client.execute(embeddings("hello"))).isInstanceOf(BudgetExceededException.class)
                .hasMessageContaining("3 times");
        assertThat(sent).hasSize(3); // at 0 s, 50 s and 100 s; a third wait would end after 2 minutes
    }

    @Test
    void otherErrorsAreLangChain4jsHttpExceptionAsBefore() {
        answers.add(response(500, "{\"error\":{\"message\":\"boom\"}}"));
        answers.add(response(429, "{\"error\":{\"message\":\"You exceeded your current quota\","
                + "\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}", "retry-after", "1"));

        assertThatThrownBy(() -> client.execute(embeddings("a"))).isInstanceOf(HttpException.class)
                .satisfies(e -> assertThat(((HttpException) e).statusCode()).isEqualTo(500));
        assertThatThrownBy(() -> client.execute(embeddings("a"))).isInstanceOf(HttpException.class)
                .satisfies(e -> assertThat(((HttpException) e).statusCode()).isEqualTo(429));
        assertThat(sent).hasSize(2);
        assertThat(pause.pauses).isEmpty();
    }

    @Test
    void callsEstimateTheirTokensAndSettleTheUsageTheResponseReports() {
        budget.configure(100, 10);
        answers.add(response(200, OK)); // every answer's usage is 3 tokens
        answers.add(response(200, OK));
        answers.add(response(200, OK));

        client.execute(embeddings("a".repeat(16), "b".repeat(16))); // estimated 4 + 4, used 3
        client.execute(embeddings("c".repeat(24))); // 6: fits beside the 3 used, not beside the 8 estimated
        assertThat(pause.pauses).isEmpty();
        client.execute(embeddings("d".repeat(20))); // 5: 3 + 3 + 5 is more than the 10 of the minute

        assertThat(Duration.between(sent.get(0), sent.get(2))).isEqualTo(ApiBudgetTest.MINUTE_AND_A_MILLISECOND);
    }

    @Test
    void aConnectionFailureIsThrownAndItsRequestStillCounts() {
        budget.configure(1, 1_000);
        BudgetedHttpClient failing = new BudgetedHttpClient(budget, request -> {
            throw new RuntimeException(new java.net.ConnectException("refused"));
        }, UnusedClient::new, Duration.ofMinutes(2), pause.time.clock());

        assertThatThrownBy(() -> failing.execute(embeddings("a"))).hasRootCauseInstanceOf(java.net.ConnectException.class);
        assertThatThrownBy(() -> failing.execute(embeddings("a"))).isInstanceOf(RuntimeException.class);
        assertThat(pause.total()).isEqualTo(ApiBudgetTest.MINUTE_AND_A_MILLISECOND); // the failed call still counted as a request
    }

    @Test
    void theEngineSeesAGiveUpAsARetryable429() {
        RuntimeException e = dev.queueworker.ai.internal.ModelErrors.translate(new RuntimeException(
                new BudgetExceededException("ApiBudget[x]: no room", false)), "embedding model m");

        assertThat(e).isInstanceOf(dev.queueworker.api.RetryableException.class)
                .hasMessage("embedding model m: rate limited (429): ApiBudget[x]: no room");
        assertThat(((dev.queueworker.api.RetryableException) e).statusCode()).isEqualTo(429);
    }

    /** The client for form data and streams, which these tests never send. */
    private static final class UnusedClient implements dev.langchain4j.http.client.HttpClient {
        @Override
        public SuccessfulHttpResponse execute(HttpRequest request) {
            throw new AssertionError("unexpected");
        }

        @Override
        public void execute(HttpRequest request, dev.langchain4j.http.client.sse.ServerSentEventParser parser,
                            dev.langchain4j.http.client.sse.ServerSentEventListener listener) {
            throw new AssertionError("unexpected");
        }
    }
}
