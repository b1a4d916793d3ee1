package dev.queueworker.api;

import java.time.Duration;

/**
 * One check a module contributes to a host's health report (the daemon's {@code queue-worker check}
 * prints one row per probe): can the service this module uses be reached, and is it usable.
 *
 * <p>A probe creates nothing and writes nothing. Its {@link ProbeResult} never holds a secret (a
 * key, a password, a URL's user information or query string), and the probe prints and logs
 * nothing itself. The host calls {@link #probe()} once, from a thread of its own (not the one that
 * made the probe), and interrupts that thread when {@link #deadline()} passes; the probes of one
 * list are called one after the other, in the list's order, so a probe may read what an earlier one
 * of the same list found. Implementations must be safe to hand from one thread to another (their
 * state {@code final} or {@code volatile}).
 */
public interface ConnectivityProbe {

    /** The row's name, such as {@code embeddings}: a few lowercase words. */
    String name();

    /**
     * Checks the service once.
     *
     * @return the outcome; a failure carries its hint. A probe reports failures as {@link ProbeResult}s
     *     and throws only for a bug (the host then shows the exception's class and message)
     */
    ProbeResult probe();

    /** How long {@link #probe()} may take before the host gives up on it. */
    default Duration deadline() {
        return Duration.ofSeconds(15);
    }

    /** The hint shown when the deadline passes; may name options as {@code {option}} ({@link ProbeResult}). */
    default String timeoutHint() {
        return null;
    }
}
