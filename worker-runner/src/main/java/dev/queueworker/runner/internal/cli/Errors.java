package dev.queueworker.runner.internal.cli;

/** One line about a failure for a person: the exception's type and message, and its root cause's. */
public final class Errors {

    private Errors() {
    }

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
