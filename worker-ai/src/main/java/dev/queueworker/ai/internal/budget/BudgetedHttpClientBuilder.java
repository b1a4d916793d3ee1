package dev.queueworker.ai.internal.budget;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpClientBuilderLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

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
        Duration connect = connectTimeout;
        Duration read = readTimeout;
        // LangChain4j's own client, built only if a form-data or streamed request ever needs it
        Supplier<HttpClient> plain = new Supplier<>() {
            private HttpClient client;

            @Override
            public synchronized HttpClient get() {
                if (client == null) {
                    client = HttpClientBuilderLoader.loadHttpClientBuilder().connectTimeout(connect)
                            .readTimeout(read).build();
                }
                return client;
            }
        };
        return new BudgetedHttpClient(budget, HttpTransport.jdk(connect, read), plain, maxWait, clock);
    }
}
