package dev.queueworker.ai.internal.store;

import dev.queueworker.ai.ChunkStore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pgvector.PGvector;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.pgvector.DefaultMetadataStorageConfig;
import dev.langchain4j.store.embedding.pgvector.MetadataStorageMode;
import dev.langchain4j.store.embedding.pgvector.PgVectorEmbeddingStore;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Chunks in a PostgreSQL table with pgvector, created by LangChain4j's {@link PgVectorEmbeddingStore}
 * (metadata as one JSONB column), so retrieval through {@link #embeddingStore()} reads the same rows:
 *
 * <pre>
 * CREATE TABLE IF NOT EXISTS document_chunks (embedding_id UUID PRIMARY KEY, embedding vector(384),
 *     text TEXT NULL, metadata JSONB NULL )
 * </pre>
 *
 * plus an index on the metadata's {@code document_set} and {@code filename}. Metadata values are
 * stored as JSON strings, as LangChain4j stores them ({@code chunk_index} reads back through
 * {@code Metadata.getInteger}).
 *
 * <p>{@link #replace} runs in one transaction of its own, serialised per document by
 * {@code pg_advisory_xact_lock}, so concurrent replaces of a document, from this process or
 * another, leave the rows of one of them. Lost or refused connections become
 * {@link RetryableException}s; start-up problems (credentials, missing database or extension, a
 * table of another dimension) become {@link IllegalStateException}s that name the variable to fix.
 * Thread-safe.
 */
public final class PgVectorChunkStore implements ChunkStore {
    /** The table used when none is configured. */
    public static final String DEFAULT_TABLE = "document_chunks";
    static final String TABLE_OPTION = "'pgvectorTable'";
    /** Names the start-up advisory lock; unchanged so that workers of different versions share it. */
    private static final String LOCK_NAMESPACE = "PGVECTOR_TABLE";

    private static final Logger log = LoggerFactory.getLogger(PgVectorChunkStore.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DatabaseUrl url;
    private final String table;
    private final int dimension;
    private final HikariDataSource dataSource;
    private final PgVectorEmbeddingStore embeddingStore;
    private final String upsertSql;
    private final String deleteOthersSql;
    private final String countSql;
    private final String valueSql;

    private PgVectorChunkStore(Builder builder) {
        this.url = builder.url;
        this.table = builder.table;
        this.dimension = builder.dimension;
        this.dataSource = openPool(builder);
        try {
            this.embeddingStore = prepareTable();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        String documentIs = "metadata->>'" + DOCUMENT_SET + "' = ? AND metadata->>'" + FILENAME + "' = ?";
        this.upsertSql = "INSERT INTO " + table + " (embedding_id, embedding, text, metadata) VALUES (?, ?, ?, ?::jsonb)"
                + " ON CONFLICT (embedding_id) DO UPDATE SET embedding = EXCLUDED.embedding, text = EXCLUDED.text,"
                + " metadata = EXCLUDED.metadata";
        this.deleteOthersSql = "DELETE FROM " + table + " WHERE " + documentIs + " AND NOT (embedding_id = ANY (?))";
        this.countSql = "SELECT count(*) FROM " + table + " WHERE " + documentIs;
        this.valueSql = "SELECT metadata->>? FROM " + table + " WHERE " + documentIs
                + " AND metadata->>? IS NOT NULL LIMIT 1";
    }

    /**
     * A builder for a store in the database of {@code url} holding embeddings of {@code dimension}.
     *
     * @param url the parsed {@code databaseUrl}
     * @param dimension the embedding model's dimension
     */
    public static Builder builder(DatabaseUrl url, int dimension) {
        return new Builder(url, dimension);
    }

    /**
     * Checks a table name ({@code pgvectorTable}) and returns it in lower case, as PostgreSQL folds
     * unquoted names.
     *
     * @throws IllegalArgumentException naming {@code pgvectorTable} when it is not a plain SQL identifier
     */
    public static String checkTableName(String table) {
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException(TABLE_OPTION + " must be a plain SQL identifier: letters, digits and"
                    + " underscores, not starting with a digit, at most 63 characters; was '" + table + "'");
        }
        return table.toLowerCase(Locale.ROOT);
    }

    /** The (lower-case) table name. */
    public String table() {
        return table;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Optional<String> documentValue(String documentSet, String filename, String key) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(valueSql)) {
            select.setString(1, key);
            select.setString(2, documentSet);
            select.setString(3, filename);
            select.setString(4, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e, "read the " + key + " of " + documentSet + "/" + filename);
        }
    }

    @Override
    public void replace(String documentSet, String filename, List<String> ids, List<Embedding> embeddings,
                        List<TextSegment> segments) {
        List<UUID> uuids = ChunkBatch.check(documentSet, filename, ids, embeddings, segments, dimension);
        String[] metadata = new String[segments.size()];
        for (int i = 0; i < metadata.length; i++) {
            metadata[i] = metadataJson(segments.get(i));
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock = connection.prepareStatement(
                        "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                    lock.setString(1, table + '\u001f' + documentSet + '\u001f' + filename);
                    lock.execute();
                }
                if (!uuids.isEmpty()) {
                    try (PreparedStatement upsert = connection.prepareStatement(upsertSql)) {
                        for (int i = 0; i < uuids.size(); i++) {
                            upsert.setObject(1, uuids.get(i));
                            upsert.setObject(2, new PGvector(embeddings.get(i).vector()));
                            upsert.setString(3, segments.get(i).text());
                            upsert.setString(4, metadata[i]);
                            upsert.addBatch();
                        }
                        upsert.executeBatch();
                    }
                }
                try (PreparedStatement delete = connection.prepareStatement(deleteOthersSql)) {
                    delete.setString(1, documentSet);
                    delete.setString(2, filename);
                    delete.setArray(3, connection.createArrayOf("uuid", uuids.toArray()));
                    delete.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw failure(e, "replace the chunks of " + documentSet + "/" + filename);
        }
    }

    @Override
    public int count(String documentSet, String filename) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(countSql)) {
            select.setString(1, documentSet);
            select.setString(2, filename);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (SQLException e) {
            throw failure(e, "count the chunks of " + documentSet + "/" + filename);
        }
    }

    @Override
    public EmbeddingStore<TextSegment> embeddingStore() {
        return embeddingStore;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    @Override
    public String toString() {
        return "PgVectorChunkStore{" + url + ", table=" + table + ", dimension=" + dimension + "}";
    }

    private HikariDataSource openPool(Builder builder) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(builder.poolName);
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        config.setPassword(url.password());
        config.setMaximumPoolSize(builder.maximumPoolSize);
        config.setMinimumIdle(Math.min(1, builder.maximumPoolSize));
        config.setConnectionTimeout(builder.connectionTimeout.toMillis());
        config.setValidationTimeout(Math.min(builder.connectionTimeout.toMillis(), 5_000));
        // One connection attempt at construction: bad credentials fail start-up at once.
        config.setInitializationFailTimeout(1);
        config.addDataSourceProperty("ApplicationName", "queue-worker");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, builder.connectionTimeout.toSeconds())));
        for (Map.Entry<String, String> parameter : url.parameters().entrySet()) {
            config.addDataSourceProperty(parameter.getKey(), parameter.getValue());
        }
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException) {
                throw failure((SQLException) cause, "connect");
            }
            throw new RetryableException("cannot connect to PostgreSQL at " + url.location() + " ('databaseUrl'): "
                    + e.getMessage(), e);
        }
    }

    /** Checks the table against the model's dimension before anything is written, then lets LangChain4j create it. */
    private PgVectorEmbeddingStore prepareTable() {
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
                        throw failure((SQLException) e.getCause(), "create table " + table + " (" + TABLE_OPTION + ")");
                    }
                    throw e;
                }
                createDocumentIndex(connection);
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
            throw failure(e, "prepare table " + table + " (" + TABLE_OPTION + ")");
        }
    }

    /**
     * A table's columns (name to type) and the dimension of its {@code embedding} column (-1 when
     * none is fixed), as the catalog has them; no columns when the table does not exist.
     */
    public record TableShape(Map<String, String> columns, int dimension) {

        /** Reads {@code table}'s shape through {@code connection}. */
        public static TableShape read(Connection connection, String table) throws SQLException {
            java.util.SortedMap<String, String> columns = new TreeMap<>();
            int dimension = -1;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT a.attname, t.typname, a.atttypmod FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                            + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped")) {
                select.setString(1, table);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        columns.put(rows.getString(1), rows.getString(2));
                        if ("embedding".equals(rows.getString(1))) {
                            dimension = rows.getInt(3);
                        }
                    }
                }
            }
            return new TableShape(java.util.Collections.unmodifiableSortedMap(columns), dimension);
        }

        public boolean exists() {
            return !columns.isEmpty();
        }

        /** Whether it has the columns of the LangChain4j chunk table this store writes. */
        public boolean isChunkTable() {
            return "vector".equals(columns.get("embedding")) && "uuid".equals(columns.get("embedding_id"))
                    && "text".equals(columns.get("text")) && "jsonb".equals(columns.get("metadata"));
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

    private void createDocumentIndex(Connection connection) throws SQLException {
        String index = indexName();
        try (PreparedStatement select = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            select.setString(1, index);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                if (rows.getBoolean(1)) {
                    return;
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE INDEX IF NOT EXISTS " + index + " ON " + table + " ((metadata->>'" + DOCUMENT_SET
                    + "'), (metadata->>'" + FILENAME + "'))");
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            log.warn("No index on the document keys of table {}: user {} may not create one ({})", table, url.user(),
                    e.getMessage());
        }
    }

    /** {@code <table>_document_idx}, shortened with a hash to stay within PostgreSQL's 63 characters. */
    private String indexName() {
        String name = table + "_document_idx";
        if (name.length() <= 63) {
            return name;
        }
        return table.substring(0, 40) + "_" + Integer.toHexString(table.hashCode()) + "_document_idx";
    }

    /** Metadata as LangChain4j's JSONB handler writes it: every value as a string. */
    private static String metadataJson(TextSegment segment) {
        Map<String, String> values = new TreeMap<>();
        segment.metadata().toMap().forEach((key, value) -> values.put(key, Objects.toString(value, null)));
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write chunk metadata as JSON", e);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("Rollback failed", e);
        }
    }

    /** Maps a failure: credentials and missing databases are start-up errors; lost connections are retryable. */
    private RuntimeException failure(SQLException e, String action) {
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

    /** Settings of a {@link PgVectorChunkStore}; {@link #build()} connects and prepares the table. */
    public static final class Builder {
        private final DatabaseUrl url;
        private final int dimension;
        private String table = DEFAULT_TABLE;
        private int maximumPoolSize = 4;
        private Duration connectionTimeout = Duration.ofSeconds(5);
        private String poolName = "queue-worker-pgvector";

        private Builder(DatabaseUrl url, int dimension) {
            this.url = Objects.requireNonNull(url, "'url' cannot be null.");
            if (dimension < 1) {
                throw new IllegalArgumentException("dimension must be at least 1, was " + dimension);
            }
            this.dimension = dimension;
        }

        /** The table ({@code pgvectorTable}); default {@value #DEFAULT_TABLE}. */
        public Builder table(String table) {
            this.table = checkTableName(table);
            return this;
        }

        /** At least 2 (start-up holds one connection while LangChain4j uses another); default 4. */
        public Builder maximumPoolSize(int maximumPoolSize) {
            if (maximumPoolSize < 2) {
                throw new IllegalArgumentException("maximumPoolSize must be at least 2, was " + maximumPoolSize);
            }
            this.maximumPoolSize = maximumPoolSize;
            return this;
        }

        /** How long to wait for a connection before failing (retryably); 250 ms to 60 s, default 5 s. */
        public Builder connectionTimeout(Duration connectionTimeout) {
            Objects.requireNonNull(connectionTimeout, "'connectionTimeout' cannot be null.");
            if (connectionTimeout.toMillis() < 250 || connectionTimeout.toSeconds() > 60) {
                throw new IllegalArgumentException("connectionTimeout must be 250 ms to 60 s, was " + connectionTimeout);
            }
            this.connectionTimeout = connectionTimeout;
            return this;
        }

        /** The HikariCP pool name, shown in its logs and metrics; default {@code queue-worker-pgvector}. */
        public Builder poolName(String poolName) {
            this.poolName = Objects.requireNonNull(poolName, "'poolName' cannot be null.");
            return this;
        }

        /**
         * Connects, checks the table and creates it when missing.
         *
         * @throws IllegalStateException for bad credentials, a missing database or extension, or a table
         *     of another dimension (nothing is written then)
         * @throws RetryableException when PostgreSQL cannot be reached
         */
        public PgVectorChunkStore build() {
            return new PgVectorChunkStore(this);
        }
    }
}
