package dev.queueworker.test.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.ChunkStores;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The pgvector store passes the kit, against the test database of {@code scripts/setup.sh}
 * (PostgreSQL 15 with pgvector on 127.0.0.1:55432), or {@code -Dtest.database.url=postgresql://…}.
 * A missing database fails the test; it never skips.
 */
class PgVectorChunkStoreCompatibilityTest extends ChunkStoreCompatibilityKit {
    private static final String URL = System.getProperty("test.database.url",
            "postgresql://queueworker:queueworker@127.0.0.1:55432/queueworker_test");

    private final String table = "kit_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    @Override
    protected ChunkStore openStore(int dimension) {
        return ChunkStores.pgvector(URL, table, dimension);
    }

    @Override
    protected void assertDimensionMismatchMessage(String message, int stored, int wanted) {
        assertThat(message).contains(table).contains("dimension " + stored).contains("dimension " + wanted)
                .contains("nothing was written");
    }

    @AfterEach
    void dropTable() throws SQLException {
        String jdbc = "jdbc:postgresql://" + URL.substring(URL.indexOf('@') + 1);
        String credentials = URL.substring("postgresql://".length(), URL.indexOf('@'));
        try (Connection c = DriverManager.getConnection(jdbc, credentials.split(":")[0], credentials.split(":")[1]);
             Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }
}
