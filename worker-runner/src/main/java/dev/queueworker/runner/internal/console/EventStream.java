package dev.queueworker.runner.internal.console;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Server-sent events at {@code /console/events}: the live view as one {@code data:} line every
 * push, with the charts' figures in every {@link #FIGURES_EVERY}th push only (they change per sample
 * and per minute), so an open page costs little bandwidth. The handler only registers the stream and returns; the console's scheduler thread writes to
 * every open stream, so an open page holds no HTTP thread. A stream that fails to take a write is
 * dropped. At most {@link #MAX_STREAMS} at once; the page closes its stream while hidden.
 */
final class EventStream implements AutoCloseable {

    static final int MAX_STREAMS = 8;
    static final int FIGURES_EVERY = 5;

    private final List<HttpExchange> streams = new CopyOnWriteArrayList<>();
    private final Function<Boolean, String> snapshot;
    private long pushes;

    /** @param snapshot the live view as JSON, with the figures when given true */
    EventStream(Function<Boolean, String> snapshot) {
        this.snapshot = snapshot;
    }

    /** Opens a stream on {@code exchange}; false (and nothing sent) when too many are open. */
    boolean open(HttpExchange exchange) throws IOException {
        if (streams.size() >= MAX_STREAMS) {
            return false;
        }
        var h = exchange.getResponseHeaders();
        HttpAnswers.securityHeaders(h);
        h.set("Content-Type", "text/event-stream; charset=utf-8");
        h.set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, 0);
        streams.add(exchange);
        write(exchange, "retry: 3000\n\n" + event(snapshot.apply(true)));
        return true;
    }

    int openStreams() {
        return streams.size();
    }

    /** Sends the current snapshot to every stream; builds nothing when none is open. */
    void push() {
        if (streams.isEmpty()) {
            return;
        }
        String message = event(snapshot.apply(pushes++ % FIGURES_EVERY == 0));
        for (HttpExchange exchange : streams) {
            write(exchange, message);
        }
    }

    private static String event(String json) {
        return "data: " + json + "\n\n";
    }

    private void write(HttpExchange exchange, String text) {
        try {
            OutputStream out = exchange.getResponseBody();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | RuntimeException e) {
            streams.remove(exchange);
            exchange.close();
        }
    }

    @Override
    public void close() {
        for (HttpExchange exchange : streams) {
            streams.remove(exchange);
            exchange.close();
        }
    }
}
