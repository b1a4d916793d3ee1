package dev.queueworker.runner.internal.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.queueworker.runner.internal.console.Console;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP endpoints, on the JDK's own server (a few threads; answers are small):
 * <ul>
 *   <li>{@code /health/live}: 200 while the process runs;
 *   <li>{@code /health/ready}: 200 once the queue has answered, 503 before that and while draining,
 *       with the reason as text;
 *   <li>{@code /metrics}: Prometheus text format;
 *   <li>{@code /}: the operator console (docs/console.md), when it may be served on this bind.
 * </ul>
 */
public final class HttpEndpoints implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private HttpEndpoints(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on {@code bind:port} (port 0 picks a free one).
     *
     * @param readiness {@code null} when ready, else why not
     * @param console the console, or null for none; start-up logs one line saying where it is or why not
     */
    public static HttpEndpoints start(String bind, int port, PrometheusMeterRegistry registry,
            Supplier<String> readiness, Console console) throws IOException {
        return start(bind, port, registry, query -> {
            String notReady = readiness.get();
            return notReady == null ? new Readiness(200, "ready\n") : new Readiness(503, "not ready: " + notReady + "\n");
        }, console);
    }

    /** What {@code /health/ready} answers: the status and a text body. */
    public record Readiness(int status, String body) {
    }

    /**
     * Starts serving on {@code bind:port}, {@code /health/ready} answered by {@code readiness} from the
     * request's query string (null when none), as the tenants daemon answers for each client.
     *
     * @param console the console, or null for none
     */
    public static HttpEndpoints start(String bind, int port, PrometheusMeterRegistry registry,
            Function<String, Readiness> readiness, Console console) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        server.createContext("/health/live", exchange -> respond(exchange, 200, "text/plain; charset=utf-8", "live\n"));
        server.createContext("/health/ready", exchange -> {
            Readiness answer = readiness.apply(exchange.getRequestURI().getRawQuery());
            respond(exchange, answer.status(), "text/plain; charset=utf-8", answer.body());
        });
        server.createContext("/metrics", exchange -> respond(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        HttpHandler consoleRoutes = console == null ? null : console.handlerFor(bind);
        server.createContext("/", consoleRoutes != null ? consoleRoutes : exchange -> respond(exchange, 404,
                "text/plain; charset=utf-8", "not found: try /health/live, /health/ready or /metrics\n"));
        // Health probes must not wait behind a console request that scans the poison queue.
        ExecutorService executor = Executors.newFixedThreadPool(console == null ? 1 : 3, r -> {
            Thread t = new Thread(r, "queue-worker-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        if (console != null) {
            LoggerFactory.getLogger("dev.queueworker.runner").info(console.startupLine(bind, server.getAddress().getPort()));
        }
        return new HttpEndpoints(server, executor);
    }

    /** The port served, useful when started on port 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
