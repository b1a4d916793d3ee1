package dev.queueworker.ai.internal.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queueworker.ai.internal.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's tokens of the current day in {@code <dir>/token-usage.json}
 * ({@code {"client_id":…,"day":"2026-12-07","tokens":…}}), written whole on each change through a
 * temporary file and an atomic rename, so a crash leaves the old count or the new one. Only the
 * latest day is kept.
 */
public final class FileTokenLedger implements TokenLedger {
    static final String FILE = "token-usage.json";
    private static final Logger log = LoggerFactory.getLogger(FileTokenLedger.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final String clientId;
    private LocalDate day;
    private long tokens;

    /** @throws IllegalStateException when the file exists and is not a ledger of {@code clientId}, naming it */
    public FileTokenLedger(Path dir, String clientId) {
        this.file = dir.resolve(FILE);
        this.clientId = clientId;
        read();
    }

    @Override
    public synchronized long spentOn(LocalDate on) {
        return on.equals(day) ? tokens : 0;
    }

    @Override
    public synchronized long add(LocalDate on, long more) {
        if (day == null || on.isAfter(day)) {
            day = on;
            tokens = 0;
        } else if (on.isBefore(day)) {
            return tokens; // a task of yesterday finishing after midnight counts for nobody's today
        }
        tokens += more;
        write();
        return tokens;
    }

    private void read() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            String owner = node.path("client_id").asText();
            if (!clientId.equals(owner)) {
                throw new IllegalStateException(file + " counts the tokens of client '" + owner + "', not '"
                        + clientId + "': give each client its own data directory");
            }
            day = LocalDate.parse(node.path("day").asText());
            tokens = node.path("tokens").asLong();
        } catch (IOException | DateTimeParseException e) {
            throw new IllegalStateException(file + " cannot be read as a token count (" + e.getMessage()
                    + "); move it away to start the day's count from 0");
        }
    }

    private void write() {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.replace(file, JSON.writeValueAsString(JSON.createObjectNode().put("client_id", clientId)
                    .put("day", day.toString()).put("tokens", tokens)));
        } catch (IOException e) {
            // The count in memory is still right; a restart would forget this task's tokens.
            log.warn("Could not write the day's token count to {}: {}", file, e.toString());
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
