package dev.queueworker.runner.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.queueworker.api.QueueWorkerException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's URLs: {@code /} (the page), {@code /console/assets/*}, {@code /console/api/*} (JSON
 * views and actions) and {@code /console/events} (server-sent events). Every data URL passes
 * {@link ConsoleAccess}; every action is POST, same-origin, refused in read-only mode and audited.
 */
final class ConsoleRoutes implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(ConsoleRoutes.class);
    private static final String API = "/console/api/";

    private final Console console;
    private final ConsoleAccess access;
    private final StaticAssets assets = new StaticAssets();

    ConsoleRoutes(Console console, ConsoleAccess access) {
        this.console = console;
        this.access = access;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        try {
            if (path.equals("/") || path.startsWith("/console/assets/")) {
                String name = path.equals("/") ? "index.html" : path.substring("/console/assets/".length());
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    HttpAnswers.error(exchange, 405, "GET only");
                } else if (assets.exists(name)) {
                    assets.serve(exchange, name);
                } else {
                    HttpAnswers.error(exchange, 404, "not found");
                }
                return;
            }
            if (path.equals("/console/events")) {
                ConsoleAccess.Refusal refusal = access.checkRead(exchange);
                if (refusal != null) {
                    HttpAnswers.error(exchange, refusal.status(), refusal.reason());
                } else if (!console.events().open(exchange)) {
                    HttpAnswers.error(exchange, 503, "too many open consoles");
                }
                return;
            }
            if (path.startsWith(API)) {
                api(exchange, path.substring(API.length()), method);
                return;
            }
            HttpAnswers.error(exchange, 404, "not found: the console is at /, health at /health/live and"
                    + " /health/ready, metrics at /metrics");
        } catch (HttpAnswers.BadRequest e) {
            HttpAnswers.error(exchange, 400, e.getMessage());
        } catch (UnsupportedOperationException e) {
            HttpAnswers.error(exchange, 501, e.getMessage());
        } catch (QueueWorkerException e) {
            HttpAnswers.error(exchange, 502, "the queue failed: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Console: {} {} failed", method, path, e);
            HttpAnswers.error(exchange, 500, "the console failed: " + e.getClass().getSimpleName());
        }
    }

    private void api(HttpExchange exchange, String route, String method) throws IOException {
        switch (route) {
            case "session" -> {
                ObjectNode n = HttpAnswers.JSON.createObjectNode();
                n.put("mode", access.mode().name().toLowerCase(java.util.Locale.ROOT));
                n.put("authenticated", access.checkRead(exchange) == null);
                n.put("readOnly", console.readOnly());
                n.put("clientId", console.clientId());
                HttpAnswers.json(exchange, 200, n);
                return;
            }
            case "login" -> {
                ConsoleAccess.Refusal refusal = access.checkSameOrigin(exchange);
                if (refusal != null) {
                    HttpAnswers.error(exchange, refusal.status(), refusal.reason());
                    return;
                }
                JsonNode body = HttpAnswers.readJson(exchange);
                if (access.mode() != ConsoleAccess.Mode.TOKEN || !access.tokenMatches(body.path("token").asText(null))) {
                    HttpAnswers.error(exchange, 401, "wrong token");
                    return;
                }
                exchange.getResponseHeaders().add("Set-Cookie", access.sessionCookie());
                HttpAnswers.json(exchange, 200, HttpAnswers.JSON.createObjectNode().put("authenticated", true));
                return;
            }
            case "logout" -> {
                exchange.getResponseHeaders().add("Set-Cookie", ConsoleAccess.clearedCookie());
                HttpAnswers.json(exchange, 200, HttpAnswers.JSON.createObjectNode().put("authenticated", false));
                return;
            }
            default -> {
            }
        }
        boolean action = method.equals("POST");
        ConsoleAccess.Refusal refusal = action ? access.checkAction(exchange) : access.checkRead(exchange);
        if (refusal != null) {
            HttpAnswers.error(exchange, refusal.status(), refusal.reason());
            return;
        }
        if (!action && !method.equals("GET")) {
            HttpAnswers.error(exchange, 405, "GET or POST");
            return;
        }
        if (action && console.readOnly()) {
            HttpAnswers.error(exchange, 403, "read-only mode (WORKER_CONSOLE_READ_ONLY): the console changes nothing");
            return;
        }
        Map<String, String> query = query(exchange);
        String who = access.who(exchange);
        switch ((action ? "POST " : "GET ") + route) {
            case "GET overview" -> HttpAnswers.json(exchange, 200, console.overview());
            case "GET live" -> HttpAnswers.json(exchange, 200, console.live(true));
            case "GET workers" -> HttpAnswers.json(exchange, 200, console.workers());
            case "GET inflight" -> HttpAnswers.json(exchange, 200, console.inFlight());
            case "GET recent" -> HttpAnswers.json(exchange, 200, console.history().query(query.get("status"),
                    query.get("type"), query.get("q"), limit(query.get("limit"))));
            case "GET poison" -> HttpAnswers.json(exchange, 200, console.poison().list(query.get("q"),
                    limit(query.get("limit"))));
            case "POST poison/requeue", "POST poison/delete" -> {
                JsonNode body = HttpAnswers.readJson(exchange);
                String id = required(body, "messageId");
                PoisonView.Action what = route.endsWith("requeue") ? PoisonView.Action.REQUEUE : PoisonView.Action.DELETE;
                int count = console.poison().actOnOne(what, id);
                console.audit().record(who, "poison." + what.name().toLowerCase(java.util.Locale.ROOT),
                        "message=" + AuditLog.quote(id), count);
                console.sampleSoon();
                HttpAnswers.json(exchange, 200, HttpAnswers.JSON.createObjectNode().put("count", count));
            }
            case "POST poison/requeue-matching", "POST poison/delete-matching" -> {
                JsonNode body = HttpAnswers.readJson(exchange);
                String q = body.path("q").asText("");
                PoisonView.Action what = route.startsWith("poison/requeue") ? PoisonView.Action.REQUEUE
                        : PoisonView.Action.DELETE;
                int count = console.poison().actOnMatching(what, q);
                console.audit().record(who, "poison." + what.name().toLowerCase(java.util.Locale.ROOT) + "-matching",
                        "query=" + AuditLog.quote(q), count);
                console.sampleSoon();
                HttpAnswers.json(exchange, 200, HttpAnswers.JSON.createObjectNode().put("count", count));
            }
            case "POST submit" -> {
                JsonNode body = HttpAnswers.readJson(exchange);
                ObjectNode submitted = console.submit(required(body, "type"), body.path("payload").asText(null),
                        body.path("webhookUrl").asText(null));
                console.audit().record(who, "submit", "type=" + AuditLog.quote(body.path("type").asText())
                        + " task=" + AuditLog.quote(submitted.path("taskId").asText()), 1);
                console.sampleSoon();
                HttpAnswers.json(exchange, 200, submitted);
            }
            default -> HttpAnswers.error(exchange, 404, "no such console URL: " + route);
        }
    }

    private static String required(JsonNode body, String field) {
        String v = body.path(field).asText("");
        if (v.isBlank()) {
            throw new HttpAnswers.BadRequest("'" + field + "' is required");
        }
        return v;
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return 200;
        }
        try {
            return Math.max(1, Math.min(Integer.parseInt(value), 10_000));
        } catch (NumberFormatException e) {
            throw new HttpAnswers.BadRequest("'limit' must be a number");
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> out = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }
}
