package dev.queueworker.runner.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last {@code capacity} task outcomes, in memory and in a JSON-lines file ({@code
 * console-outcomes.jsonl} in {@code WORKER_DATA_DIR}) so a restart keeps them. The file is appended
 * to and rewritten with the kept outcomes once it holds twice as many lines, so it stays bounded.
 * A file that cannot be written costs the history's durability, never a task: it is logged once.
 * Thread-safe.
 */
final class OutcomeHistory implements AutoCloseable {

    static final String FILE_NAME = "console-outcomes.jsonl";
    private static final Logger log = LoggerFactory.getLogger(OutcomeHistory.class);

    /**
     * One outcome.
     *
     * @param status completed, retry, poisoned, released or lease_lost
     * @param result a short description of the result (chunks, summary length), or null
     * @param error the error's type and message, or null
     */
    record Outcome(String at, String taskId, String type, String status, long durationMs, int attempt,
            String filename, String result, String error) {
    }

    private final int capacity;
    private final Path file;
    private final ArrayDeque<Outcome> outcomes;
    private BufferedWriter writer;
    private int linesInFile;
    private boolean broken;
    private long recorded;

    OutcomeHistory(Path dataDir, int capacity) {
        this.capacity = capacity;
        this.outcomes = new ArrayDeque<>(capacity);
        this.file = dataDir == null ? null : dataDir.resolve(FILE_NAME);
        load();
    }

    private void load() {
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                linesInFile++;
                try {
                    JsonNode n = HttpAnswers.JSON.readTree(line);
                    add(HttpAnswers.JSON.treeToValue(n, Outcome.class));
                } catch (IOException | IllegalArgumentException e) {
                    // A line cut short by a crash: skip it.
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            log.warn("Console: the outcome history {} cannot be read ({}); starting empty", file, e.getMessage());
        }
    }

    synchronized void record(Outcome outcome) {
        add(outcome);
        recorded++;
        if (file == null || broken) {
            return;
        }
        try {
            if (writer == null) {
                Files.createDirectories(file.getParent());
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            writer.write(HttpAnswers.JSON.writeValueAsString(outcome));
            writer.write('\n');
            writer.flush();
            if (++linesInFile >= 2 * capacity) {
                compact();
            }
        } catch (IOException e) {
            broken = true;
            log.warn("Console: the outcome history {} cannot be written ({}); it is kept in memory only", file,
                    e.getMessage());
        }
    }

    private void compact() throws IOException {
        writer.close();
        Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            for (Outcome o : outcomes) {
                out.write(HttpAnswers.JSON.writeValueAsString(o));
                out.write('\n');
            }
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        linesInFile = outcomes.size();
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private void add(Outcome outcome) {
        if (outcomes.size() == capacity) {
            outcomes.removeFirst();
        }
        outcomes.addLast(outcome);
    }

    /** How many outcomes this process recorded: the page reloads its list when this changes. */
    synchronized long recorded() {
        return recorded;
    }

    synchronized int size() {
        return outcomes.size();
    }

    /**
     * The newest outcomes first that match every filter given (null or blank for none): the status,
     * the type, and a text found in the id, filename, result or error (case-insensitive).
     */
    ObjectNode query(String status, String type, String text, int limit) {
        List<Outcome> matched = new ArrayList<>();
        int total;
        String needle = text == null || text.isBlank() ? null : text.strip().toLowerCase(Locale.ROOT);
        synchronized (this) {
            total = outcomes.size();
            Iterator<Outcome> newestFirst = outcomes.descendingIterator();
            while (newestFirst.hasNext() && matched.size() < limit) {
                Outcome o = newestFirst.next();
                if (blank(status) || status.equals(o.status())) {
                    if (blank(type) || type.equals(o.type())) {
                        if (needle == null || contains(o, needle)) {
                            matched.add(o);
                        }
                    }
                }
            }
        }
        ObjectNode root = HttpAnswers.JSON.createObjectNode();
        root.put("kept", total);
        root.put("capacity", capacity);
        ArrayNode list = root.putArray("outcomes");
        matched.forEach(o -> list.add(HttpAnswers.JSON.valueToTree(o)));
        return root;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static boolean contains(Outcome o, String needle) {
        for (String field : new String[] {o.taskId(), o.filename(), o.result(), o.error(), o.type()}) {
            if (field != null && field.toLowerCase(Locale.ROOT).contains(needle)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                log.warn("Console: closing the outcome history failed: {}", e.getMessage());
            }
            writer = null;
        }
    }
}
