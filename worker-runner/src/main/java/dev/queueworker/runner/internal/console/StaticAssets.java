package dev.queueworker.runner.internal.console;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * The page's files, bundled in the jar under {@code /console/}: only the names listed here are
 * served (no path from the request reaches the class loader), gzipped when the browser accepts it.
 */
final class StaticAssets {

    static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "vendor/uPlot.min.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private record Asset(byte[] plain, byte[] gzipped) {
    }

    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    boolean exists(String name) {
        return TYPES.containsKey(name);
    }

    void serve(HttpExchange exchange, String name) throws IOException {
        Asset asset = cache.computeIfAbsent(name, StaticAssets::load);
        String accept = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        boolean gzip = accept != null && accept.contains("gzip");
        HttpAnswers.bytes(exchange, 200, TYPES.get(name), gzip ? asset.gzipped() : asset.plain(), gzip ? "gzip" : null);
    }

    private static Asset load(String name) {
        try (InputStream in = StaticAssets.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console asset " + name + " is missing from the jar");
            }
            byte[] plain = in.readAllBytes();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(plain);
            }
            return new Asset(plain, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
