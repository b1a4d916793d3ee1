package dev.queueworker.runner.internal.wiring;

import dev.queueworker.runner.internal.config.AiVariables;
import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.RunnerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's {@code WORKER_DATA_DIR}: the chunk file of the {@code memory} store and the console's
 * outcome history and audit log. A worker claims its directory at start by writing its client id to
 * {@value #MARKER}; a directory another client claimed stops this one with one line, so two clients
 * never share these files, however the directory was chosen.
 *
 * <p>Since WORKER_DATA_DIR defaults to {@code data/<client>} rather than {@code data}, a worker
 * whose directory is the default also looks at {@code data} itself: files an earlier version left
 * there (no client claimed them) name no client, so the worker stops with one line saying how to
 * keep them ({@code WORKER_DATA_DIR=data}) or to start afresh, rather than guess whose they are.
 */
public final class DataDirectory {

    /** The file naming the client a data directory belongs to. */
    public static final String MARKER = ".queue-worker-client";

    /** What an earlier version kept in {@code data}: the memory store's chunks, the console's files. */
    static final List<String> OLD_FILES = List.of("chunks.json", "console-outcomes.jsonl", "console-audit.log");

    private static final Logger log = LoggerFactory.getLogger("dev.queueworker.runner");

    private DataDirectory() {
    }

    /**
     * Claims {@code config}'s data directory for its client.
     *
     * @throws ConfigException when another client claimed it, or when the default is in force and
     *     {@code data} holds an earlier version's files
     */
    public static void claim(RunnerConfig config) {
        String client = config.workerOptions().clientId();
        Path dir = config.ai().dataDir();
        String set = config.variables().get("WORKER_DATA_DIR");
        if (set == null || set.isBlank()) {
            checkOldDefault(AiVariables.OLD_DEFAULT_DATA_DIR, dir, client);
        }
        claim(dir, client);
    }

    static void checkOldDefault(Path old, Path dir, String client) {
        if (owner(dir).isPresent()) {
            return; // the new directory is in use: whatever is in data was dealt with
        }
        Optional<String> owner = owner(old);
        if (owner.isPresent() && !owner.get().equals(client)) {
            return; // another client's WORKER_DATA_DIR=data
        }
        List<String> found = OLD_FILES.stream().filter(f -> Files.isRegularFile(old.resolve(f))).toList();
        if (!found.isEmpty()) {
            throw new ConfigException("WORKER_DATA_DIR is unset, so " + client + "'s data directory is now " + dir
                    + ", but " + old + " (the default before) holds " + String.join(", ", found)
                    + (owner.isPresent() ? " of " + client : ", which name no client") + ": set WORKER_DATA_DIR="
                    + old + " to keep using them (only if they are " + client + "'s), or move them into " + dir
                    + "; or set WORKER_DATA_DIR=" + dir + " to start " + client + " without them");
        }
    }

    static void claim(Path dir, String client) {
        Optional<String> owner = owner(dir);
        if (owner.isEmpty()) {
            owner = write(dir, client);
        }
        if (owner.isPresent() && !owner.get().equals(client)) {
            throw new ConfigException("WORKER_DATA_DIR " + dir + " belongs to client " + owner.get() + " ("
                    + dir.resolve(MARKER) + "), and this worker serves " + client + ": set WORKER_DATA_DIR to a"
                    + " directory of " + client + "'s own (two clients must not share its chunks.json and console files)");
        }
    }

    /**
     * Makes {@code marker} the complete {@code temp}: a hard link where the file system has them,
     * else a move that refuses an existing marker (checked, then renamed: a narrow race only).
     */
    private static void link(Path marker, Path temp) throws IOException {
        try {
            Files.createLink(marker, temp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            Files.move(temp, marker);
        }
    }

    /** The client that claimed {@code dir}, if one did. */
    static Optional<String> owner(Path dir) {
        try {
            String text = Files.readString(dir.resolve(MARKER), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes the marker, atomically: a link to a complete temporary file, which fails when another
     * worker linked its own first (then that one's is returned). A directory that cannot be written
     * holds no data of this worker to keep apart, so it is left unclaimed.
     */
    private static Optional<String> write(Path dir, String client) {
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, MARKER, ".tmp");
            Files.writeString(temp, client + "\n", StandardCharsets.UTF_8);
            link(dir.resolve(MARKER), temp);
            return Optional.of(client);
        } catch (FileAlreadyExistsException e) {
            return owner(dir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            log.debug("Data directory {} cannot be claimed: {}", dir, e.toString());
            return Optional.empty();
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    log.debug("Removing {} failed: {}", temp, e.toString());
                }
            }
        }
    }
}
