package dev.queueworker.ai;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;

import java.util.List;
import java.util.Optional;

/**
 * Where the {@code ingest} handler keeps the embedded chunks of documents, keyed by (document set,
 * filename): the SPI to plug in another vector database. The built-in stores are pgvector and a
 * file ({@link ChunkStores}); every implementation should pass worker-ai-test's
 * {@code ChunkStoreCompatibilityKit}.
 *
 * <p>The contract, in the words of the ingest handler that relies on it:
 * <ul>
 *   <li><b>Replace atomically.</b> {@link #replace} makes one document's chunks exactly the given
 *       ones; a reader never sees half of an old and half of a new version, and of two concurrent
 *       replaces of the same document the rows of one survive whole.
 *   <li><b>Unchanged check.</b> Every chunk carries {@link #CONTENT_SHA256} (of the whole document)
 *       and {@code text_sha256} (of its extracted text); {@link #documentValue} reads such a
 *       document-wide key back, so a re-ingest of the same bytes writes nothing.
 *   <li><b>Delete.</b> {@link #delete} removes one document's chunks and no other's.
 *   <li><b>Dimension.</b> A store holds embeddings of one {@link #dimension()}; {@link #replace}
 *       refuses another, and the handler refuses a model whose dimension differs when it is built.
 * </ul>
 *
 * <p>Chunk ids are UUIDs. Implementations are thread-safe: the worker calls them from several
 * handler threads at once.
 *
 * <pre>{@code
 * try (ChunkStore store = ChunkStores.pgvector(databaseUrl, "document_chunks", 384)) {
 *     if (!store.contentSha256("manuals", "a.pdf").equals(Optional.of(sha))) {
 *         store.replace("manuals", "a.pdf", ids, embeddings, segments);
 *     }
 * }
 * }</pre>
 */
public interface ChunkStore extends AutoCloseable {
    String DOCUMENT_SET = "document_set";
    String FILENAME = "filename";
    String CHUNK_INDEX = "chunk_index";
    String CONTENT_SHA256 = "content_sha256";

    /** The dimension of every embedding in this store. */
    int dimension();

    /** The {@code content_sha256} stored on the document's chunks; empty when it has none. */
    default Optional<String> contentSha256(String documentSet, String filename) {
        return documentValue(documentSet, filename, CONTENT_SHA256);
    }

    /**
     * The value of metadata key {@code key} on the document's chunks, as text (the ingest handler
     * sets its document-wide keys, such as {@link #CONTENT_SHA256}, on every chunk alike); empty when
     * the document has no chunks or they lack the key.
     */
    Optional<String> documentValue(String documentSet, String filename, String key);

    /**
     * Makes the document's chunks exactly these, atomically: chunks are upserted by id and the
     * document's other chunks (such as those past a new, shorter count) are deleted. Two calls for
     * the same document at once leave the rows of one of them. Empty lists delete the document.
     *
     * @throws IllegalArgumentException when the lists differ in size, an id is not a UUID, an
     *     embedding has another dimension or a segment's document_set/filename metadata differ
     * @throws dev.queueworker.api.RetryableException when the store cannot be reached
     */
    void replace(String documentSet, String filename, List<String> ids, List<Embedding> embeddings,
                 List<TextSegment> segments);

    /** Deletes the document's chunks, leaving every other document's; nothing to delete is no error. */
    default void delete(String documentSet, String filename) {
        replace(documentSet, filename, List.of(), List.of(), List.of());
    }

    /** The number of chunks the document has. */
    int count(String documentSet, String filename);

    /** The LangChain4j view of the chunks, for search and retrieval. */
    EmbeddingStore<TextSegment> embeddingStore();

    /** Releases connections or files; the store is unusable afterwards. */
    @Override
    void close();
}
