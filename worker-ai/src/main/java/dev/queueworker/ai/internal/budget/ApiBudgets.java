package dev.queueworker.ai.internal.budget;

import dev.langchain4j.http.client.HttpClientBuilder;
import dev.queueworker.ai.AiSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process's budgets, one per API base URL and key: every model (embeddings and chat), task and
 * tenant whose settings name the same key at the same URL waits on the same {@link ApiBudget}, as
 * the API counts them together. The key itself is never kept: a budget is named by the URL and the
 * first 12 hex digits of the key's SHA-256.
 */
public final class ApiBudgets {
    /** OpenAI's limits are per minute. */
    static final Duration MINUTE = Duration.ofMinutes(1);

    private static final Map<String, ApiBudget> BUDGETS = new ConcurrentHashMap<>();

    private ApiBudgets() {
    }

    /**
     * The budget of {@code apiKey} at {@code baseUrl}, with these configured limits per minute (0:
     * learn it from the API). When several settings configure the same key, the latest wins.
     */
    static ApiBudget of(String baseUrl, String apiKey, long requestsPerMinute, long tokensPerMinute) {
        String name = name(baseUrl, apiKey);
        ApiBudget budget = BUDGETS.computeIfAbsent(name,
                n -> new ApiBudget(n, MINUTE, Clock.systemUTC(), Pause.monitor()));
        budget.configure(requestsPerMinute, tokensPerMinute);
        return budget;
    }

    /**
     * An HTTP client builder for LangChain4j's OpenAI model builders ({@code httpClientBuilder(…)})
     * whose calls wait on the budget of {@code apiKey} at {@code baseUrl}.
     *
     * @param requestsPerMinute the configured request limit; 0 learns it from the API
     * @param tokensPerMinute the configured token limit; 0 learns it from the API
     * @param maxWait the longest one call waits for budget and after 429s, in all
     */
    public static HttpClientBuilder httpClientBuilder(String baseUrl, String apiKey, long requestsPerMinute,
                                                      long tokensPerMinute, Duration maxWait) {
        return new BudgetedHttpClientBuilder(of(baseUrl, apiKey, requestsPerMinute, tokensPerMinute), maxWait,
                Clock.systemUTC());
    }

    /**
     * As {@link #httpClientBuilder(String, String, long, long, Duration)}, with a budget of its own
     * (shared with nothing) whose limits are per {@code window} instead of a minute: for tests and
     * benchmarks that scale time down.
     */
    public static HttpClientBuilder httpClientBuilder(String baseUrl, String apiKey, long requestsPerWindow,
                                                      long tokensPerWindow, Duration window, Duration maxWait) {
        ApiBudget budget = new ApiBudget(name(baseUrl, apiKey), window, Clock.systemUTC(), Pause.monitor());
        budget.configure(requestsPerWindow, tokensPerWindow);
        return new BudgetedHttpClientBuilder(budget, maxWait, Clock.systemUTC());
    }

    /** {@link #httpClientBuilder(String, String, long, long, Duration)} for the settings' key, base URL and limits. */
    public static HttpClientBuilder httpClientBuilder(AiSettings settings) {
        return httpClientBuilder(settings.openAiApiBase(), settings.openAiApiKey().orElseThrow(),
                settings.openAiRequestsPerMinute(), settings.openAiTokensPerMinute(), settings.openAiMaxWait());
    }

    /** {@code <baseUrl> key <12 hex digits of SHA-256(apiKey)>}: tells keys apart without showing one. */
    static String name(String baseUrl, String apiKey) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            return baseUrl + " key " + HexFormat.of().formatHex(hash).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
