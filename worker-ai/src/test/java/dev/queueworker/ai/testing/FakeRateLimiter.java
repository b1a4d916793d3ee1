package dev.queueworker.ai.testing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The requests and tokens limit of {@link FakeOpenAiServer#rateLimit}: what was admitted over the
 * last window (a minute, or less to scale a test down), answering with OpenAI's
 * {@code x-ratelimit-*} headers and, over the limit, a 429 with {@code Retry-After}. A refused request
 * counts for nothing. Thread-safe.
 */
final class FakeRateLimiter {

    /** FakeOpenAiServer.Admission or not, with the headers to send either way. */
    record Decision(boolean admitted, Map<String, String> headers, String limitedOn) {}


    private final int requests;
    private final long tokens;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Deque<FakeOpenAiServer.Admission> admitted = new ArrayDeque<>();
    private final List<FakeOpenAiServer.Admission> history = new ArrayList<>();

    FakeRateLimiter(int requests, long tokens, Duration window, LongSupplier nanoTime) {
        this.requests = requests;
        this.tokens = tokens;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Admits a request that spends {@code cost} tokens, or refuses it. */
    synchronized Decision admit(long cost) {
        long now = nanoTime.getAsLong();
        while (!admitted.isEmpty() && admitted.peekFirst().atNanos() + windowNanos <= now) {
            admitted.removeFirst();
        }
        long usedTokens = admitted.stream().mapToLong(FakeOpenAiServer.Admission::tokens).sum();
        String limitedOn = admitted.size() + 1 > requests ? "requests"
                : usedTokens + Math.min(cost, tokens) > tokens ? "tokens" : null;
        if (limitedOn == null) {
            admitted.addLast(new FakeOpenAiServer.Admission(now, cost));
            history.add(admitted.peekLast());
            usedTokens += cost;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ratelimit-limit-requests", Integer.toString(requests));
        headers.put("x-ratelimit-limit-tokens", Long.toString(tokens));
        headers.put("x-ratelimit-remaining-requests", Long.toString(Math.max(0, requests - admitted.size())));
        headers.put("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, tokens - usedTokens)));
        long emptyIn = admitted.isEmpty() ? 0 : admitted.peekLast().atNanos() + windowNanos - now;
        headers.put("x-ratelimit-reset-requests", duration(emptyIn));
        headers.put("x-ratelimit-reset-tokens", duration(emptyIn));
        if (limitedOn != null) {
            long roomIn = roomIn(now, limitedOn.equals("requests") ? 0 : cost);
            headers.put("retry-after", Long.toString(Math.max(1, (roomIn + 999_999_999) / 1_000_000_000)));
            headers.put("retry-after-ms", Long.toString(Math.max(1, (roomIn + 999_999) / 1_000_000)));
        }
        return new Decision(limitedOn == null, headers, limitedOn);
    }

    /** Every request admitted so far, in order. */
    synchronized List<FakeOpenAiServer.Admission> history() {
        return List.copyOf(history);
    }

    /** Nanoseconds until one more request of {@code cost} tokens fits, as the oldest admissions expire. */
    private long roomIn(long now, long cost) {
        long usedTokens = admitted.stream().mapToLong(FakeOpenAiServer.Admission::tokens).sum();
        int count = admitted.size();
        for (FakeOpenAiServer.Admission a : admitted) {
            if (count + 1 <= requests && usedTokens + Math.min(cost, tokens) <= tokens) {
                break;
            }
            count--;
            usedTokens -= a.tokens();
            if (count + 1 <= requests && usedTokens + Math.min(cost, tokens) <= tokens) {
                return a.atNanos() + windowNanos - now;
            }
        }
        return 0;
    }

    /** As OpenAI writes it: {@code 20ms}, {@code 1.5s}, {@code 6m0s}. */
    static String duration(long nanos) {
        long millis = (nanos + 999_999) / 1_000_000;
        if (millis < 1_000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return (millis / 1000) + (millis % 1000 == 0 ? "" : "." + String.format("%03d", millis % 1000)) + "s";
        }
        return (millis / 60_000) + "m" + (millis % 60_000) / 1000 + "s";
    }
}
