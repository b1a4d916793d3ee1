package dev.queueworker.runner.internal.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Keeps the libraries' own error lines out of the operator commands' output: those commands report
 * every failure themselves, in one line or one table row, so the Azure SDK's, Hikari's or
 * LangChain4j's ERROR lines for the same failure would only repeat it with a stack trace.
 * {@code LOG_LEVEL=DEBUG} or {@code TRACE} leaves them on, for digging.
 */
public final class LibraryLogs {

    private static final List<String> LIBRARIES = List.of("com.azure", "com.zaxxer.hikari", "dev.langchain4j",
            "ai.djl", "org.postgresql", "okhttp3", "reactor");

    private LibraryLogs() {
    }

    /** Silences the libraries unless {@code logLevel} is DEBUG or TRACE. */
    public static void quiet(String logLevel) {
        String level = logLevel == null ? "" : logLevel.toUpperCase(Locale.ROOT);
        if (level.equals("DEBUG") || level.equals("TRACE")) {
            return;
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext)) {
            return;
        }
        for (String name : LIBRARIES) {
            ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.OFF);
        }
    }
}
