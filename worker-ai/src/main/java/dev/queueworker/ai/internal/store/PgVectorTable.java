package dev.queueworker.ai.internal.store;

import static dev.queueworker.ai.ChunkStore.CLIENT_ID;
import static dev.queueworker.ai.ChunkStore.DOCUMENT_SET;
import static dev.queueworker.ai.ChunkStore.FILENAME;
import static dev.queueworker.ai.internal.store.PgVectorChunkStore.TABLE_OPTION;

import com.zaxxer.hikari.HikariDataSource;
import dev.langchain4j.store.embedding.pgvector.DefaultMetadataStorageConfig;
import dev.langchain4j.store.embedding.pgvector.MetadataStorageMode;
import dev.langchain4j.store.embedding.pgvector.PgVectorEmbeddingStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a chunk table ready before the store writes to it, under a start-up advisory lock so that
 * workers starting together do not race: refuses a table of another shape or dimension, enables
 * pgvector, has LangChain4j create the table when it is missing, and keeps the document index.
 */
final class PgVectorTable {
    /** Names the start-up advisory lock; unchanged so that workers of different versions share it. */
    private static final String LOCK_NAMESPACE = "PGVECTOR_TABLE";
    private static final Logger log = LoggerFactory.getLogger(PgVectorTable.class);

    private final HikariDataSource dataSource;
    private final DatabaseUrl url;
    private final String table;
    private final int dimension;
    private final PgVectorFailures failures;

    PgVectorTable(HikariDataSource dataSource, DatabaseUrl url, String table, int dimension, PgVectorFailures failures) {
        this.dataSource = dataSource;
        this.url = url;
        this.table = table;
        this.dimension = dimension;
        this.failures = failures;
    }

    /** Checks the table against the model's dimension before anything is written, then lets LangChain4j create it. */
    PgVectorEmbeddingStore prepare() {
        long startupLock = (LOCK_NAMESPACE + ':' + table).hashCode();
        try (Connection connection = dataSource.getConnection()) {
            // Serialise the start-up of workers on one table: CREATE ... IF NOT EXISTS races otherwise.
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_lock(" + startupLock + ")");
            }
            try {
                boolean exists = checkExistingTable(connection);
                ensureVectorExtension(connection);
                PgVectorEmbeddingStore store;
                try {
                    store = PgVectorEmbeddingStore.datasourceBuilder()
                            .datasource(dataSource)
                            .table(table)
                            .dimension(dimension)
                            .createTable(!exists)
                            .dropTableFirst(false)
                            .useIndex(false)
                            .metadataStorageConfig(DefaultMetadataStorageConfig.builder()
                                    .storageMode(MetadataStorageMode.COMBINED_JSONB)
                                    .columnDefinitions(List.of("metadata JSONB NULL"))
                                    .build())
                            .build();
                } catch (RuntimeException e) {
                    if (e.getCause() instanceof SQLException) {
                        throw failures.failure((SQLException) e.getCause(), "create table " + table + " (" + TABLE_OPTION + ")");
                    }
                    throw e;
                }
                createDocumentIndex(connection);
                dropPre02Index(connection);
                return store;
            } finally {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT pg_advisory_unlock(" + startupLock + ")");
                } catch (SQLException e) {
                    // A session lock must not go back to the pool with its connection.
                    dataSource.evictConnection(connection);
                }
            }
        } catch (SQLException e) {
            throw failures.failure(e, "prepare table " + table + " (" + TABLE_OPTION + ")");
        }
    }

    /** Returns whether the table exists; refuses one of another dimension or shape. */
    private boolean checkExistingTable(Connection connection) throws SQLException {
        TableShape shape = TableShape.read(connection, table);
        Map<String, String> columns = shape.columns();
        int tableDimension = shape.dimension();
        if (!shape.exists()) {
            return false;
        }
        if (!shape.isChunkTable()) {
            throw new IllegalStateException("table " + table + " (" + TABLE_OPTION + ") exists but is not a chunk"
                    + " table (embedding_id uuid, embedding vector, text text, metadata jsonb); it has " + columns
                    + ". Set " + TABLE_OPTION + " to another table.");
        }
        if (tableDimension > 0 && tableDimension != dimension) {
            throw new IllegalStateException("table " + table + " (" + TABLE_OPTION + ") holds embeddings of dimension "
                    + tableDimension + " but the embedding model produces dimension " + dimension
                    + "; nothing was written. Use the model the table was filled with, or set " + TABLE_OPTION
                    + " to a new table.");
        }
        return true;
    }

    private void ensureVectorExtension(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT 1 FROM pg_extension WHERE extname = 'vector'")) {
            if (rows.next()) {
                return;
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS vector");
        } catch (SQLException e) {
            throw new IllegalStateException("the pgvector extension is not enabled in database " + url.database()
                    + " and user " + url.user() + " may not enable it (" + e.getSQLState() + "): run"
                    + " CREATE EXTENSION vector; as a superuser (on Supabase: Database > Extensions > vector)", e);
        }
    }

    /** The index every statement of the store selects a document by: client, document set, filename. */
    private void createDocumentIndex(Connection connection) throws SQLException {
        String index = indexName("_client_document_idx");
        if (exists(connection, index)) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE INDEX IF NOT EXISTS " + index + " ON " + table + " ((metadata->>'" + CLIENT_ID
                    + "'), (metadata->>'" + DOCUMENT_SET + "'), (metadata->>'" + FILENAME + "'))");
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            log.warn("No index on the document keys of table {}: user {} may not create one ({})", table, url.user(),
                    e.getMessage());
        }
    }

    /** The (document set, filename) index of queue-worker 0.1, which no statement uses any more. */
    private void dropPre02Index(Connection connection) throws SQLException {
        String index = indexName("_document_idx");
        if (!exists(connection, index)) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP INDEX IF EXISTS " + index);
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            log.info("Index {} of table {} is no longer used; user {} may not drop it", index, table, url.user());
        }
    }

    private static boolean exists(Connection connection, String relation) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            select.setString(1, relation);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /** {@code <table><suffix>}, shortened with a hash to stay within PostgreSQL's 63 characters. */
    private String indexName(String suffix) {
        String name = table + suffix;
        if (name.length() <= 63) {
            return name;
        }
        return table.substring(0, 40) + "_" + Integer.toHexString(table.hashCode()) + suffix;
    }
}
