package dev.queueworker.runner.internal.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per console action, who did what to how many, in {@code console-audit.log} of
 * {@code WORKER_DATA_DIR} and in the daemon's log ({@code Console audit: ...}):
 * <pre>2026-12-04T23:10:00Z who=token@127.0.0.1 action=poison.requeue-matching query="bad json" count=3</pre>
 * Never a body, never a token.
 */
final class AuditLog {

    static final String FILE_NAME = "console-audit.log";
    private static final Logger log = LoggerFactory.getLogger("dev.queueworker.runner.console");

    private final Path file;
    private final Clock clock;

    AuditLog(Path dataDir, Clock clock) {
        this.file = dataDir == null ? null : dataDir.resolve(FILE_NAME);
        this.clock = clock;
    }

    synchronized void record(String who, String action, String detail, long count) {
        String line = "who=" + who + " action=" + action + (detail == null ? "" : " " + detail) + " count=" + count;
        log.info("Console audit: {}", line);
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, clock.instant() + " " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn("Console: the audit log {} cannot be written: {}", file, e.getMessage());
        }
    }

    /** A value quoted for an audit line: double quotes and control characters escaped, at most 200 characters. */
    static String quote(String value) {
        String v = value == null ? "" : value.length() > 200 ? value.substring(0, 200) + "…" : value;
        StringBuilder s = new StringBuilder("\"");
        v.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                s.append('\\').append((char) c);
            } else if (c < 32 || c == 127) {
                s.append(String.format("\\u%04x", c));
            } else {
                s.appendCodePoint(c);
            }
        });
        return s.append('"').toString();
    }
}
