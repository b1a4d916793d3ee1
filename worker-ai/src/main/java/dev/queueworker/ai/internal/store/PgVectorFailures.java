package dev.queueworker.ai.internal.store;

import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a failed statement of the pgvector store becomes: credentials and missing databases are
 * start-up errors ({@link IllegalStateException}), lost connections and other transient states are
 * {@link RetryableException}s, the rest {@link PermanentException}s; messages name
 * {@code databaseUrl} and never quote a row.
 */
final class PgVectorFailures {
    private final DatabaseUrl url;

    PgVectorFailures(DatabaseUrl url) {
        this.url = url;
    }

    /** Maps a failure: credentials and missing databases are start-up errors; lost connections are retryable. */
    RuntimeException failure(SQLException e, String action) {
        String state = sqlState(e);
        String what = "cannot " + action + ("connect".equals(action) ? " to" : " in") + " PostgreSQL at " + url.location()
                + " ('databaseUrl')";
        String reason = serverMessage(e);
        e = withoutBatch(e);
        if (state != null && state.startsWith("28")) {
            return new IllegalStateException(what + ": the server rejected user '" + url.user()
                    + "' or the password of 'databaseUrl' (" + state + ": " + reason + ")", e);
        }
        if ("3D000".equals(state)) {
            return new IllegalStateException(what + ": database '" + url.database() + "' of 'databaseUrl' does not exist",
                    e);
        }
        String withState = state == null || reason.contains(state) ? reason : reason + " (SQLSTATE " + state + ")";
        if (isTransient(e, state)) {
            return new RetryableException(what + ": " + withState, e, 0, state);
        }
        return new PermanentException(what + ": " + withState, e, 0, state);
    }

    /** The most specific SQLState in the chain (Hikari's timeouts wrap the driver's exception). */
    private static String sqlState(Throwable e) {
        String state = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException && ((SQLException) t).getSQLState() != null) {
                state = ((SQLException) t).getSQLState();
            }
        }
        return state;
    }

    /**
     * What went wrong, for log lines, poison reasons and webhooks: the first line of the outermost
     * and of the innermost SQL error. Never a failed batch's own message, which
     * quotes the statement with its values (the document's text, every vector component), and never
     * PostgreSQL's {@code Detail:} lines, which may quote a failing row.
     */
    static String serverMessage(SQLException e) {
        List<SQLException> chain = new ArrayList<>();
        Throwable t = e;
        while (t != null && chain.size() < 20) {
            if (t instanceof SQLException sql) {
                if (!(sql instanceof BatchUpdateException)) {
                    chain.add(sql);
                }
                t = sql.getNextException() != null ? sql.getNextException() : sql.getCause();
            } else {
                t = t.getCause();
            }
        }
        if (chain.isEmpty()) {
            return "a batch of statements failed";
        }
        String first = firstLine(chain.get(0));
        String last = firstLine(chain.get(chain.size() - 1));
        return first.equals(last) ? first : first + "; " + last;
    }

    /**
     * The error behind a failed batch, so that an application logging the exception with its causes
     * does not log the statement's values either.
     */
    static SQLException withoutBatch(SQLException e) {
        SQLException current = e;
        for (int i = 0; i < 20 && current instanceof BatchUpdateException; i++) {
            if (current.getNextException() != null) {
                current = current.getNextException();
            } else if (current.getCause() instanceof SQLException cause) {
                current = cause;
            } else {
                return new SQLException("a batch of statements failed", current.getSQLState(), current.getErrorCode());
            }
        }
        return current;
    }

    private static String firstLine(SQLException e) {
        String message = String.valueOf(e.getMessage()).strip();
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline).strip();
        }
        return message.length() <= 300 ? message : message.substring(0, 300) + "...";
    }

    private static boolean isTransient(SQLException e, String state) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        if (state == null) {
            return false;
        }
        return state.startsWith("08") // connection exceptions
                || state.startsWith("53") // insufficient resources, too many connections
                || state.startsWith("57P") // admin shutdown, crash shutdown, cannot connect now
                || state.startsWith("58") // system error (I/O)
                || state.equals("40001") || state.equals("40P01") // serialization failure, deadlock
                || state.equals("55P03"); // lock not available
    }
}
