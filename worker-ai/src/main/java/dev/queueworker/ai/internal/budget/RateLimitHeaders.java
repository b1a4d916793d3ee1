package dev.queueworker.ai.internal.budget;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a response of an OpenAI-compatible API says about its rate limits: {@code Retry-After}
 * (seconds or an HTTP date), {@code retry-after-ms}, and OpenAI's {@code x-ratelimit-limit-*},
 * {@code x-ratelimit-remaining-*} and {@code x-ratelimit-reset-*} for requests and tokens, whose
 * resets are durations such as {@code 6m0s}, {@code 1s} or {@code 20ms}. A header that is absent or
 * unreadable is empty: servers without rate limits (vLLM, Ollama) send none.
 */
record RateLimitHeaders(OptionalLong limitRequests, OptionalLong limitTokens, OptionalLong remainingRequests,
                        OptionalLong remainingTokens, Optional<Duration> resetRequests, Optional<Duration> resetTokens,
                        Optional<Duration> retryAfter) {

    static final RateLimitHeaders NONE = new RateLimitHeaders(OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    /** Reads the headers of a response received at {@code now} (for a {@code Retry-After} date). */
    static RateLimitHeaders parse(Map<String, List<String>> headers, Instant now) {
        Duration retryAfter = milliseconds(header(headers, "retry-after-ms"));
        if (retryAfter == null) {
            retryAfter = retryAfter(header(headers, "retry-after"), now);
        }
        return new RateLimitHeaders(count(header(headers, "x-ratelimit-limit-requests")),
                count(header(headers, "x-ratelimit-limit-tokens")),
                count(header(headers, "x-ratelimit-remaining-requests")),
                count(header(headers, "x-ratelimit-remaining-tokens")),
                Optional.ofNullable(duration(header(headers, "x-ratelimit-reset-requests"))),
                Optional.ofNullable(duration(header(headers, "x-ratelimit-reset-tokens"))),
                Optional.ofNullable(retryAfter));
    }

    /**
     * A Go-style duration as OpenAI writes it ({@code 6m0s}, {@code 1h2m3.5s}, {@code 20ms}), or a
     * bare number of seconds; null when it is neither.
     */
    static Duration duration(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+(\\.\\d+)?")) {
            return seconds(t);
        }
        Matcher part = DURATION_PART.matcher(t);
        double millis = 0;
        int end = 0;
        while (part.find()) {
            if (part.start() != end) {
                return null;
            }
            end = part.end();
            double value = Double.parseDouble(part.group(1));
            millis += value * switch (part.group(2)) {
                case "h" -> 3_600_000;
                case "m" -> 60_000;
                case "s" -> 1_000;
                default -> 1;
            };
        }
        return end == t.length() && end > 0 ? Duration.ofMillis((long) Math.ceil(millis)) : null;
    }

    private static Duration retryAfter(String text, Instant now) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        if (t.matches("\\d+(\\.\\d+)?")) {
            return seconds(t);
        }
        try {
            Instant at = ZonedDateTime.parse(t, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration seconds(String number) {
        return Duration.ofMillis((long) Math.ceil(Double.parseDouble(number) * 1_000));
    }

    private static Duration milliseconds(String text) {
        if (text == null || !text.strip().matches("\\d+(\\.\\d+)?")) {
            return null;
        }
        return Duration.ofMillis((long) Math.ceil(Double.parseDouble(text.strip())));
    }

    private static OptionalLong count(String text) {
        if (text == null || !text.strip().matches("\\d{1,18}")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(text.strip()));
    }

    /** The first value of header {@code name}, whatever the case of the map's keys. */
    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }
}
