package dev.queueworker.ai.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A fake OpenAI-compatible server on a real loopback {@link MockWebServer}, answering in OpenAI's
 * wire format so the real LangChain4j clients run against it unchanged.
 *
 * <pre>{@code
 * try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
 *     EmbeddingModel model = OpenAiEmbeddingModel.builder()
 *             .baseUrl(server.baseUrl()).apiKey("sk-test").modelName("text-embedding-3-small").build();
 *     model.embed("hello");
 *     assertThat(server.requestCount("/v1/embeddings")).isEqualTo(1);
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@code POST /v1/embeddings}: {@code input} as a string or an array of strings, optional
 *       {@code dimensions} and {@code encoding_format} ({@code float} or {@code base64}). The vectors
 *       are deterministic and unit length: a hashed bag of the text's lower-cased words, so texts
 *       sharing words are near each other.
 *   <li>{@code POST /v1/chat/completions}: a {@code chat.completion} whose answer is, by default,
 *       {@code "SUMMARY(<n> chars): "} followed by the first words of the last user message
 *       ({@code n} its length), or what {@link #answerChatWith(Function)} computes.
 * </ul>
 *
 * <p>Failures are scripted with {@link #failNext(int, int)} (OpenAI's error JSON, {@code Retry-After}
 * on 429, {@link #retryAfter(Duration)}) and {@link #delayNext(Duration)}; {@link #rateLimit} enforces
 * requests and tokens per window with OpenAI's {@code x-ratelimit-*} headers and 429s. Every request is recorded ({@link #requests()}), failed
 * ones included, and the highest number of requests in flight at once is kept
 * ({@link #maxConcurrentRequests()}). Thread-safe.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    /** The path of the embeddings endpoint. */
    public static final String EMBEDDINGS = "/v1/embeddings";
    /** The path of the chat completions endpoint. */
    public static final String CHAT_COMPLETIONS = "/v1/chat/completions";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    /** One request the server received. */
    public record Call(String method, String path, JsonNode body, String authorization, int status) {

        /** The text of the last {@code user} message of a chat request, or null for other requests. */
        public String lastUserMessage() {
            return FakeOpenAiServer.lastUserMessage(body);
        }
    }

    /** A request the {@link #rateLimit} admitted: when ({@code System.nanoTime()} or the given time) and its tokens. */
    public record Admission(long atNanos, long tokens) {}

    /** What a chat request asked, given to {@link #answerChatWith(Function)}. */
    public record ChatCall(String model, String systemMessage, String lastUserMessage, JsonNode body) {}

    private final MockWebServer server = new MockWebServer();
    private final int defaultDimensions;
    private final Object lock = new Object();
    private final Deque<Integer> failures = new ArrayDeque<>();
    private final Deque<Duration> delays = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger sequence = new AtomicInteger();
    private Function<ChatCall, String> chatAnswer = FakeOpenAiServer::defaultAnswer;
    private Duration latency = Duration.ZERO;
    private Duration retryAfter = Duration.ofSeconds(1);
    private FakeRateLimiter limiter;
    private int rateLimited;
    private int inFlight;
    private int maxInFlight;
    private int awaitedConcurrency;
    private long awaitDeadlineNanos;

    private FakeOpenAiServer(int defaultDimensions) {
        this.defaultDimensions = defaultDimensions;
    }

    /** Starts a server whose embeddings have 16 dimensions unless a request asks otherwise. */
    public static FakeOpenAiServer start() {
        return start(16);
    }

    /** Starts a server whose embeddings have {@code defaultDimensions} unless a request asks otherwise. */
    public static FakeOpenAiServer start(int defaultDimensions) {
        if (defaultDimensions < 1) {
            throw new IllegalArgumentException("defaultDimensions must be at least 1, was " + defaultDimensions);
        }
        FakeOpenAiServer fake = new FakeOpenAiServer(defaultDimensions);
        fake.server.setDispatcher(fake.new OpenAiDispatcher());
        try {
            fake.server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake OpenAI server", e);
        }
        return fake;
    }

    /** The base URL to give LangChain4j's {@code baseUrl(...)}, ending in {@code /v1}. */
    public String baseUrl() {
        String url = server.url("/v1").toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The default number of embedding dimensions. */
    public int defaultDimensions() {
        return defaultDimensions;
    }

    /**
     * The next {@code count} requests, on any path, fail with {@code status} and OpenAI's error body
     * for it (429 also carries {@code Retry-After}, see {@link #retryAfter(Duration)}).
     */
    public void failNext(int count, int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP error status, was " + status);
        }
        synchronized (lock) {
            for (int i = 0; i < count; i++) {
                failures.add(status);
            }
        }
    }

    /**
     * A scripted 429 ({@link #failNext}) asks to wait {@code wait}: {@code Retry-After} in whole
     * seconds (at least 1) and {@code retry-after-ms} exactly. Default 1 second.
     */
    public void retryAfter(Duration wait) {
        synchronized (lock) {
            retryAfter = Objects.requireNonNull(wait, "'wait' cannot be null.");
        }
    }

    /**
     * Enforces a limit as OpenAI does, over a sliding {@code window} (a minute; less to scale a test
     * down): at most {@code requests} requests and {@code tokens} tokens (a response's
     * {@code usage.total_tokens}) admitted per window. Every answer then carries
     * {@code x-ratelimit-limit-*}, {@code x-ratelimit-remaining-*} and {@code x-ratelimit-reset-*}
     * (the time until the window is empty, as {@code 20ms}, {@code 1.5s}, {@code 6m0s}); a request
     * over the limit gets OpenAI's 429 with {@code Retry-After} and {@code retry-after-ms} (the time
     * until it would fit) and is not counted.
     */
    public void rateLimit(int requests, long tokens, Duration window) {
        rateLimit(requests, tokens, window, System::nanoTime);
    }

    /** As {@link #rateLimit(int, long, Duration)}, with time from {@code nanoTime}. */
    public void rateLimit(int requests, long tokens, Duration window, java.util.function.LongSupplier nanoTime) {
        synchronized (lock) {
            limiter = new FakeRateLimiter(requests, tokens, window, nanoTime);
        }
    }

    /** The requests the {@link #rateLimit} admitted, in order; empty without a limit. */
    public List<Admission> rateLimitAdmissions() {
        FakeRateLimiter l;
        synchronized (lock) {
            l = limiter;
        }
        return l == null ? List.of() : l.history();
    }

    /** How many requests the {@link #rateLimit} refused with a 429. */
    public int rateLimitedCount() {
        synchronized (lock) {
            return rateLimited;
        }
    }

    /** The next request waits {@code delay} before it is answered (or until the server closes). */
    public void delayNext(Duration delay) {
        synchronized (lock) {
            delays.add(Objects.requireNonNull(delay, "'delay' cannot be null."));
        }
    }

    /** Every request waits {@code latency} before it is answered, to make concurrency observable. */
    public void latency(Duration latency) {
        synchronized (lock) {
            this.latency = Objects.requireNonNull(latency, "'latency' cannot be null.");
        }
    }

    /**
     * Requests are held until {@code concurrency} of them are in flight at once, or {@code max} has
     * passed since this call; once reached, nothing is held any more. Proves that a client really runs
     * that many requests in parallel without relying on timing.
     */
    public void holdUntilConcurrent(int concurrency, Duration max) {
        synchronized (lock) {
            awaitedConcurrency = concurrency;
            awaitDeadlineNanos = System.nanoTime() + max.toNanos();
        }
    }

    /** Chat answers are computed by {@code answer} instead of the default. */
    public void answerChatWith(Function<ChatCall, String> answer) {
        synchronized (lock) {
            chatAnswer = Objects.requireNonNull(answer, "'answer' cannot be null.");
        }
    }

    /** Chat answers are {@code answers} in turn, then the last one again. */
    public void scriptChatAnswers(String... answers) {
        if (answers.length == 0) {
            throw new IllegalArgumentException("answers cannot be empty");
        }
        AtomicInteger next = new AtomicInteger();
        answerChatWith(call -> answers[Math.min(next.getAndIncrement(), answers.length - 1)]);
    }

    /** All requests received so far, in arrival order. */
    public List<Call> requests() {
        synchronized (lock) {
            return List.copyOf(calls);
        }
    }

    /** The requests received so far on {@code path} (such as {@link #CHAT_COMPLETIONS}). */
    public List<Call> requests(String path) {
        return requests().stream().filter(c -> c.path().equals(path)).toList();
    }

    /** How many requests arrived on {@code path}, failed ones included. */
    public int requestCount(String path) {
        return requests(path).size();
    }

    /** The highest number of requests that were being answered at the same time. */
    public int maxConcurrentRequests() {
        synchronized (lock) {
            return maxInFlight;
        }
    }

    /** The deterministic embedding the server returns for {@code text}. */
    public static float[] embeddingOf(String text, int dimensions) {
        float[] vector = new float[dimensions];
        Matcher words = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (words.find()) {
            long hash = fnv1a(words.group());
            int index = (int) Long.remainderUnsigned(hash, dimensions);
            vector[index] += ((hash >>> 40) & 1) == 0 ? 1f : -1f;
        }
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        if (norm == 0) {
            vector[0] = 1f; // words cancelled out or none at all: still a unit vector
            return vector;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            server.shutdown();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the fake OpenAI server", e);
        }
    }

    private final class OpenAiDispatcher extends Dispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            String path = pathOf(request);
            JsonNode body = parse(request.getBody().readUtf8());
            Integer failure;
            Duration delay;
            synchronized (lock) {
                failure = failures.poll();
                delay = delays.poll();
                inFlight++;
                maxInFlight = Math.max(maxInFlight, inFlight);
                lock.notifyAll();
            }
            try {
                holdForConcurrency();
                Duration wait = delay != null ? delay : currentLatency();
                if (!wait.isZero() && closed.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                    return new MockResponse().setResponseCode(503);
                }
                MockResponse response = failure != null
                        ? error(failure, request.getHeader("Authorization"), currentRetryAfter())
                        : limited(answer(request.getMethod(), path, body));
                record(new Call(request.getMethod(), path, body, request.getHeader("Authorization"),
                        statusOf(response)));
                return response;
            } finally {
                synchronized (lock) {
                    inFlight--;
                }
            }
        }

        @Override
        public void shutdown() {
            closed.countDown();
        }
    }

    private void record(Call call) {
        synchronized (lock) {
            calls.add(call);
        }
    }

    /** The answer, or a 429 when the rate limit does not admit the tokens it used. */
    private MockResponse limited(MockResponse answer) {
        FakeRateLimiter l;
        synchronized (lock) {
            l = limiter;
        }
        if (l == null || statusOf(answer) != 200) {
            return answer;
        }
        JsonNode usage = parse(answer.getBody().clone().readUtf8());
        FakeRateLimiter.Decision decision = l.admit(usage == null ? 1 : usage.path("usage").path("total_tokens").asLong(1));
        MockResponse response = answer;
        if (!decision.admitted()) {
            synchronized (lock) {
                rateLimited++;
            }
            response = errorResponse(429, "Rate limit reached for default-model in organization org-fake on "
                    + decision.limitedOn() + " per min. Please try again in "
                    + decision.headers().get("retry-after-ms") + "ms.", decision.limitedOn(), "rate_limit_exceeded");
        }
        decision.headers().forEach(response::setHeader);
        return response;
    }

    private Duration currentRetryAfter() {
        synchronized (lock) {
            return retryAfter;
        }
    }

    private Duration currentLatency() {
        synchronized (lock) {
            return latency;
        }
    }

    private void holdForConcurrency() throws InterruptedException {
        synchronized (lock) {
            while (awaitedConcurrency > 0 && maxInFlight < awaitedConcurrency) {
                long left = awaitDeadlineNanos - System.nanoTime();
                if (left <= 0 || closed.getCount() == 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    private MockResponse answer(String method, String path, JsonNode body) {
        if (!"POST".equals(method)) {
            return errorResponse(405, "Method " + method + " not allowed on " + path, "invalid_request_error", null);
        }
        if (body == null || !body.isObject()) {
            return errorResponse(400, "We could not parse the JSON body of your request.", "invalid_request_error", null);
        }
        return switch (path) {
            case EMBEDDINGS -> embeddings(body);
            case CHAT_COMPLETIONS -> chatCompletion(body);
            default -> errorResponse(404, "Invalid URL (POST " + path + ")", "invalid_request_error", null);
        };
    }

    private MockResponse embeddings(JsonNode body) {
        List<String> inputs = new ArrayList<>();
        JsonNode input = body.path("input");
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else if (input.isArray()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    return invalid("'$.input' is invalid: expected a string or an array of strings", "input");
                }
                inputs.add(item.asText());
            }
        }
        if (inputs.isEmpty() || inputs.stream().anyMatch(String::isEmpty)) {
            return invalid("'$.input' is invalid. Please check the API reference.", "input");
        }
        int dimensions = body.path("dimensions").asInt(defaultDimensions);
        if (dimensions < 1) {
            return invalid("Invalid value for 'dimensions': must be at least 1.", "dimensions");
        }
        boolean base64 = "base64".equals(body.path("encoding_format").asText("float"));
        ObjectNode response = NODES.objectNode().put("object", "list");
        ArrayNode data = response.putArray("data");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] vector = embeddingOf(inputs.get(i), dimensions);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : vector) {
                    bytes.putFloat(v);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : vector) {
                    values.add(v);
                }
            }
            tokens += tokens(inputs.get(i));
        }
        response.put("model", body.path("model").asText("text-embedding-3-small"));
        response.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return json(200, response);
    }

    private MockResponse chatCompletion(JsonNode body) {
        if (body.path("stream").asBoolean(false)) {
            return invalid("This fake server does not stream.", "stream");
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return invalid("'messages' must be a non-empty array.", "messages");
        }
        String model = body.path("model").asText("gpt-4o-mini");
        String system = null;
        StringBuilder prompt = new StringBuilder();
        for (JsonNode message : messages) {
            String content = contentOf(message);
            prompt.append(content);
            if ("system".equals(message.path("role").asText()) || "developer".equals(message.path("role").asText())) {
                system = content;
            }
        }
        Function<ChatCall, String> answerer;
        synchronized (lock) {
            answerer = chatAnswer;
        }
        String answer = answerer.apply(new ChatCall(model, system, lastUserMessage(body), body));
        int promptTokens = tokens(prompt.toString());
        int completionTokens = tokens(answer);
        ObjectNode response = NODES.objectNode()
                .put("id", "chatcmpl-fake-" + sequence.incrementAndGet())
                .put("object", "chat.completion")
                .put("created", 1_700_000_000L)
                .put("model", model);
        ObjectNode choice = response.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", answer).putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        response.putObject("usage")
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        response.put("system_fingerprint", "fp_fake");
        return json(200, response);
    }

    private static String defaultAnswer(ChatCall call) {
        String text = call.lastUserMessage() == null ? "" : call.lastUserMessage();
        String[] words = text.trim().split("\\s+");
        String start = String.join(" ", List.of(words).subList(0, Math.min(8, words.length)));
        return "SUMMARY(" + text.length() + " chars): " + start;
    }

    private static String lastUserMessage(JsonNode body) {
        if (body == null) {
            return null;
        }
        String last = null;
        for (JsonNode message : body.path("messages")) {
            if ("user".equals(message.path("role").asText())) {
                last = contentOf(message);
            }
        }
        return last;
    }

    private static String contentOf(JsonNode message) {
        JsonNode content = message.path("content");
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText())) {
                text.append(part.path("text").asText());
            }
        }
        return text.toString();
    }

    private static MockResponse error(int status, String authorization, Duration retryAfter) {
        return switch (status) {
            case 429 -> errorResponse(429, "Rate limit reached for requests. Please try again in "
                    + retryAfter.toMillis() + "ms.", "requests", "rate_limit_exceeded")
                    .setHeader("Retry-After", Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)))
                    .setHeader("retry-after-ms", Long.toString(retryAfter.toMillis()));
            case 401 -> errorResponse(401, "Incorrect API key provided: " + masked(authorization)
                    + ". You can find your API key at https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", "invalid_api_key");
            case 403 -> errorResponse(403, "Country, region, or territory not supported",
                    "request_forbidden", "unsupported_country_region_territory");
            case 404 -> errorResponse(404, "The model `missing-model` does not exist or you do not have access to it.",
                    "invalid_request_error", "model_not_found");
            case 400 -> errorResponse(400, "This model's maximum context length is 8192 tokens.",
                    "invalid_request_error", "context_length_exceeded");
            default -> status >= 500
                    ? errorResponse(status, "The server had an error while processing your request. Sorry about that!",
                            "server_error", null)
                    : errorResponse(status, "Request failed with status " + status, "invalid_request_error", null);
        };
    }

    /** The key as OpenAI echoes it: its first three and last four characters, the rest starred. */
    private static String masked(String authorization) {
        String key = authorization == null ? "" : authorization.replaceFirst("(?i)^Bearer\\s+", "");
        if (key.length() <= 8) {
            return "*".repeat(key.length());
        }
        return key.substring(0, 3) + "*".repeat(key.length() - 7) + key.substring(key.length() - 4);
    }

    private static MockResponse invalid(String message, String param) {
        return errorResponse(400, message, "invalid_request_error", param, null);
    }

    private static MockResponse errorResponse(int status, String message, String type, String code) {
        return errorResponse(status, message, type, null, code);
    }

    private static MockResponse errorResponse(int status, String message, String type, String param, String code) {
        ObjectNode error = NODES.objectNode();
        error.putObject("error").put("message", message).put("type", type).put("param", param).put("code", code);
        return json(status, error);
    }

    private static int statusOf(MockResponse response) {
        return Integer.parseInt(response.getStatus().split(" ")[1]);
    }

    private static MockResponse json(int status, JsonNode body) {
        try {
            return new MockResponse()
                    .setResponseCode(status)
                    .setHeader("Content-Type", "application/json")
                    .setBody(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static String pathOf(RecordedRequest request) {
        String path = request.getPath() == null ? "" : request.getPath();
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static int tokens(String text) {
        return Math.max(1, (text.length() + 3) / 4);
    }

    private static long fnv1a(String word) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
