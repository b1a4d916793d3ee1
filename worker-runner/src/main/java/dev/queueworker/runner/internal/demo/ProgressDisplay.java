package dev.queueworker.runner.internal.demo;

import java.io.PrintStream;

/**
 * What the demo prints while it works. On a terminal ({@link Mode#LIVE}) a status line is rewritten
 * in place with {@code \r} as tasks progress, and lasting lines (a webhook arrived, the report) are
 * printed above it; elsewhere ({@link Mode#PLAIN}: a pipe, a file, a CI log) status lines are
 * printed only when they start something, one per line, and never rewritten. {@link Mode#QUIET}
 * prints only the report. Thread-safe: engine and receiver threads print through one lock.
 */
public final class ProgressDisplay {

    /** How progress is shown. */
    public enum Mode {
        /** A status line rewritten in place; for a terminal. */
        LIVE,
        /** One line per event; for pipes and logs. */
        PLAIN,
        /** Nothing but the report. */
        QUIET
    }

    private static final int WIDTH = 79;

    private final PrintStream out;
    private final Mode mode;
    private int statusLength;

    public ProgressDisplay(PrintStream out, Mode mode) {
        this.out = out;
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    /** A lasting line of progress (not shown in {@link Mode#QUIET}). */
    public synchronized void line(String text) {
        if (mode != Mode.QUIET) {
            clearStatus();
            out.println(text);
            out.flush();
        }
    }

    /** A line of the result, shown in every mode. */
    public synchronized void result(String text) {
        clearStatus();
        out.println(text);
        out.flush();
    }

    /**
     * The start of a step: the status line in {@link Mode#LIVE}, a lasting line in {@link Mode#PLAIN}.
     */
    public synchronized void step(String text) {
        if (mode == Mode.PLAIN) {
            line(text);
        } else {
            status(text);
        }
    }

    /** How a step is going: rewrites the status line in {@link Mode#LIVE}; nothing otherwise. */
    public synchronized void status(String text) {
        if (mode != Mode.LIVE) {
            return;
        }
        String shown = text.length() > WIDTH ? text.substring(0, WIDTH - 3) + "..." : text;
        StringBuilder line = new StringBuilder("\r").append(shown);
        for (int i = shown.length(); i < statusLength; i++) {
            line.append(' ');
        }
        out.print(line);
        out.flush();
        statusLength = shown.length();
    }

    /** Removes the status line, so what follows starts on a clean line. */
    public synchronized void clearStatus() {
        if (statusLength > 0) {
            out.print("\r" + " ".repeat(statusLength) + "\r");
            statusLength = 0;
        }
    }
}
