package dev.queueworker.api;

import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@link ConnectivityProbe} found: a status and one line for a person, and for a failure a
 * hint of what to do. A library's probe speaks of its options, not of how a host sets them: it
 * writes an option as {@code {name}} (such as {@code {databaseUrl}}), and the host shows it in its
 * own words with {@link #render} (the daemon: the variable that sets the option). Never a secret.
 *
 * @param status the outcome
 * @param detail what was found, one line
 * @param hint   what to do; null when there is nothing to do
 */
public record ProbeResult(Status status, String detail, String hint) {

    private static final Pattern OPTION = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

    /** A probe's outcome. */
    public enum Status {
        /** Works. */
        OK,
        /** Works, but something needs a look; not a failure. */
        WARN,
        /** Does not work. */
        FAIL,
        /** Not used by this configuration, or not checked. */
        SKIP
    }

    public ProbeResult {
        Objects.requireNonNull(status, "'status' cannot be null.");
        Objects.requireNonNull(detail, "'detail' cannot be null.");
        if (detail.contains("\n") || (hint != null && hint.contains("\n"))) {
            throw new IllegalArgumentException("'detail' and 'hint' must be one line each");
        }
    }

    public static ProbeResult ok(String detail) {
        return new ProbeResult(Status.OK, detail, null);
    }

    public static ProbeResult warn(String detail, String hint) {
        return new ProbeResult(Status.WARN, detail, hint);
    }

    public static ProbeResult fail(String detail, String hint) {
        return new ProbeResult(Status.FAIL, detail, hint);
    }

    public static ProbeResult skip(String detail) {
        return new ProbeResult(Status.SKIP, detail, null);
    }

    /** This result with every {@code {option}} in its detail and hint replaced by {@code optionName}'s answer. */
    public ProbeResult render(UnaryOperator<String> optionName) {
        return new ProbeResult(status, render(detail, optionName), hint == null ? null : render(hint, optionName));
    }

    /** {@code text} with every {@code {option}} replaced by {@code optionName}'s answer. */
    public static String render(String text, UnaryOperator<String> optionName) {
        Matcher m = OPTION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(optionName.apply(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A failure as one line for a probe's detail: the exception's class and the first line of its
     * message, then its root cause's, e.g. {@code QueueStorageException: Status code 403 (caused by
     * ...)}. Say nothing here that a message may quote from a secret: pass exceptions whose messages
     * are safe to show.
     */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String line = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()));
        if (root != e) {
            line += " (caused by " + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + firstLine(root.getMessage())) + ")";
        }
        return line;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
