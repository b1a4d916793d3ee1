package dev.queueworker.ai.internal.budget;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpClientBuilderLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds {@link BudgetedHttpClient}s for an OpenAI model builder's {@code httpClientBuilder(…)};
 * the model sets the timeouts.
 */
final class BudgetedHttpClientBuilder implements HttpClientBuilder {
    private final ApiBudget budget;
    private final Duration maxWait;
    private final Clock clock;
    private Duration connectTimeout;
    private Duration readTimeout;

    BudgetedHttpClientBuilder(ApiBudget budget, Duration maxWait, Clock clock) {
        this.budget = Objects.requireNonNull(budget, "'budget' cannot be null.");
        this.maxWait = Objects.requireNonNull(maxWait, "'maxWait' cannot be null.");
        this.clock = Objects.requireNonNull(clock, "'clock' cannot be null.");
    }

    @Override
    public Duration connectTimeout() {
        return connectTimeout;
    }

    @Override
    public HttpClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    @Override
    public Duration readTimeout() {
        return readTimeout;
    }

    @Override
    public HttpClientBuilder readTimeout(Duration timeout) {
        this.readTimeout = timeout;
        return this;
    }

    @Override
    public HttpClient build() {
        HttpClient plain = HttpClientBuilderLoader.loadHttpClientBuilder().connectTimeout(connectTimeout)
                .readTimeout(readTimeout).build();
        return new BudgetedHttpClient(budget, HttpTransport.jdk(connectTimeout, readTimeout), plain, maxWait, clock);
    }
}
