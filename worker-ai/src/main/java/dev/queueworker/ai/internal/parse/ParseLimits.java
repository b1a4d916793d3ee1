package dev.queueworker.ai.internal.parse;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on one document parse, each named after the option that sets it.
 *
 * @param maxBytes      most bytes read from the document ({@code maxBytes}); a longer document
 *                      is a permanent failure
 * @param maxCharacters most characters of text kept ({@code maxCharacters}); the rest is
 *                      dropped and the result says {@code truncated}
 * @param timeout       longest a parse may run ({@code parseTimeout}); a slower one is
 *                      abandoned as a permanent failure
 */
public record ParseLimits(long maxBytes, int maxCharacters, Duration timeout) {
    /** 100 MiB, 5,000,000 characters, 2 minutes. */
    public static final ParseLimits DEFAULTS = new ParseLimits(100L * 1024 * 1024, 5_000_000, Duration.ofMinutes(2));

    public ParseLimits {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("'maxBytes' must be a positive number of bytes, was " + maxBytes);
        }
        if (maxCharacters <= 0) {
            throw new IllegalArgumentException(
                    "'maxCharacters' must be a positive number of characters, was " + maxCharacters);
        }
        Objects.requireNonNull(timeout, "'parseTimeout' cannot be null.");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("'parseTimeout' must be a positive duration, was " + timeout);
        }
    }

    /** A copy with another {@link #maxBytes()}. */
    public ParseLimits withMaxBytes(long maxBytes) {
        return new ParseLimits(maxBytes, maxCharacters, timeout);
    }

    /** A copy with another {@link #maxCharacters()}. */
    public ParseLimits withMaxCharacters(int maxCharacters) {
        return new ParseLimits(maxBytes, maxCharacters, timeout);
    }

    /** A copy with another {@link #timeout()}. */
    public ParseLimits withTimeout(Duration timeout) {
        return new ParseLimits(maxBytes, maxCharacters, timeout);
    }
}
