package dev.queueworker.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.queueworker.core.WebhookSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real HTTP server on 127.0.0.1 that records every webhook POSTed to it, verifies signatures, and
 * answers as a test programs it.
 *
 * <pre>{@code
 * try (RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start(secret)) {
 *     receiver.respondWith(503, 200);                   // first fails, then accepts
 *     // ... run a task whose webhook_url is receiver.url()
 *     ReceivedWebhook hook = receiver.awaitTask(taskId, Duration.ofSeconds(5));
 *     assertThat(hook.signatureValid()).isTrue();
 *     assertThat(hook.body().path("status").asText()).isEqual("completed");
 * }
 * }</pre>
 *
 * <p>{@link #stop()} and {@link #restart()} take the receiver down and bring it back on the same
 * port, to test deliveries that fail for a while. Safe for concurrent use.
 */
public final class RecordingWebhookReceiver implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HOST = "127.0.0.1";

    private final String secret;
    private final ExecutorService executor;
    private final Object lock = new Object();
    private final List<ReceivedWebhook> received = new ArrayList<>();
    private final Deque<Answer> answers = new ArrayDeque<>();
    private Duration delay = Duration.ZERO;
    private String redirectTo;
    private HttpServer server;
    private CountDownLatch stopped = new CountDownLatch(1);
    private final int port;
    private boolean closed;

    /** One recorded request. Header names are lower-cased. */
    public record ReceivedWebhook(String path, Map<String, List<String>> headers, byte[] rawBody, JsonNode body,
            String webhookId, String timestamp, boolean signatureValid, int responseStatus) {
        public ReceivedWebhook {
            headers = Map.copyOf(headers);
            rawBody = rawBody.clone();
        }

        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** The body's {@code task_id}, or null. */
        public String taskId() {
            return body == null || !body.path("task_id").isTextual() ? null : body.path("task_id").textValue();
        }

        @Override
        public byte[] rawBody() {
            return rawBody.clone();
        }

        @Override
        public String toString() {
            return "ReceivedWebhook{path=" + path + ", webhookId=" + webhookId + ", taskId=" + taskId()
                    + ", signatureValid=" + signatureValid + ", responseStatus=" + responseStatus + "}";
        }
    }

    private record Answer(int status, Map<String, String> headers) {
    }

    private RecordingWebhookReceiver(String secret) {
        if (secret != null) {
            WebhookSignature.validateSecret(secret);
        }
        this.secret = secret;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "recording-webhook-receiver");
            t.setDaemon(true);
            return t;
        });
        this.server = bind(0);
        this.port = server.getAddress().getPort();
    }

    /** Starts a receiver that does not check signatures. */
    public static RecordingWebhookReceiver start() {
        return new RecordingWebhookReceiver(null);
    }

    /** Starts a receiver that verifies each request's Standard Webhooks signature with {@code secret}. */
    public static RecordingWebhookReceiver start(String secret) {
        return new RecordingWebhookReceiver(Objects.requireNonNull(secret, "'secret' cannot be null."));
    }

    /** {@code http://127.0.0.1:<port>/webhook}. */
    public String url() {
        return url("/webhook");
    }

    /** {@code http://127.0.0.1:<port>} followed by {@code path}. */
    public String url(String path) {
        Objects.requireNonNull(path, "'path' cannot be null.");
        return "http://" + HOST + ":" + port + (path.startsWith("/") ? path : "/" + path);
    }

    /** The port, the same across {@link #restart()}. */
    public int port() {
        return port;
    }

    /** Everything received so far, oldest first. */
    public List<ReceivedWebhook> received() {
        synchronized (lock) {
            return List.copyOf(received);
        }
    }

    /**
     * Waits until at least {@code n} webhooks have arrived and returns them all.
     *
     * @throws AssertionError listing what did arrive, when fewer arrive in time
     */
    public List<ReceivedWebhook> awaitCount(int n, Duration timeout) {
        awaitCondition(list -> list.size() >= n, timeout, "at least " + n + " webhooks");
        return received();
    }

    /**
     * Waits for the first webhook whose body's {@code task_id} is {@code taskId}.
     *
     * @throws AssertionError listing what did arrive, when none matches in time
     */
    public ReceivedWebhook awaitTask(String taskId, Duration timeout) {
        Objects.requireNonNull(taskId, "'taskId' cannot be null.");
        awaitCondition(list -> list.stream().anyMatch(w -> taskId.equals(w.taskId())), timeout,
                "a webhook for task " + taskId);
        return received().stream().filter(w -> taskId.equals(w.taskId())).findFirst().orElseThrow();
    }

    /** Answers the next requests with these statuses, in order, then 200 again. */
    public RecordingWebhookReceiver respondWith(int... statuses) {
        synchronized (lock) {
            for (int s : statuses) {
                answers.add(new Answer(checkStatus(s), Map.of()));
            }
        }
        return this;
    }

    /** Answers the next request with this status and headers (e.g. {@code Retry-After}), queued like {@link #respondWith(int...)}. */
    public RecordingWebhookReceiver respondWith(int status, Map<String, String> headers) {
        Objects.requireNonNull(headers, "'headers' cannot be null.");
        synchronized (lock) {
            answers.add(new Answer(checkStatus(status), Map.copyOf(headers)));
        }
        return this;
    }

    /** Waits this long before answering each request ({@link Duration#ZERO} for no wait). */
    public RecordingWebhookReceiver respondWithDelay(Duration delay) {
        Objects.requireNonNull(delay, "'delay' cannot be null.");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("'delay' cannot be negative");
        }
        synchronized (lock) {
            this.delay = delay;
        }
        return this;
    }

    /** Answers every request with 307 to {@code url}; null stops redirecting. Takes precedence over queued answers. */
    public RecordingWebhookReceiver redirectTo(String url) {
        synchronized (lock) {
            this.redirectTo = url;
        }
        return this;
    }

    /** Stops listening; requests then fail to connect until {@link #restart()}. Does nothing if stopped. */
    public void stop() {
        HttpServer s;
        CountDownLatch latch;
        synchronized (lock) {
            s = server;
            latch = stopped;
            server = null;
        }
        if (s != null) {
            latch.countDown(); // releases handlers waiting out a delay
            s.stop(0);
        }
    }

    /** Listens again on the same port. Does nothing if running. */
    public void restart() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the receiver is closed");
            }
            if (server != null) {
                return;
            }
            stopped = new CountDownLatch(1);
            server = bind(port);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        stop();
        executor.shutdownNow();
    }

    private HttpServer bind(int onPort) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(HOST), onPort), 0);
            s.createContext("/", this::handle);
            s.setExecutor(executor);
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + HOST + ":" + onPort, e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Duration wait;
            CountDownLatch latch;
            synchronized (lock) {
                wait = delay;
                latch = stopped;
            }
            if (!wait.isZero()) {
                try {
                    latch.await(wait.toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            String id = first(headers, "webhook-id");
            String timestamp = first(headers, "webhook-timestamp");
            boolean valid = secret == null
                    || WebhookSignature.verify(secret, id, timestamp, first(headers, "webhook-signature"), raw);
            Answer answer;
            synchronized (lock) {
                if (redirectTo != null) {
                    answer = new Answer(307, Map.of("Location", redirectTo));
                } else {
                    Answer next = answers.poll();
                    answer = next != null ? next : new Answer(200, Map.of());
                }
                received.add(new ReceivedWebhook(exchange.getRequestURI().getPath(), headers, raw, parse(raw), id,
                        timestamp, valid, answer.status()));
                lock.notifyAll();
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(answer.status(), -1);
        }
    }

    private void awaitCondition(Predicate<List<ReceivedWebhook>> condition, Duration timeout, String what) {
        Objects.requireNonNull(timeout, "'timeout' cannot be null.");
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!condition.test(received)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + what + " within " + timeout + " but received "
                            + received.size() + ": " + received);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + what, e);
                }
            }
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static JsonNode parse(byte[] raw) {
        if (raw.length == 0) {
            return null;
        }
        try {
            JsonNode n = MAPPER.readTree(raw);
            return n == null || n.isMissingNode() ? null : n;
        } catch (IOException notJson) {
            return null;
        }
    }

    private static int checkStatus(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200-599, was " + status);
        }
        return status;
    }
}
