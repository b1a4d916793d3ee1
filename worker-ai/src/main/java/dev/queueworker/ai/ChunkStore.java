package dev.queueworker.ai;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the {@code ingest} handler keeps the embedded chunks of documents, keyed by
 * {@link DocumentKey} (client, document set, filename): the SPI to plug in another vector database.
 * The built-in stores are pgvector and a file ({@link ChunkStores}); every implementation should
 * pass worker-ai-test's {@code ChunkStoreCompatibilityKit}.
 *
 * <p>The contract, in the words of the ingest handler that relies on it:
 * <ul>
 *   <li><b>Clients apart.</b> Several clients may share one store (one table). Every chunk carries
 *       its client in the metadata key {@code client_id}, and every operation, search included,
 *       sees the given client's chunks only: a client's replace, delete or unchanged check never
 *       touches or reads another client's document, whatever its set and name.
 *   <li><b>Replace atomically.</b> {@link #replace} makes one document's chunks exactly the given
 *       ones; a reader never sees half of an old and half of a new version, and of two concurrent
 *       replaces of the same document the rows of one survive whole.
 *   <li><b>Unchanged check.</b> Every chunk carries {@link #CONTENT_SHA256} (of the whole document)
 *       and {@code text_sha256} (of its extracted text); {@link #documentValue} reads such a
 *       document-wide key back, so a re-ingest of the same bytes writes nothing.
 *   <li><b>Reuse.</b> {@link #storedChunks} gives a document's chunks back with their embeddings
 *       (optional: the default gives none), so unchanged chunks are not embedded again.
 *   <li><b>Delete.</b> {@link #delete} removes one document's chunks and no other's.
 *   <li><b>Dimension.</b> A store holds embeddings of one {@link #dimension()}; {@link #replace}
 *       refuses another, and the handler refuses a model whose dimension differs when it is built.
 * </ul>
 *
 * <p>Chunk ids are UUIDs ({@link ChunkIds} for the ingest handler's). Implementations are
 * thread-safe: the worker calls them from several handler threads at once.
 *
 * <pre>{@code
 * try (ChunkStore store = ChunkStores.pgvector(databaseUrl, "document_chunks", 384)) {
 *     DocumentKey guide = new DocumentKey("southhaven", "manuals", "a.pdf");
 *     if (!store.contentSha256(guide).equals(Optional.of(sha))) {
 *         store.replace(guide, ids, embeddings, segments);
 *     }
 * }
 * }</pre>
 */
public interface ChunkStore extends AutoCloseable {
    String CLIENT_ID = "client_id";
    String DOCUMENT_SET = "document_set";
    String FILENAME = "filename";
    String CHUNK_INDEX = "chunk_index";
    String CONTENT_SHA256 = "content_sha256";

    /** The dimension of every embedding in this store. */
    int dimension();

    /** The {@code content_sha256} stored on the document's chunks; empty when it has none. */
    default Optional<String> contentSha256(DocumentKey document) {
        return documentValue(document, CONTENT_SHA256);
    }

    /**
     * The value of metadata key {@code key} on the document's chunks, as text (the ingest handler
     * sets its document-wide keys, such as {@link #CONTENT_SHA256}, on every chunk alike); empty when
     * the document has no chunks or they lack the key.
     */
    Optional<String> documentValue(DocumentKey document, String key);

    /**
     * Makes the document's chunks exactly these, atomically: chunks are upserted by id and the
     * document's other chunks (such as those past a new, shorter count) are deleted. Two calls for
     * the same document at once leave the rows of one of them. Empty lists delete the document.
     *
     * @throws IllegalArgumentException when the lists differ in size, an id is not a UUID, an
     *     embedding has another dimension, or a segment's client_id/document_set/filename metadata
     *     differ from {@code document}'s
     * @throws dev.queueworker.api.PermanentException when an id is already another client's chunk
     *     (nothing is written)
     * @throws dev.queueworker.api.RetryableException when the store cannot be reached
     */
    void replace(DocumentKey document, List<String> ids, List<Embedding> embeddings, List<TextSegment> segments);

    /** Deletes the document's chunks, leaving every other document's; nothing to delete is no error. */
    default void delete(DocumentKey document) {
        replace(document, List.of(), List.of(), List.of());
    }

    /** The number of chunks the document has. */
    int count(DocumentKey document);

    /**
     * The document's chunks as stored, by chunk id, with their embeddings: the ingest handler embeds
     * again only the chunks whose text or embedding model differ from those of the stored chunk of
     * the same id, so a retried or re-ingested document whose text changed in places costs only the
     * changed chunks' tokens. Scoped like every operation: never another client's chunks.
     *
     * @return the chunks by id; empty when the document has none, and by default, for stores that
     *     cannot read their embeddings back (then every chunk is embedded again, as before)
     * @throws dev.queueworker.api.RetryableException when the store cannot be reached
     */
    default Map<String, StoredChunk> storedChunks(DocumentKey document) {
        return Map.of();
    }

    /**
     * The LangChain4j view of one client's chunks, for search and retrieval: every search sees only
     * chunks whose {@code client_id} is {@code clientId} (a request's own filter is applied within
     * them). Read-only: writes go through {@link #replace}. {@link ChunkStores#clientView} makes
     * such a view of an {@link EmbeddingStore} holding every client's chunks.
     */
    EmbeddingStore<TextSegment> embeddingStore(String clientId);

    /**
     * Marks as {@code clientId}'s the chunks stored before chunks carried {@code client_id}
     * (queue-worker 0.1) whose id is the one {@link ChunkIds} gives this client's chunk of that
     * document and index, so an upgrade loses nothing and moves nothing between clients; chunks of
     * other clients stay as they are until their own client claims them. Idempotent and safe to run
     * from several workers at once. The ingest handler runs it when it is built.
     *
     * @return how many chunks were marked; the default, for stores that never held such chunks, 0
     */
    default int claimLegacyChunks(String clientId) {
        return 0;
    }

    /** Releases connections or files; the store is unusable afterwards. */
    @Override
    void close();
}
