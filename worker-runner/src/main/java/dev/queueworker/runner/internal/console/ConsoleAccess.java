package dev.queueworker.runner.internal.console;

import com.sun.net.httpserver.HttpExchange;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may see the console and who may act on it. Two modes:
 * <ul>
 *   <li>{@link Mode#LOOPBACK}: no token configured; served only on a loopback bind, to loopback peers
 *       whose {@code Host} names the loopback (a DNS-rebinding page gets 403);
 *   <li>{@link Mode#TOKEN}: every API call needs the token, as {@code Authorization: Bearer} or as the
 *       session cookie set by the login form (HttpOnly, SameSite=Strict, an HMAC of the token, so no
 *       server state).
 * </ul>
 * Actions (POST) also need a same-origin request: the custom header {@value #ACTION_HEADER} (which a
 * cross-site form cannot send and a cross-site script cannot send without a CORS preflight we never
 * grant), no cross-site {@code Sec-Fetch-Site}, and an {@code Origin}, when sent, equal to the host.
 */
final class ConsoleAccess {

    /** How the console is protected. */
    enum Mode { LOOPBACK, TOKEN }

    /** The header every action must carry. */
    static final String ACTION_HEADER = "X-Queue-Worker-Console";
    static final String COOKIE = "qw_console";
    private static final Pattern LOOPBACK_HOST = Pattern.compile(
            "(?i)(localhost|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[::1\\])(:\\d{1,5})?");

    private final Mode mode;
    private final String token;
    private final String sessionValue;

    ConsoleAccess(String token) {
        this.mode = token == null ? Mode.LOOPBACK : Mode.TOKEN;
        this.token = token;
        this.sessionValue = token == null ? null : hmac(token, "queue-worker console session v1");
    }

    Mode mode() {
        return mode;
    }

    /** Whether the console is served at all on {@code bind}: always with a token, else only on loopback. */
    boolean servedOn(String bind) {
        return mode == Mode.TOKEN || isLoopbackBind(bind);
    }

    static boolean isLoopbackBind(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Null when {@code exchange} may read the console's data, else why not (for a 401 or 403). */
    Refusal checkRead(HttpExchange exchange) {
        if (mode == Mode.LOOPBACK) {
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()
                    || host == null || !LOOPBACK_HOST.matcher(host).matches()) {
                return new Refusal(403, "the console answers loopback requests to localhost only");
            }
            return null;
        }
        return authenticated(exchange) ? null : new Refusal(401, "log in with the console token");
    }

    /** Null when {@code exchange} may change something, else why not. */
    Refusal checkAction(HttpExchange exchange) {
        Refusal read = checkRead(exchange);
        if (read != null) {
            return read;
        }
        return checkSameOrigin(exchange);
    }

    /** The cross-site checks alone (the login form has no session yet). */
    Refusal checkSameOrigin(HttpExchange exchange) {
        var headers = exchange.getRequestHeaders();
        if (!"POST".equals(exchange.getRequestMethod())) {
            return new Refusal(405, "actions are POST");
        }
        if (!"1".equals(headers.getFirst(ACTION_HEADER))) {
            return new Refusal(403, "actions need the " + ACTION_HEADER + " header (cross-site requests are refused)");
        }
        String site = headers.getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return new Refusal(403, "cross-site request refused");
        }
        String origin = headers.getFirst("Origin");
        String host = headers.getFirst("Host");
        if (origin != null && (host == null || !origin.toLowerCase(Locale.ROOT).equals("http://" + host.toLowerCase(Locale.ROOT))
                && !origin.toLowerCase(Locale.ROOT).equals("https://" + host.toLowerCase(Locale.ROOT)))) {
            return new Refusal(403, "cross-origin request refused");
        }
        return null;
    }

    /** Whether {@code presented} is the token, compared in constant time. */
    boolean tokenMatches(String presented) {
        return token != null && presented != null && MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code Set-Cookie} value of a session, after the token was presented. */
    String sessionCookie() {
        return COOKIE + "=" + sessionValue + "; Path=/; HttpOnly; SameSite=Strict";
    }

    static String clearedCookie() {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    /** How a request authenticated, for the audit log: never the token itself. */
    String who(HttpExchange exchange) {
        String peer = exchange.getRemoteAddress().getAddress().getHostAddress();
        return (mode == Mode.LOOPBACK ? "loopback" : "token") + "@" + peer;
    }

    private boolean authenticated(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.startsWith("Bearer ")) {
            return tokenMatches(authorization.substring("Bearer ".length()).strip());
        }
        String cookies = exchange.getRequestHeaders().getFirst("Cookie");
        if (cookies == null) {
            return false;
        }
        for (String cookie : cookies.split(";")) {
            String c = cookie.strip();
            if (c.startsWith(COOKIE + "=")) {
                return MessageDigest.isEqual(c.substring(COOKIE.length() + 1).getBytes(StandardCharsets.UTF_8),
                        sessionValue.getBytes(StandardCharsets.UTF_8));
            }
        }
        return false;
    }

    private static String hmac(String key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Why a request is refused: the HTTP status and a sentence. */
    record Refusal(int status, String reason) {
    }
}
