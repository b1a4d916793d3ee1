package dev.queueworker.ai.internal.store;

import static dev.queueworker.ai.ChunkStore.CHUNK_INDEX;
import static dev.queueworker.ai.ChunkStore.CLIENT_ID;
import static dev.queueworker.ai.ChunkStore.DOCUMENT_SET;
import static dev.queueworker.ai.ChunkStore.FILENAME;

import dev.queueworker.ai.ChunkIds;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rows of a chunk table written before rows carried {@code client_id} (queue-worker 0.1): a client
 * claims those whose id is the {@link ChunkIds} id of its own chunk of that document and index, so
 * an upgrade loses nothing, and a row no client can claim stays as it is. The scan reads rows
 * without {@code client_id} only (through the client index), so once every client has claimed its
 * rows a start-up costs one index probe.
 */
final class LegacyChunks {
    private static final Logger log = LoggerFactory.getLogger(LegacyChunks.class);
    private static final int BATCH = 1_000;

    private LegacyChunks() {
    }

    /** Marks {@code clientId}'s legacy rows of {@code table}; returns how many. */
    static int claim(DataSource dataSource, String table, String clientId, PgVectorFailures failures) {
        try (Connection connection = dataSource.getConnection()) {
            List<UUID> mine = new ArrayList<>();
            int others = 0;
            int claimed = 0;
            connection.setAutoCommit(false); // a cursor, not every legacy row in memory at once
            try (PreparedStatement select = connection.prepareStatement("SELECT embedding_id, metadata->>'"
                    + DOCUMENT_SET + "', metadata->>'" + FILENAME + "', metadata->>'" + CHUNK_INDEX + "' FROM " + table
                    + " WHERE metadata->>'" + CLIENT_ID + "' IS NULL")) {
                select.setFetchSize(BATCH);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        UUID id = rows.getObject(1, UUID.class);
                        if (ChunkIds.isClients(clientId, id.toString(), rows.getString(2), rows.getString(3),
                                rows.getString(4))) {
                            mine.add(id);
                        } else {
                            others++;
                        }
                    }
                }
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET metadata = metadata"
                    + " || jsonb_build_object('" + CLIENT_ID + "', ?::text) WHERE embedding_id = ANY (?) AND metadata->>'"
                    + CLIENT_ID + "' IS NULL")) {
                for (int from = 0; from < mine.size(); from += BATCH) {
                    update.setString(1, clientId);
                    update.setArray(2, connection.createArrayOf("uuid",
                            mine.subList(from, Math.min(mine.size(), from + BATCH)).toArray()));
                    claimed += update.executeUpdate(); // fewer when another worker of this client claimed some
                }
            }
            connection.commit();
            if (claimed > 0) {
                log.info("Chunk table {}: {} chunks stored before chunks carried a client id are marked as client {}'s",
                        table, claimed, clientId);
            }
            if (others > 0) {
                log.info("Chunk table {}: {} chunks without a client id are not client {}'s; they stay as they are until"
                        + " their client's worker starts", table, others, clientId);
            }
            return claimed;
        } catch (SQLException e) {
            throw failures.failure(e, "claim the chunks of client " + clientId + " in table " + table);
        }
    }
}
