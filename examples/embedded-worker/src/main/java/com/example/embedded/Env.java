package com.example.embedded;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application's own reader of environment variables: the SDK takes options from builders and
 * reads no variable itself, so an application reads its settings however it likes. This one accepts
 * the daemon's forms (whole numbers; durations as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}
 * or bare seconds) and names the variable in every error.
 */
public final class Env {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)?");

    private final Map<String, String> values;

    private Env(Map<String, String> values) {
        this.values = values;
    }

    public static Env of(Map<String, String> values) {
        return new Env(values);
    }

    /** The trimmed value, or empty when unset or blank. */
    public Optional<String> string(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** A whole number from {@code min} to {@code max}. */
    public Optional<Integer> integer(String name, int min, int max) {
        return string(name).map(v -> {
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, was '" + v + "'");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(name + " must be " + min + " to " + max + ", was " + v);
            }
            return n;
        });
    }

    /** A duration longer than zero. */
    public Optional<Duration> duration(String name) {
        return string(name).map(v -> {
            Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw new IllegalArgumentException(name + " must be a duration such as 30s, 2m or 500ms, was '" + v
                        + "'");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        });
    }
}
