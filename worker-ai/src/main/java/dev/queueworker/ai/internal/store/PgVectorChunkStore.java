package dev.queueworker.ai.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pgvector.PGvector;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.pgvector.PgVectorEmbeddingStore;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.DocumentKey;
import dev.queueworker.ai.StoredChunk;
import dev.queueworker.ai.internal.budget.TokenLedger;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
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
 * plus an index on the metadata's {@code client_id}, {@code document_set} and {@code filename}: every
 * statement selects a document by all three, so clients sharing the table never touch each other's
 * rows. Metadata values are
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

    private static final Logger log = LoggerFactory.getLogger(PgVectorChunkStore.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

    private final DatabaseUrl url;
    private final String table;
    private final int dimension;
    private final PgVectorFailures failures;
    private final HikariDataSource dataSource;
    private final PgVectorEmbeddingStore embeddingStore;
    private final String upsertSql;
    private final String deleteOthersSql;
    private final String countSql;
    private final String valueSql;
    private final String ownedSql;
    private final String chunksSql;

    private PgVectorChunkStore(Builder builder) {
        this.url = builder.url;
        this.table = builder.table;
        this.dimension = builder.dimension;
        this.failures = new PgVectorFailures(url);
        this.dataSource = openPool(builder);
        try {
            this.embeddingStore = new PgVectorTable(dataSource, url, table, dimension, failures).prepare();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        String documentIs = "metadata->>'" + CLIENT_ID + "' = ? AND metadata->>'" + DOCUMENT_SET + "' = ? AND metadata->>'"
                + FILENAME + "' = ?";
        // A row of another client is never overwritten: the ownership check after the upsert refuses it.
        this.upsertSql = "INSERT INTO " + table + " (embedding_id, embedding, text, metadata) VALUES (?, ?, ?, ?::jsonb)"
                + " ON CONFLICT (embedding_id) DO UPDATE SET embedding = EXCLUDED.embedding, text = EXCLUDED.text,"
                + " metadata = EXCLUDED.metadata WHERE " + table + ".metadata->>'" + CLIENT_ID + "' IS NULL OR "
                + table + ".metadata->>'" + CLIENT_ID + "' = EXCLUDED.metadata->>'" + CLIENT_ID + "'";
        this.ownedSql = "SELECT count(*) FROM " + table + " WHERE embedding_id = ANY (?) AND metadata->>'" + CLIENT_ID
                + "' = ?";
        this.deleteOthersSql = "DELETE FROM " + table + " WHERE " + documentIs + " AND NOT (embedding_id = ANY (?))";
        this.countSql = "SELECT count(*) FROM " + table + " WHERE " + documentIs;
        this.chunksSql = "SELECT embedding_id, embedding::text, text, metadata::text FROM " + table + " WHERE "
                + documentIs;
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

    /**
     * The day's tokens of {@code clientId} in {@code <table>_token_usage} of this database, shared by
     * every worker on it; the table is created when missing.
     */
    public TokenLedger tokenLedger(String clientId) {
        return new PgTokenLedger(dataSource, table, clientId, failures);
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
    public Optional<String> documentValue(DocumentKey document, String key) {
        Objects.requireNonNull(document, "'document' cannot be null.");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(valueSql)) {
            select.setString(1, key);
            setDocument(select, 2, document);
            select.setString(5, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failures.failure(e, "read the " + key + " of " + document);
        }
    }

    @Override
    public void replace(DocumentKey document, List<String> ids, List<Embedding> embeddings,
                        List<TextSegment> segments) {
        List<UUID> uuids = ChunkBatch.check(document, ids, embeddings, segments, dimension);
        String[] metadata = new String[segments.size()];
        for (int i = 0; i < metadata.length; i++) {
            metadata[i] = metadataJson(segments.get(i));
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock = connection.prepareStatement(
                        "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                    lock.setString(1, table + '\u001f' + document.clientId() + '\u001f' + document.documentSet() + '\u001f'
                            + document.filename());
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
                    refuseOtherClientsRows(connection, document, uuids);
                }
                try (PreparedStatement delete = connection.prepareStatement(deleteOthersSql)) {
                    setDocument(delete, 1, document);
                    delete.setArray(4, connection.createArrayOf("uuid", uuids.toArray()));
                    delete.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw failures.failure(e, "replace the chunks of " + document);
        }
    }

    /** After the upsert: every id must be this client's row now; one left as another client's was refused. */
    private void refuseOtherClientsRows(Connection connection, DocumentKey document, List<UUID> uuids)
            throws SQLException {
        try (PreparedStatement owned = connection.prepareStatement(ownedSql)) {
            owned.setArray(1, connection.createArrayOf("uuid", uuids.toArray()));
            owned.setString(2, document.clientId());
            try (ResultSet rows = owned.executeQuery()) {
                rows.next();
                if (rows.getInt(1) != uuids.size()) {
                    throw new PermanentException("chunk ids of " + document + " in table " + table + " ("
                            + TABLE_OPTION + ") are already rows of another client's document; nothing was written");
                }
            }
        }
    }

    private static void setDocument(PreparedStatement statement, int first, DocumentKey document) throws SQLException {
        statement.setString(first, document.clientId());
        statement.setString(first + 1, document.documentSet());
        statement.setString(first + 2, document.filename());
    }

    @Override
    public int count(DocumentKey document) {
        Objects.requireNonNull(document, "'document' cannot be null.");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(countSql)) {
            setDocument(select, 1, document);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (SQLException e) {
            throw failures.failure(e, "count the chunks of " + document);
        }
    }

    @Override
    public Map<String, StoredChunk> storedChunks(DocumentKey document) {
        Objects.requireNonNull(document, "'document' cannot be null.");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(chunksSql)) {
            setDocument(select, 1, document);
            Map<String, StoredChunk> chunks = new HashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Map<String, String> metadata = JSON.readValue(rows.getString(4), STRING_MAP);
                    chunks.put(rows.getString(1), new StoredChunk(
                            TextSegment.from(rows.getString(3), Metadata.from(metadata)),
                            Embedding.from(new PGvector(rows.getString(2)).toArray())));
                }
            }
            return chunks;
        } catch (SQLException e) {
            throw failures.failure(e, "read the chunks of " + document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the metadata of a chunk of " + document + " is not a JSON object of"
                    + " strings", e);
        }
    }

    @Override
    public EmbeddingStore<TextSegment> embeddingStore(String clientId) {
        return new ClientScopedEmbeddingStore(embeddingStore::search, clientId);
    }

    @Override
    public int claimLegacyChunks(String clientId) {
        return LegacyChunks.claim(dataSource, table, clientId, failures);
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
                throw failures.failure((SQLException) cause, "connect");
            }
            throw new RetryableException("cannot connect to PostgreSQL at " + url.location() + " ('databaseUrl'): "
                    + e.getMessage(), e);
        }
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
