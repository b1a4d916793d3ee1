package dev.queueworker.runner.internal.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the daemon's environment variables (or any map of them, such as a parsed {@code .env}
 * file) with one set of rules and one style of error, so that every area's reader reads alike. Only
 * the runner reads variables: the libraries take options from builders, and a reader passes each
 * variable to its option with {@link #option}, which names the variable when the option refuses it.
 *
 * <ul>
 *   <li>An unset or blank variable is absent: the caller's default applies. Values are trimmed.
 *   <li>Numbers are whole, may use {@code _} between digits, and are checked against a range.
 *   <li>Durations are {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, a bare number of seconds
 *       ({@code 5}, as the original deployment guide wrote them) or ISO-8601 ({@code PT30S}).
 *   <li>Choices match an enum constant, case-insensitively.
 * </ul>
 *
 * <p>A bad value throws {@link ConfigException} whose message starts with the variable's
 * name and says what is expected, such as {@code WORKER_MAX_MESSAGES must be 1 to 32, was 40}. The
 * value is quoted in the message, so callers never pass secrets through the typed readers; read
 * secrets with {@link #string}, which never fails.
 *
 * <pre>{@code
 * EnvironmentVariables env = EnvironmentVariables.of(System.getenv());
 * int maxMessages = env.integer("WORKER_MAX_MESSAGES", 1, 32).orElse(10);
 * Duration timeout = env.duration("WORKER_VISIBILITY_TIMEOUT").orElse(Duration.ofSeconds(30));
 * }</pre>
 */
public final class EnvironmentVariables {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    private final Map<String, String> values;

    private EnvironmentVariables(Map<String, String> values) {
        this.values = values;
    }

    /** Reads from {@code values}, which is not copied (pass an unmodifiable map). */
    public static EnvironmentVariables of(Map<String, String> values) {
        return new EnvironmentVariables(Objects.requireNonNull(values, "'values' cannot be null."));
    }

    /** The trimmed value, or empty when the variable is unset or blank. */
    public Optional<String> string(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** A whole number from {@code min} to {@code max}. */
    public Optional<Integer> integer(String name, int min, int max) {
        return longValue(name, min, max).map(Long::intValue);
    }

    /** A whole number from {@code min} to {@code max}. */
    public Optional<Long> longValue(String name, long min, long max) {
        return string(name).map(v -> {
            long n;
            try {
                n = Long.parseLong(v.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new ConfigException(name + " must be a whole number, was '" + v + "'");
            }
            if (n < min || n > max) {
                throw new ConfigException(name + " must be "
                        + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max)
                        + ", was " + v);
            }
            return n;
        });
    }

    /** A duration longer than zero; see the class comment for the forms. */
    public Optional<Duration> duration(String name) {
        return string(name).map(v -> {
            Duration d = parseDuration(name, v);
            if (d.isZero() || d.isNegative()) {
                throw new ConfigException(name + " must be longer than zero, was '" + v + "'");
            }
            return d;
        });
    }

    /** {@code true}, {@code false}, {@code yes}, {@code no}, {@code 1} or {@code 0}. */
    public Optional<Boolean> bool(String name) {
        return string(name).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new ConfigException(name + " must be true or false, was '" + v + "'");
        });
    }

    /** One of {@code type}'s constants, matched case-insensitively. */
    public <E extends Enum<E>> Optional<E> choice(String name, Class<E> type) {
        return string(name).map(v -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(v)) {
                    return e;
                }
            }
            StringBuilder allowed = new StringBuilder();
            for (E e : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : " or ").append(e.name().toLowerCase(Locale.ROOT));
            }
            throw new ConfigException(name + " must be " + allowed + ", was '" + v + "'");
        });
    }

    /**
     * Passes one variable's value to a library option: {@code step} calls the builder's setter. The
     * builder's refusal names its option ({@code 'maxMessages' must be between 1 and 32, was 40});
     * this names the variable the operator set in front of it, so the message reads
     * {@code WORKER_MAX_MESSAGES: 'maxMessages' must be between 1 and 32, was 40}.
     *
     * @throws ConfigException naming {@code name}
     */
    public static void option(String name, Runnable step) {
        try {
            step.run();
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw new ConfigException(name + ": " + e.getMessage());
        }
    }

    /**
     * Passes a secret's value to a library option as {@link #option} does, but never repeats the
     * option's message (it might quote the value): the error says {@code expected} instead.
     */
    public static void secretOption(String name, Runnable step, String expected) {
        try {
            step.run();
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw new ConfigException(name + " must be " + expected);
        }
    }

    /**
     * Parses a duration in one of the forms of the class comment.
     *
     * @param name the variable, for the error message
     * @throws ConfigException naming {@code name} when {@code value} is no duration
     */
    public static Duration parseDuration(String name, String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new ConfigException(name + " is too long: '" + value + "'");
            }
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(value.trim());
        } catch (RuntimeException e) {
            throw new ConfigException(name + " must be a duration such as 30s, 2m or 500ms, was '" + value
                    + "'");
        }
    }
}
