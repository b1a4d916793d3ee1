package dev.queueworker.runner.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes the console's answers, every one with the security headers (strict CSP, no framing, no sniffing). */
final class HttpAnswers {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final int MAX_BODY = 256 * 1024;

    private HttpAnswers() {
    }

    static void securityHeaders(Headers h) {
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
    }

    static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        bytes(exchange, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body), null);
    }

    static void error(HttpExchange exchange, int status, String message) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", message);
        json(exchange, status, node);
    }

    static void bytes(HttpExchange exchange, int status, String contentType, byte[] body, String encoding)
            throws IOException {
        try (exchange) {
            Headers h = exchange.getResponseHeaders();
            securityHeaders(h);
            h.set("Content-Type", contentType);
            h.set("Cache-Control", "no-store");
            if (encoding != null) {
                h.set("Content-Encoding", encoding);
                h.set("Vary", "Accept-Encoding");
            }
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** The request's JSON object body (at most 256 KiB). */
    static JsonNode readJson(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new BadRequest("the body must be application/json");
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new BadRequest("the body is larger than 256 KiB");
            }
            JsonNode node = JSON.readTree(new String(body, StandardCharsets.UTF_8));
            if (node == null || !node.isObject()) {
                throw new BadRequest("the body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("the body is not valid JSON");
        }
    }

    /** A request the console refuses with 400 and this message. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
