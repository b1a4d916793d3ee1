package dev.queueworker.ai.internal.budget;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LangChain4j's HTTP client for an OpenAI-compatible API, metered by an {@link ApiBudget}: each
 * call estimates its tokens, waits for room in the budget, is sent, and settles what it used (the
 * response's {@code usage}) and what its headers say. A 429 pauses the budget for its
 * {@code Retry-After} and sends the same request again, so one batch is retried, not the task. A
 * call waits at most {@code maxWait} in all; then it fails with {@link BudgetExceededException}.
 * Form-data requests, which we never send, go to {@code plain} unmetered; streamed ones are metered
 * by their estimate.
 */
final class BudgetedHttpClient implements HttpClient {
    private static final Logger log = LoggerFactory.getLogger(BudgetedHttpClient.class);

    private final ApiBudget budget;
    private final HttpTransport transport;
    private final Supplier<HttpClient> plain;
    private final Duration maxWait;
    private final Clock clock;

    BudgetedHttpClient(ApiBudget budget, HttpTransport transport, Supplier<HttpClient> plain, Duration maxWait,
                       Clock clock) {
        this.budget = Objects.requireNonNull(budget, "'budget' cannot be null.");
        this.transport = Objects.requireNonNull(transport, "'transport' cannot be null.");
        this.plain = Objects.requireNonNull(plain, "'plain' cannot be null.");
        this.maxWait = Objects.requireNonNull(maxWait, "'maxWait' cannot be null.");
        this.clock = Objects.requireNonNull(clock, "'clock' cannot be null.");
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
            return plain.get().execute(request);
        }
        long estimate = RequestTokens.estimate(request.body());
        Instant deadline = clock.instant().plus(maxWait);
        for (int attempt = 1; ; attempt++) {
            ApiBudget.Permit permit = budget.acquire(estimate, deadline);
            HttpTransport.Response response;
            try {
                response = transport.send(request);
            } catch (RuntimeException e) {
                permit.failed(RateLimitHeaders.NONE);
                throw e;
            }
            RateLimitHeaders headers = RateLimitHeaders.parse(response.headers(), clock.instant());
            int status = response.status();
            if (status >= 200 && status < 300) {
                permit.completed(headers, RequestTokens.used(response.body()));
                return SuccessfulHttpResponse.builder().statusCode(status).headers(response.headers())
                        .body(response.body()).build();
            }
            if (status != 429 || RequestTokens.quotaExhausted(response.body())) {
                permit.failed(headers);
                throw new HttpException(status, response.body());
            }
            Duration wait = permit.rateLimited(headers, attempt);
            log.debug("{}: rate limited (429), attempt {}; calls pause for {}", budget, attempt, wait);
            if (clock.instant().plus(wait).isAfter(deadline)) {
                throw new BudgetExceededException(budget + ": rate limited (429) " + attempt + " times; the API asks"
                        + " to wait " + wait + ", beyond the maximum wait ('openAiMaxWait') of " + maxWait, false);
            }
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        long estimate = RequestTokens.estimate(request.body());
        ApiBudget.Permit permit = budget.acquire(estimate, clock.instant().plus(maxWait));
        try {
            plain.get().execute(request, parser, listener);
        } finally {
            permit.failed(RateLimitHeaders.NONE); // the stream's usage is not seen here: its estimate counts
        }
    }
}
