package dev.queueworker.runner.internal.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.queueworker.core.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The demo's frontend: a webhook receiver on 127.0.0.1 (a free port) that checks each request as a
 * real receiver should — the Standard Webhooks signature with {@link WebhookSignature}, a timestamp
 * within five minutes, duplicates dropped by {@code webhook-id} — and hands every webhook to a
 * consumer. Answers 204, or 401 for a bad signature. One thread, so the consumer sees one webhook at
 * a time.
 */
public final class DemoWebhookReceiver implements AutoCloseable {

    /** The path webhooks are posted to. */
    public static final String PATH = "/webhooks";

    private static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One webhook as it arrived.
     *
     * @param body the parsed JSON body; null when it was not JSON
     * @param signatureValid whether the signature matched and the timestamp was recent
     * @param duplicate whether a webhook with this {@code webhook-id} arrived before
     */
    public record Received(String webhookId, JsonNode body, boolean signatureValid, boolean duplicate) {
        /** The body's {@code task_id}, or null. */
        public String taskId() {
            return text("task_id");
        }

        /** The body's {@code status}: {@code completed} or {@code failed}. */
        public String status() {
            return text("status");
        }

        /** The body's {@code result}, or a missing node. */
        public JsonNode result() {
            return body == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : body.path("result");
        }

        private String text(String field) {
            return body == null || !body.path(field).isTextual() ? null : body.path(field).asText();
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String secret;
    private final Clock clock;
    private final Consumer<Received> consumer;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    private DemoWebhookReceiver(HttpServer server, ExecutorService executor, String secret, Clock clock,
            Consumer<Received> consumer) {
        this.server = server;
        this.executor = executor;
        this.secret = secret;
        this.clock = clock;
        this.consumer = consumer;
    }

    /**
     * Starts a receiver on a free loopback port.
     *
     * @param secret the {@code whsec_} secret the worker signs with
     * @param consumer called once per webhook, on the receiver's thread
     */
    public static DemoWebhookReceiver start(String secret, Clock clock, Consumer<Received> consumer) throws IOException {
        WebhookSignature.validateSecret(secret);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "demo-webhook-receiver");
            t.setDaemon(true);
            return t;
        });
        DemoWebhookReceiver receiver = new DemoWebhookReceiver(server, executor, secret, clock,
                Objects.requireNonNull(consumer, "consumer"));
        server.createContext(PATH, receiver::handle);
        server.setExecutor(executor);
        server.start();
        return receiver;
    }

    /** The URL to put in {@code webhook_url}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] raw;
            try (InputStream in = exchange.getRequestBody()) {
                raw = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            if (raw.length > MAX_BODY_BYTES) {
                exchange.sendResponseHeaders(413, -1);
                return;
            }
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
            boolean valid = WebhookSignature.verify(secret, id, timestamp, signature, raw) && recent(timestamp);
            JsonNode body;
            try {
                body = JSON.readTree(raw);
            } catch (IOException notJson) {
                body = null;
            }
            boolean duplicate = valid && id != null && !seen.add(id);
            try {
                // Before answering, so the worker (waiting for the answer) moves on only once it is shown.
                consumer.accept(new Received(id, body, valid, duplicate));
            } catch (RuntimeException e) {
                // The display failing must not turn into a failed delivery.
                org.slf4j.LoggerFactory.getLogger(DemoWebhookReceiver.class).warn("showing a webhook failed", e);
            }
            exchange.sendResponseHeaders(valid ? 204 : 401, -1);
        }
    }

    private boolean recent(String timestamp) {
        try {
            long seconds = Long.parseLong(timestamp.trim());
            return Math.abs(clock.instant().getEpochSecond() - seconds) <= TOLERANCE.toSeconds();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
