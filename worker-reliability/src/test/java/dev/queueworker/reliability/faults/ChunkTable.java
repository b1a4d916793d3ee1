package dev.queueworker.reliability.faults;

import dev.queueworker.test.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Reads the rows ingest leaves in a pgvector table, through {@link PostgresServer#execute}, so the
 * suite compares what is in the database and not what the worker says it wrote.
 */
final class ChunkTable {
    private ChunkTable() {
    }

    /**
     * The rows of {@code table} per filename: {@code embedding_id|chunk_index|md5(text)|md5(metadata)},
     * ordered by chunk index. Two tables holding the same documents the same way give equal maps.
     */
    static Map<String, List<String>> rowsByDocument(PostgresServer postgres, String table) {
        String out = postgres.execute("SELECT metadata->>'filename', embedding_id, metadata->>'chunk_index', md5(text),"
                + " md5(metadata::text) FROM " + table + " ORDER BY 1, (metadata->>'chunk_index')::int, 2");
        Map<String, List<String>> rows = new TreeMap<>();
        for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
            String[] f = line.split("\\|", 2);
            rows.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1]);
        }
        return rows;
    }

    /** Rows of {@code table} in all. */
    static int count(PostgresServer postgres, String table) {
        return Integer.parseInt(postgres.execute("SELECT count(*) FROM " + table));
    }

    /** Rows of {@code table} whose embedding differs from the same id's in {@code reference} by more than {@code distance}. */
    static int embeddingsDiffering(PostgresServer postgres, String table, String reference, double distance) {
        return Integer.parseInt(postgres.execute("SELECT count(*) FROM " + table + " t JOIN " + reference
                + " r USING (embedding_id) WHERE (t.embedding <-> r.embedding) > " + distance));
    }

    /** The chunk ids DESIGN.md promises: name-based UUIDs of (client id, document set, filename, chunk index). */
    static List<String> expectedIds(String clientId, String documentSet, String filename, int chunks) {
        List<String> ids = new ArrayList<>(chunks);
        for (int i = 0; i < chunks; i++) {
            String key = clientId + '\u0000' + documentSet + '\u0000' + filename + '\u0000' + i;
            ids.add(UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString());
        }
        return ids;
    }
}
