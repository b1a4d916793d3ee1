package dev.queueworker.ai;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.queueworker.ai.internal.store.ClientScopedEmbeddingStore;
import dev.queueworker.ai.internal.store.DatabaseUrl;
import dev.queueworker.ai.internal.store.FileChunkStore;
import dev.queueworker.ai.internal.store.PgVectorChunkStore;
import java.nio.file.Path;

/** The built-in {@link ChunkStore}s: pgvector for production, a file for a single worker. */
public final class ChunkStores {

    private ChunkStores() {
    }

    /**
     * Chunks in PostgreSQL with pgvector. Connects, creates {@code table} when it is missing, and
     * checks its dimension against {@code dimension}.
     *
     * @param databaseUrl {@code postgresql://user:pass@host:port/db} or a {@code jdbc:postgresql:} URL
     * @param table       a lowercase SQL name, such as {@code document_chunks}
     * @throws IllegalArgumentException naming the option when the URL or the table name is invalid
     * @throws IllegalStateException when the table holds embeddings of another dimension
     * @throws dev.queueworker.api.RetryableException when the database cannot be reached
     */
    public static ChunkStore pgvector(String databaseUrl, String table, int dimension) {
        return PgVectorChunkStore.builder(DatabaseUrl.parse(databaseUrl), dimension).table(table).build();
    }

    /**
     * Chunks in memory, saved to {@code chunks.json} under {@code dataDirectory} after each change
     * and loaded from it when it exists. For one worker process; not shared between processes.
     *
     * @throws IllegalStateException when the file holds embeddings of another dimension
     */
    public static ChunkStore file(Path dataDirectory, int dimension) {
        return FileChunkStore.open(dataDirectory, dimension);
    }

    /**
     * A read-only view of one client's chunks in {@code allClients}, an embedding store holding
     * every client's: each search also filters on the {@code client_id} metadata key. For
     * {@link ChunkStore#embeddingStore(String)} implementations over a LangChain4j store.
     */
    public static EmbeddingStore<TextSegment> clientView(EmbeddingStore<TextSegment> allClients, String clientId) {
        java.util.Objects.requireNonNull(allClients, "'allClients' cannot be null.");
        return new ClientScopedEmbeddingStore(allClients::search, clientId);
    }
}
