package dev.queueworker.core;

import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookDelivery.Outcome;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.internal.WebhookJson;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link WebhookNotifier}: POSTs each event's JSON over OkHttp, signed per the Standard
 * Webhooks specification when a secret is set, with quick retries on transient failures.
 *
 * <pre>{@code
 * WebhookNotifier notifier = OkHttpWebhookNotifier.builder()
 *         .secret(secret)                               // nullable: unsigned
 *         .allowedHosts(List.of("app.example", "*.hooks.example"))
 *         .readTimeout(Duration.ofSeconds(10))
 *         .maxAttempts(3)
 *         .build();
 * WebhookDelivery d = notifier.deliver(event);
 * }</pre>
 *
 * <p><b>Outcomes.</b> 2xx is {@link Outcome#DELIVERED DELIVERED}. Network errors, timeouts, 408, 429
 * and 5xx are retried up to {@code maxAttempts} times with doubling, jittered backoff (or the
 * receiver's {@code Retry-After} when it is at most {@code maxRetryAfter}), then reported as
 * {@link Outcome#RETRY_LATER RETRY_LATER}. Any other 4xx is {@link Outcome#REJECTED REJECTED} at once,
 * as is a redirect without {@code Location} or more than five redirects. Redirects are followed by
 * this class, not by OkHttp, re-POSTing the same body.
 *
 * <p><b>Request forgery guard.</b> Every URL, the first and each redirect target, is checked before a
 * connection is made and {@link Outcome#REFUSED REFUSED} when it is not http(s), when its host is
 * not in {@code allowedHosts} (if set), or when its host is, or resolves to, a link-local or cloud
 * metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::254, their IPv4-mapped forms) or the
 * unspecified address. Loopback and private addresses are allowed; use {@code allowedHosts} to
 * narrow further. Host names are checked through a {@link Dns} that wraps the client's own, so the
 * address checked is the address connected to.
 *
 * <p>Instances are immutable and safe for concurrent use; {@link #deliver} blocks the calling thread
 * for the requests and the backoff between them.
 */
public final class OkHttpWebhookNotifier implements WebhookNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(OkHttpWebhookNotifier.class);
    private static final MediaType JSON = MediaType.get("application/json");
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_DETAIL = 300;

    private final OkHttpClient baseClient;
    private final OkHttpClient client;
    private final String secret;
    private final List<String> allowedHosts;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxRetryAfter;
    private final Clock clock;
    private final Sleeper sleeper;
    private final String userAgent;

    private OkHttpWebhookNotifier(Builder b) {
        this.baseClient = b.okHttpClient;
        this.secret = b.secret;
        this.allowedHosts = List.copyOf(b.allowedHosts);
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxRetryAfter = b.maxRetryAfter;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.userAgent = b.userAgent;
        OkHttpClient base = baseClient != null ? baseClient : new OkHttpClient();
        this.client = base.newBuilder()
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .followRedirects(false)
                .followSslRedirects(false)
                .dns(new GuardingDns(base.dns()))
                .build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this notifier's settings, to derive a differently configured one. */
    public Builder newBuilder() {
        return new Builder(this);
    }

    /** Waits between quick retries; tests replace it to record the waits instead of waiting. */
    @FunctionalInterface
    public interface Sleeper {
        /** The default: {@link Thread#sleep(long)}. */
        Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

        void sleep(Duration d) throws InterruptedException;
    }

    @Override
    public WebhookDelivery deliver(WebhookEvent event) {
        Objects.requireNonNull(event, "'event' cannot be null.");
        HttpUrl first = HttpUrl.parse(event.url());
        if (first == null) {
            return new WebhookDelivery(Outcome.REFUSED, 0, 0, "refused: " + describeUnparsable(event.url()));
        }
        byte[] body = WebhookJson.payload(event);
        Counter counter = new Counter();
        Attempt last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            last = attempt(event, first, body, counter);
            if (last.outcome != Outcome.RETRY_LATER) {
                return last.toDelivery(counter.requests);
            }
            if (attempt == maxAttempts) {
                break;
            }
            Duration wait;
            if (last.retryAfter != null) {
                if (last.retryAfter.compareTo(maxRetryAfter) > 0) {
                    return new WebhookDelivery(Outcome.RETRY_LATER, last.status, counter.requests,
                            last.detail + "; Retry-After " + last.retryAfter.toSeconds() + "s exceeds maxRetryAfter");
                }
                wait = last.retryAfter;
            } else {
                wait = backoff(attempt);
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new WebhookDelivery(Outcome.RETRY_LATER, last.status, counter.requests,
                        last.detail + "; interrupted while waiting to retry");
            }
        }
        return last.toDelivery(counter.requests);
    }

    /** One quick attempt: the first URL and any redirects it leads to. */
    private Attempt attempt(WebhookEvent event, HttpUrl first, byte[] body, Counter counter) {
        long timestamp = clock.instant().getEpochSecond();
        String signature = secret == null ? null : WebhookSignature.sign(secret, event.webhookId(), timestamp, body);
        HttpUrl url = first;
        int lastStatus = 0;
        for (int hop = 0; ; hop++) {
            String refusal = guard(url);
            if (refusal != null) {
                return new Attempt(Outcome.REFUSED, lastStatus, "refused: " + refusal, null);
            }
            Request.Builder request = new Request.Builder()
                    .url(url)
                    .header("User-Agent", userAgent)
                    .header("webhook-id", event.webhookId())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .post(RequestBody.create(body, JSON));
            if (signature != null) {
                request.header("webhook-signature", signature);
            }
            String where = redact(url);
            try (Response response = client.newCall(request.build()).execute()) {
                counter.requests++;
                int status = response.code();
                lastStatus = status;
                LOG.debug("Webhook {} request {} to {}: HTTP {}", event.webhookId(), counter.requests, where, status);
                if (status >= 200 && status < 300) {
                    return new Attempt(Outcome.DELIVERED, status, "HTTP " + status + " from " + where, null);
                }
                if (isRedirect(status)) {
                    String location = response.header("Location");
                    if (location == null || location.isBlank()) {
                        return new Attempt(Outcome.REJECTED, status,
                                "HTTP " + status + " redirect without Location from " + where, null);
                    }
                    if (hop == MAX_REDIRECTS) {
                        return new Attempt(Outcome.REJECTED, status,
                                "more than " + MAX_REDIRECTS + " redirects, last from " + where, null);
                    }
                    HttpUrl next = url.resolve(location);
                    if (next == null) {
                        return new Attempt(Outcome.REFUSED, status,
                                "refused: redirect from " + where + " to a URL that is not http(s)", null);
                    }
                    url = next;
                    continue;
                }
                if (status == 408 || status == 429 || status >= 500) {
                    return new Attempt(Outcome.RETRY_LATER, status, "HTTP " + status + " from " + where,
                            retryAfter(response.header("Retry-After")));
                }
                return new Attempt(Outcome.REJECTED, status, "HTTP " + status + " from " + where, null);
            } catch (IOException | RuntimeException e) {
                RefusedHostException refused = findRefusal(e);
                if (refused != null) {
                    LOG.debug("Webhook {} to {} refused: {}", event.webhookId(), where, refused.getMessage());
                    return new Attempt(Outcome.REFUSED, lastStatus, "refused: " + refused.getMessage(), null);
                }
                counter.requests++;
                String detail = truncate(e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + " from " + where);
                LOG.debug("Webhook {} request {} to {}: {}", event.webhookId(), counter.requests, where, detail);
                return new Attempt(Outcome.RETRY_LATER, 0, detail, null);
            }
        }
    }

    /**
     * Why this notifier would refuse to send to {@code url}, without sending anything: not an
     * http(s) URL, a host outside {@code allowedHosts}, or a host that is or resolves to a
     * link-local or cloud-metadata address. Empty when it would send. Resolves the host name; for
     * connectivity checks such as {@code queue-worker check}.
     *
     * @throws UnknownHostException when the host name does not resolve
     */
    public Optional<String> refusalReason(String url) throws UnknownHostException {
        HttpUrl parsed = url == null ? null : HttpUrl.parse(url.strip());
        if (parsed == null) {
            return Optional.of("not an http(s) URL");
        }
        String refused = guard(parsed);
        if (refused != null) {
            return Optional.of(refused);
        }
        for (InetAddress address : InetAddress.getAllByName(parsed.host())) {
            String reason = blockedReason(address);
            if (reason != null) {
                return Optional.of(parsed.host() + " resolves to " + address.getHostAddress() + ", " + reason);
            }
        }
        return Optional.empty();
    }

    /** Why {@code url} must not be contacted, or null when it may. */
    private String guard(HttpUrl url) {
        String host = url.host();
        if (isIpLiteral(host)) {
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                return host + " is not a valid IP address";
            }
            String reason = blockedReason(address);
            if (reason != null) {
                return host + " is " + reason;
            }
        }
        if (!allowedHosts.isEmpty() && !isAllowed(host)) {
            return host + " is not in allowedHosts";
        }
        return null;
    }

    private boolean isAllowed(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String pattern : allowedHosts) {
            if (pattern.startsWith("*.")) {
                if (h.endsWith(pattern.substring(1)) && h.length() > pattern.length() - 1) {
                    return true;
                }
            } else if (pattern.equals(h)) {
                return true;
            }
        }
        return false;
    }

    /** What makes an address off limits, phrased to follow "is", or null when it is allowed. */
    static String blockedReason(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            if (isFd00Ec2Metadata(b)) {
                return "a cloud-metadata address";
            }
            // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) forms reach an IPv4 address.
            if (isMappedOrNat64(b)) {
                byte[] v4 = new byte[] {b[12], b[13], b[14], b[15]};
                String reason = ipv4Reason(v4);
                return reason == null ? null : "an IPv4-mapped " + reason;
            }
            if (address.isLinkLocalAddress()) {
                return "a link-local address";
            }
            if (address.isAnyLocalAddress()) {
                return "the unspecified address";
            }
            return null;
        }
        if (address instanceof Inet4Address) {
            return ipv4Reason(b);
        }
        return null;
    }

    private static String ipv4Reason(byte[] b) {
        if ((b[0] & 0xff) == 169 && (b[1] & 0xff) == 254) {
            return "a link-local/cloud-metadata address";
        }
        if (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0) {
            return "the unspecified address";
        }
        return null;
    }

    private static boolean isFd00Ec2Metadata(byte[] b) {
        byte[] metadata = {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
        return java.util.Arrays.equals(b, metadata);
    }

    private static boolean isMappedOrNat64(byte[] b) {
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = b[i] == 0;
        }
        return mapped || nat64;
    }

    private static boolean isIpLiteral(String host) {
        // HttpUrl gives IPv6 hosts without brackets; IPv4 literals are canonical dotted quads.
        return host.indexOf(':') >= 0 || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private Duration backoff(int failedAttempt) {
        long base = initialBackoff.toMillis() << Math.min(failedAttempt - 1, 20);
        // Half fixed, half random: spreads retries from many workers, yet each wait exceeds the last.
        long half = base / 2;
        long jitter = half > 0 ? ThreadLocalRandom.current().nextLong(half) : 0;
        return Duration.ofMillis(base - half + jitter);
    }

    /** Retry-After as delta-seconds or an HTTP-date; null when absent or unreadable. */
    private Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (v.matches("[0-9]{1,18}")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(clock.instant(), at);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static RefusedHostException findRefusal(Throwable e) {
        Set<Throwable> seen = new HashSet<>();
        List<Throwable> todo = new ArrayList<>(List.of(e));
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(todo.size() - 1);
            if (t == null || !seen.add(t)) {
                continue;
            }
            if (t instanceof RefusedHostException r) {
                return r;
            }
            todo.add(t.getCause());
            todo.addAll(List.of(t.getSuppressed()));
        }
        return null;
    }

    /** The URL without user info, query or fragment, which may hold tokens. */
    private static String redact(HttpUrl url) {
        return url.newBuilder().username("").password("").query(null).fragment(null).build().toString();
    }

    private static String describeUnparsable(String url) {
        int colon = url.indexOf(':');
        String scheme = colon > 0 ? url.substring(0, colon) : "";
        if (!scheme.isEmpty() && scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")
                && !scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return "only http and https URLs are allowed, not " + truncate(scheme);
        }
        return "not a valid http(s) URL";
    }

    private static String truncate(String s) {
        return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL) + "…";
    }

    @Override
    public String toString() {
        // No secret here, only whether there is one.
        return "OkHttpWebhookNotifier{signed=" + (secret != null) + ", allowedHosts=" + allowedHosts
                + ", maxAttempts=" + maxAttempts + "}";
    }

    private static final class Counter {
        int requests;
    }

    private record Attempt(Outcome outcome, int status, String detail, Duration retryAfter) {
        WebhookDelivery toDelivery(int requests) {
            return new WebhookDelivery(outcome, status, requests, detail);
        }
    }

    /** Marks a lookup this class refused, to tell it apart from a host that does not exist. */
    private static final class RefusedHostException extends UnknownHostException {
        RefusedHostException(String message) {
            super(message);
        }
    }

    /** Resolves through the client's own Dns and refuses the whole lookup if any address is off limits. */
    private static final class GuardingDns implements Dns {
        private final Dns delegate;

        GuardingDns(Dns delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<InetAddress> lookup(String hostname) throws UnknownHostException {
            List<InetAddress> addresses = delegate.lookup(hostname);
            for (InetAddress address : addresses) {
                String reason = blockedReason(address);
                if (reason != null) {
                    throw new RefusedHostException(
                            hostname + " resolves to " + address.getHostAddress() + ", " + reason);
                }
            }
            return addresses;
        }
    }

    /** Configures an {@link OkHttpWebhookNotifier}; every option has a default. Not thread-safe. */
    public static final class Builder {
        private OkHttpClient okHttpClient;
        private String secret;
        private List<String> allowedHosts = List.of();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(10);
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxRetryAfter = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private String userAgent = "queue-worker";

        private Builder() {
        }

        private Builder(OkHttpWebhookNotifier n) {
            this.okHttpClient = n.baseClient;
            this.secret = n.secret;
            this.allowedHosts = n.allowedHosts;
            this.connectTimeout = n.connectTimeout;
            this.readTimeout = n.readTimeout;
            this.maxAttempts = n.maxAttempts;
            this.initialBackoff = n.initialBackoff;
            this.maxRetryAfter = n.maxRetryAfter;
            this.clock = n.clock;
            this.sleeper = n.sleeper;
            this.userAgent = n.userAgent;
        }

        /**
         * A client to derive this notifier's from (sharing its connection pool, dispatcher, Dns and
         * listeners); its redirect, timeout and Dns settings are overridden. Default: a new client.
         */
        public Builder okHttpClient(OkHttpClient okHttpClient) {
            this.okHttpClient = Objects.requireNonNull(okHttpClient, "'okHttpClient' cannot be null.");
            return this;
        }

        /** The signing secret, {@code whsec_<base64>} or bare Base64; null sends unsigned webhooks. */
        public Builder secret(String secret) {
            if (secret != null) {
                WebhookSignature.validateSecret(secret);
            }
            this.secret = secret;
            return this;
        }

        /**
         * The only hosts webhooks may go to: exact names or {@code *.example.com} wildcards (any
         * subdomain, not the domain itself), case-insensitive. Empty, the default, allows any host the
         * guard does not refuse.
         */
        public Builder allowedHosts(Collection<String> allowedHosts) {
            Objects.requireNonNull(allowedHosts, "'allowedHosts' cannot be null.");
            List<String> hosts = new ArrayList<>();
            for (String h : allowedHosts) {
                if (h == null || h.isBlank()) {
                    throw new IllegalArgumentException("'allowedHosts' cannot contain a null or blank entry");
                }
                String host = h.trim().toLowerCase(Locale.ROOT);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                String rest = host.startsWith("*.") ? host.substring(2) : host;
                if (rest.isEmpty() || rest.contains("*") || rest.contains("/") || rest.contains(" ")) {
                    throw new IllegalArgumentException("'allowedHosts' entry '" + h
                            + "' must be a host name, an IP address or a '*.domain' wildcard");
                }
                hosts.add(host);
            }
            this.allowedHosts = List.copyOf(hosts);
            return this;
        }

        /** How long to wait for a connection. Default 5 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** How long to wait for the receiver to answer. Default 10 s. */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = positive(readTimeout, "readTimeout");
            return this;
        }

        /** Quick attempts per delivery before {@link Outcome#RETRY_LATER}. Default 3. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("'maxAttempts' must be at least 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The wait before the second attempt, doubling for each later one, jittered. Default 500 ms. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = positive(initialBackoff, "initialBackoff");
            return this;
        }

        /**
         * The longest {@code Retry-After} to wait for between quick attempts; a longer one ends the
         * quick retries with {@link Outcome#RETRY_LATER}. Default 30 s.
         */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            Objects.requireNonNull(maxRetryAfter, "'maxRetryAfter' cannot be null.");
            if (maxRetryAfter.isNegative()) {
                throw new IllegalArgumentException("'maxRetryAfter' cannot be negative");
            }
            this.maxRetryAfter = maxRetryAfter;
            return this;
        }

        /** The clock for {@code webhook-timestamp} and HTTP-date {@code Retry-After}. Default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "'clock' cannot be null.");
            return this;
        }

        /** How to wait between quick attempts. Default {@link Sleeper#SYSTEM}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "'sleeper' cannot be null.");
            return this;
        }

        /** The {@code User-Agent} header. Default {@code queue-worker}. */
        public Builder userAgent(String userAgent) {
            Objects.requireNonNull(userAgent, "'userAgent' cannot be null.");
            if (userAgent.isBlank()) {
                throw new IllegalArgumentException("'userAgent' cannot be blank");
            }
            this.userAgent = userAgent;
            return this;
        }

        public OkHttpWebhookNotifier build() {
            return new OkHttpWebhookNotifier(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, "'" + name + "' cannot be null.");
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("'" + name + "' must be positive, was " + d);
            }
            return d;
        }
    }
}
